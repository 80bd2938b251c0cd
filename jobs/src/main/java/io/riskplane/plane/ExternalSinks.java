package io.riskplane.plane;

import io.riskplane.model.AlertRecord;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.HeartbeatRecord;
import io.riskplane.model.Decoded;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.PnlBar;
import io.riskplane.model.DetectorOutput;
import io.riskplane.model.DislocationEpisode;
import io.riskplane.model.ConditionEvaluation;
import io.riskplane.model.CursorStaleness;
import io.riskplane.model.GuardrailTrip;
import io.riskplane.model.LaneRunEvaluation;
import io.riskplane.model.SloEvaluation;
import io.riskplane.model.TelemetryWindow;
import io.riskplane.sinks.clickhouse.ClickHouseRows;
import io.riskplane.sinks.clickhouse.WarehouseRow;
import io.riskplane.sinks.iceberg.IcebergLakehouse;
import io.riskplane.sinks.kafka.KafkaSinks;
import java.util.Properties;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The production wiring: control events (confirmed and early), alerts, heartbeats and dead letters to Kafka; every result as a ClickHouse
 * row to Kafka for the loader; raw events and detector outputs to Iceberg.
 */
public final class ExternalSinks implements PlaneSinks {
    private final String bootstrap;
    private final Properties kafkaClient;
    private final String transactionalIdPrefix;
    private final IcebergLakehouse lakehouse;
    private final io.riskplane.verify.SigningKey signing;
    private final boolean controlExactlyOnce;
    private DataStream<DetectorOutput> detectorOutputs;
    private DataStream<WarehouseRow> clickhouseRows;
    /** Confirmed and early control events, for their history in ClickHouse and Iceberg (written in finish()). */
    private DataStream<ControlRecord> archivedControls;

    public ExternalSinks(String bootstrap, Properties kafkaClient, String transactionalIdPrefix,
            IcebergLakehouse lakehouse, io.riskplane.verify.SigningKey signing,
            boolean controlExactlyOnce) {
        this.signing = signing;
        this.controlExactlyOnce = controlExactlyOnce;
        this.bootstrap = bootstrap;
        this.kafkaClient = kafkaClient;
        this.transactionalIdPrefix = transactionalIdPrefix;
        this.lakehouse = lakehouse;
    }

    @Override
    public void rawEvents(DataStream<Decoded> events) {
        DataStream<io.riskplane.model.RawEvent> raw = events.map(io.riskplane.model.RawEvent::of)
                .name("raw events as JSON").uid("raw-events-json");
        addRows(raw.map(ClickHouseRows.RAW_EVENTS).name("raw_events to clickhouse rows").uid("clickhouse-raw-events-rows"));
        lakehouse.rawEvents(raw);
    }

    @Override
    public void pnlBars(DataStream<PnlBar> bars) {
        addRows(bars.map(ClickHouseRows.PNL_BARS).name("pnl_bars to clickhouse rows").uid("clickhouse-pnl-bars-rows"));
        addDetectorOutputs(bars.map(OutputJson::pnlBarOutput).name("pnl bars to lakehouse rows")
                .uid("pnl-bar-lakehouse-rows"));
    }

    @Override
    public void controlEvents(DataStream<ControlRecord> controls) {
        controls.sinkTo(KafkaSinks.control(bootstrap, kafkaClient, transactionalIdPrefix, signing,
                controlExactlyOnce))
                .name("kafka control topic").uid("kafka-control");
        archiveControls(controls);
    }

    /** Early control events: their own topic at least once; history in the same tables as the confirmed ones. */
    @Override
    public void earlyControlEvents(DataStream<ControlRecord> controls) {
        controls.sinkTo(KafkaSinks.earlyControl(bootstrap, kafkaClient, signing))
                .name("kafka early control topic").uid("kafka-control-early");
        archiveControls(controls);
    }

    private void archiveControls(DataStream<ControlRecord> controls) {
        archivedControls = archivedControls == null ? controls : archivedControls.union(controls);
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
        addRows(alerts.map(ClickHouseRows.ALERTS).name("alerts to clickhouse rows").uid("clickhouse-alerts-rows"));
    }

    @Override
    public void executionTelemetry(DataStream<TelemetryWindow> telemetry) {
        addRows(telemetry.map(ClickHouseRows.EXECUTION_TELEMETRY).name("execution_telemetry to clickhouse rows").uid("clickhouse-execution-telemetry-rows"));
        addDetectorOutputs(telemetry.map(OutputJson::telemetryOutput).name("telemetry to lakehouse rows")
                .uid("telemetry-lakehouse-rows"));
    }

    @Override
    public void sloEvaluations(DataStream<SloEvaluation> evaluations) {
        addRows(evaluations.map(ClickHouseRows.SLO_EVALUATIONS).name("slo_evaluations to clickhouse rows").uid("clickhouse-slo-evaluations-rows"));
        addDetectorOutputs(evaluations.map(OutputJson::sloOutput).name("slo to lakehouse rows")
                .uid("slo-lakehouse-rows"));
    }

    @Override
    public void dislocations(DataStream<DislocationEpisode> episodes) {
        addRows(episodes.map(ClickHouseRows.DISLOCATIONS).name("dislocations to clickhouse rows").uid("clickhouse-dislocations-rows"));
        addDetectorOutputs(episodes.map(OutputJson::dislocationOutput).name("dislocations to lakehouse rows")
                .uid("dislocation-lakehouse-rows"));
    }

    @Override
    public void cursorStaleness(DataStream<CursorStaleness> rows) {
        addRows(rows.map(ClickHouseRows.CURSOR_STALENESS).name("cursor_staleness to clickhouse rows").uid("clickhouse-cursor-staleness-rows"));
        addDetectorOutputs(rows.map(OutputJson::stalenessOutput).name("staleness to lakehouse rows")
                .uid("staleness-lakehouse-rows"));
    }

    @Override
    public void guardrailTrips(DataStream<GuardrailTrip> trips) {
        addRows(trips.map(ClickHouseRows.GUARDRAIL_TRIPS).name("guardrail_trips to clickhouse rows").uid("clickhouse-guardrail-trips-rows"));
        addDetectorOutputs(trips.map(OutputJson::tripOutput).name("guardrail trips to lakehouse rows")
                .uid("guardrail-lakehouse-rows"));
    }

    @Override
    public void conditionEvaluations(DataStream<ConditionEvaluation> evaluations) {
        addRows(evaluations.map(ClickHouseRows.CONDITION_EVALUATIONS).name("condition_evaluations to clickhouse rows").uid("clickhouse-condition-evaluations-rows"));
        addDetectorOutputs(evaluations.map(OutputJson::conditionOutput).name("conditions to lakehouse rows")
                .uid("condition-lakehouse-rows"));
    }

    @Override
    public void laneRuns(DataStream<LaneRunEvaluation> evaluations) {
        addRows(evaluations.map(ClickHouseRows.LANE_RUNS).name("lane_runs to clickhouse rows").uid("clickhouse-lane-runs-rows"));
        addDetectorOutputs(evaluations.map(OutputJson::laneRunOutput).name("lane runs to lakehouse rows")
                .uid("lane-run-lakehouse-rows"));
    }

    /**
     * The control events' history (confirmed and early: one row stream, one Iceberg sink), one Iceberg sink for
     * every detector (a single committer per table, not one per detector), and one Kafka sink for every ClickHouse
     * row: the loader inserts them, outside the job.
     */
    @Override
    public void finish() {
        if (archivedControls != null) {
            addRows(archivedControls.map(ClickHouseRows.CONTROL_EVENTS).name("control_events to clickhouse rows")
                    .uid("clickhouse-control-events-rows"));
            lakehouse.controlEvents(archivedControls);
        }
        if (detectorOutputs != null) {
            lakehouse.detectorOutputs(detectorOutputs);
        }
        if (clickhouseRows != null) {
            clickhouseRows.sinkTo(KafkaSinks.clickhouseRows(bootstrap, kafkaClient, transactionalIdPrefix + "-rows"))
                    .name("kafka clickhouse rows").uid("kafka-clickhouse-rows");
        }
    }

    private void addRows(DataStream<WarehouseRow> rows) {
        clickhouseRows = clickhouseRows == null ? rows : clickhouseRows.union(rows);
    }

    private void addDetectorOutputs(DataStream<DetectorOutput> outputs) {
        detectorOutputs = detectorOutputs == null ? outputs : detectorOutputs.union(outputs);
    }

    @Override
    public void deadLetters(DataStream<DeadLetterRecord> deadLetters) {
        deadLetters.sinkTo(KafkaSinks.deadLetters(bootstrap, kafkaClient))
                .name("kafka dead-letter topic").uid("kafka-dead-letters");
        addRows(deadLetters.map(ClickHouseRows.DEAD_LETTERS).name("dead_letters to clickhouse rows").uid("clickhouse-dead-letters-rows"));
    }
}
