package io.riskplane.plane;

import io.riskplane.model.ControlRecord;
import io.riskplane.model.Decoded;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.DetectorOutput;
import io.riskplane.model.DislocationEpisode;
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
    private DataStream<DetectorOutput> detectorOutputs;

    public ExternalSinks(String bootstrap, Properties kafkaClient, String transactionalIdPrefix,
            ClickHouseSinks clickHouse, IcebergLakehouse lakehouse) {
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
        controls.sinkTo(KafkaSinks.control(bootstrap, kafkaClient, transactionalIdPrefix))
                .name("kafka control topic").uid("kafka-control");
        controls.sinkTo(clickHouse.controlEvents()).name("clickhouse control_events").uid("clickhouse-control-events");
        lakehouse.controlEvents(controls);
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
