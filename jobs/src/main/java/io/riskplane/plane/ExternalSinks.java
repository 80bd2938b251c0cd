package io.riskplane.plane;

import io.riskplane.model.AlertRecord;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.HeartbeatRecord;
import io.riskplane.model.Decoded;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.DetectorOutput;
import io.riskplane.model.DislocationEpisode;
import io.riskplane.model.ConditionEvaluation;
import io.riskplane.model.CursorStaleness;
import io.riskplane.model.GuardrailTrip;
import io.riskplane.model.LaneRunEvaluation;
import io.riskplane.model.SloEvaluation;
import io.riskplane.model.TelemetryWindow;
import io.riskplane.sinks.clickhouse.ClickHouseSinks;
import io.riskplane.sinks.iceberg.IcebergLakehouse;
import io.riskplane.sinks.kafka.KafkaSinks;
import java.util.Properties;
import org.apache.flink.streaming.api.datastream.DataStream;

/** The production wiring: control events and dead letters to Kafka, everything to ClickHouse, raw and control to Iceberg. */
public final class ExternalSinks implements PlaneSinks {
    private final String bootstrap;
    private final Properties kafkaClient;
    private final String transactionalIdPrefix;
    private final ClickHouseSinks clickHouse;
    private final IcebergLakehouse lakehouse;
    private final io.riskplane.verify.SigningKey signing;
    private final boolean controlExactlyOnce;
    private DataStream<DetectorOutput> detectorOutputs;

    public ExternalSinks(String bootstrap, Properties kafkaClient, String transactionalIdPrefix,
            ClickHouseSinks clickHouse, IcebergLakehouse lakehouse, io.riskplane.verify.SigningKey signing,
            boolean controlExactlyOnce) {
        this.signing = signing;
        this.controlExactlyOnce = controlExactlyOnce;
        this.bootstrap = bootstrap;
        this.kafkaClient = kafkaClient;
        this.transactionalIdPrefix = transactionalIdPrefix;
        this.clickHouse = clickHouse;
        this.lakehouse = lakehouse;
    }

    @Override
    public void rawEvents(DataStream<Decoded> events) {
        events.sinkTo(clickHouse.rawEvents()).name("clickhouse raw_events").uid("clickhouse-raw-events");
        lakehouse.rawEvents(events);
    }

    @Override
    public void pnlSnapshots(DataStream<PnlSnapshot> snapshots) {
        snapshots.sinkTo(clickHouse.pnlSnapshots()).name("clickhouse pnl_snapshots").uid("clickhouse-pnl-snapshots");
    }

    @Override
    public void controlEvents(DataStream<ControlRecord> controls) {
        controls.sinkTo(KafkaSinks.control(bootstrap, kafkaClient, transactionalIdPrefix, signing,
                controlExactlyOnce))
                .name("kafka control topic").uid("kafka-control");
        controls.sinkTo(clickHouse.controlEvents()).name("clickhouse control_events").uid("clickhouse-control-events");
        lakehouse.controlEvents(controls);
    }

    @Override
    public void heartbeats(DataStream<HeartbeatRecord> heartbeats) {
        heartbeats.sinkTo(KafkaSinks.heartbeats(bootstrap, kafkaClient, signing)).setParallelism(1)
                .name("kafka heartbeat topic").uid("kafka-heartbeat");
    }

    @Override
    public void alerts(DataStream<AlertRecord> alerts) {
        alerts.sinkTo(KafkaSinks.alerts(bootstrap, kafkaClient, transactionalIdPrefix + "-alerts",
                controlExactlyOnce))
                .name("kafka alerts topic").uid("kafka-alerts");
        alerts.sinkTo(clickHouse.alerts()).name("clickhouse alerts").uid("clickhouse-alerts");
    }

    @Override
    public void executionTelemetry(DataStream<TelemetryWindow> telemetry) {
        telemetry.sinkTo(clickHouse.executionTelemetry()).name("clickhouse execution_telemetry")
                .uid("clickhouse-execution-telemetry");
        addDetectorOutputs(telemetry.map(OutputJson::telemetryOutput).name("telemetry to lakehouse rows")
                .uid("telemetry-lakehouse-rows"));
    }

    @Override
    public void sloEvaluations(DataStream<SloEvaluation> evaluations) {
        evaluations.sinkTo(clickHouse.sloEvaluations()).name("clickhouse slo_evaluations")
                .uid("clickhouse-slo-evaluations");
        addDetectorOutputs(evaluations.map(OutputJson::sloOutput).name("slo to lakehouse rows")
                .uid("slo-lakehouse-rows"));
    }

    @Override
    public void dislocations(DataStream<DislocationEpisode> episodes) {
        episodes.sinkTo(clickHouse.dislocations()).name("clickhouse dislocations").uid("clickhouse-dislocations");
        addDetectorOutputs(episodes.map(OutputJson::dislocationOutput).name("dislocations to lakehouse rows")
                .uid("dislocation-lakehouse-rows"));
    }

    @Override
    public void cursorStaleness(DataStream<CursorStaleness> rows) {
        rows.sinkTo(clickHouse.cursorStaleness()).name("clickhouse cursor_staleness").uid("clickhouse-cursor-staleness");
        addDetectorOutputs(rows.map(OutputJson::stalenessOutput).name("staleness to lakehouse rows")
                .uid("staleness-lakehouse-rows"));
    }

    @Override
    public void guardrailTrips(DataStream<GuardrailTrip> trips) {
        trips.sinkTo(clickHouse.guardrailTrips()).name("clickhouse guardrail_trips").uid("clickhouse-guardrail-trips");
        addDetectorOutputs(trips.map(OutputJson::tripOutput).name("guardrail trips to lakehouse rows")
                .uid("guardrail-lakehouse-rows"));
    }

    @Override
    public void conditionEvaluations(DataStream<ConditionEvaluation> evaluations) {
        evaluations.sinkTo(clickHouse.conditionEvaluations()).name("clickhouse condition_evaluations")
                .uid("clickhouse-condition-evaluations");
        addDetectorOutputs(evaluations.map(OutputJson::conditionOutput).name("conditions to lakehouse rows")
                .uid("condition-lakehouse-rows"));
    }

    @Override
    public void laneRuns(DataStream<LaneRunEvaluation> evaluations) {
        evaluations.sinkTo(clickHouse.laneRuns()).name("clickhouse lane_runs").uid("clickhouse-lane-runs");
        addDetectorOutputs(evaluations.map(OutputJson::laneRunOutput).name("lane runs to lakehouse rows")
                .uid("lane-run-lakehouse-rows"));
    }

    /** One Iceberg sink for every detector: a single committer per table, not one per detector. */
    @Override
    public void finish() {
        if (detectorOutputs != null) {
            lakehouse.detectorOutputs(detectorOutputs);
        }
    }

    private void addDetectorOutputs(DataStream<DetectorOutput> outputs) {
        detectorOutputs = detectorOutputs == null ? outputs : detectorOutputs.union(outputs);
    }

    @Override
    public void deadLetters(DataStream<DeadLetterRecord> deadLetters) {
        deadLetters.sinkTo(KafkaSinks.deadLetters(bootstrap, kafkaClient))
                .name("kafka dead-letter topic").uid("kafka-dead-letters");
        deadLetters.sinkTo(clickHouse.deadLetters()).name("clickhouse dead_letters").uid("clickhouse-dead-letters");
    }
}
