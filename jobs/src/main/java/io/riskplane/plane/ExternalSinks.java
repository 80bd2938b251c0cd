package io.riskplane.plane;

import io.riskplane.model.AlertRecord;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.HeartbeatRecord;
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
import io.riskplane.sinks.clickhouse.ClickHouseTable;
import io.riskplane.sinks.clickhouse.WarehouseRow;
import io.riskplane.sinks.kafka.KafkaSinks;
import java.util.Properties;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.function.SerializableFunction;

/**
 * The production wiring, all of it to Kafka: control events (confirmed and early), alerts, heartbeats and dead
 * letters; every result as a ClickHouse row for the loader, a detector's row with its lakehouse form in the record's
 * headers for the archive job. The decision job writes no raw events (the loader and the archive job read the input
 * topics themselves) and nothing to Iceberg (the archive job does, from these topics): a slow store never
 * back-pressures the control path.
 */
public final class ExternalSinks implements PlaneSinks {
    private final String bootstrap;
    private final Properties kafkaClient;
    private final String transactionalIdPrefix;
    private final io.riskplane.verify.SigningKey signing;
    private final boolean controlExactlyOnce;
    private DataStream<WarehouseRow> clickhouseRows;
    /** Confirmed and early control events, for their history in ClickHouse (written in finish()). */
    private DataStream<ControlRecord> archivedControls;

    public ExternalSinks(String bootstrap, Properties kafkaClient, String transactionalIdPrefix,
            io.riskplane.verify.SigningKey signing,
            boolean controlExactlyOnce) {
        this.signing = signing;
        this.controlExactlyOnce = controlExactlyOnce;
        this.bootstrap = bootstrap;
        this.kafkaClient = kafkaClient;
        this.transactionalIdPrefix = transactionalIdPrefix;
    }

    @Override
    public void pnlBars(DataStream<PnlBar> bars) {
        addRows(bars.map(new DetectorRow<>(ClickHouseRows.PNL_BARS, OutputJson::pnlBarOutput))
                .returns(WarehouseRow.class).name("pnl_bars to clickhouse rows").uid("clickhouse-pnl-bars-rows"));
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
        addRows(telemetry.map(new DetectorRow<>(ClickHouseRows.EXECUTION_TELEMETRY, OutputJson::telemetryOutput))
                .returns(WarehouseRow.class).name("execution_telemetry to clickhouse rows")
                .uid("clickhouse-execution-telemetry-rows"));
    }

    @Override
    public void sloEvaluations(DataStream<SloEvaluation> evaluations) {
        addRows(evaluations.map(new DetectorRow<>(ClickHouseRows.SLO_EVALUATIONS, OutputJson::sloOutput))
                .returns(WarehouseRow.class).name("slo_evaluations to clickhouse rows")
                .uid("clickhouse-slo-evaluations-rows"));
    }

    @Override
    public void dislocations(DataStream<DislocationEpisode> episodes) {
        addRows(episodes.map(new DetectorRow<>(ClickHouseRows.DISLOCATIONS, OutputJson::dislocationOutput))
                .returns(WarehouseRow.class).name("dislocations to clickhouse rows")
                .uid("clickhouse-dislocations-rows"));
    }

    @Override
    public void cursorStaleness(DataStream<CursorStaleness> rows) {
        addRows(rows.map(new DetectorRow<>(ClickHouseRows.CURSOR_STALENESS, OutputJson::stalenessOutput))
                .returns(WarehouseRow.class).name("cursor_staleness to clickhouse rows")
                .uid("clickhouse-cursor-staleness-rows"));
    }

    @Override
    public void guardrailTrips(DataStream<GuardrailTrip> trips) {
        addRows(trips.map(new DetectorRow<>(ClickHouseRows.GUARDRAIL_TRIPS, OutputJson::tripOutput))
                .returns(WarehouseRow.class).name("guardrail_trips to clickhouse rows")
                .uid("clickhouse-guardrail-trips-rows"));
    }

    @Override
    public void conditionEvaluations(DataStream<ConditionEvaluation> evaluations) {
        addRows(evaluations.map(new DetectorRow<>(ClickHouseRows.CONDITION_EVALUATIONS, OutputJson::conditionOutput))
                .returns(WarehouseRow.class).name("condition_evaluations to clickhouse rows")
                .uid("clickhouse-condition-evaluations-rows"));
    }

    @Override
    public void laneRuns(DataStream<LaneRunEvaluation> evaluations) {
        addRows(evaluations.map(new DetectorRow<>(ClickHouseRows.LANE_RUNS, OutputJson::laneRunOutput))
                .returns(WarehouseRow.class).name("lane_runs to clickhouse rows")
                .uid("clickhouse-lane-runs-rows"));
    }

    /**
     * The control events' history (confirmed and early: one row stream) and one Kafka sink for every ClickHouse row:
     * the loader inserts them, outside the job, and the archive job writes the detectors' rows to Iceberg.
     */
    @Override
    public void finish() {
        if (archivedControls != null) {
            addRows(archivedControls.map(ClickHouseRows.CONTROL_EVENTS).name("control_events to clickhouse rows")
                    .uid("clickhouse-control-events-rows"));
        }
        if (clickhouseRows != null) {
            clickhouseRows.sinkTo(KafkaSinks.clickhouseRows(bootstrap, kafkaClient, transactionalIdPrefix + "-rows"))
                    .name("kafka clickhouse rows").uid("kafka-clickhouse-rows");
        }
    }

    private void addRows(DataStream<WarehouseRow> rows) {
        clickhouseRows = clickhouseRows == null ? rows : clickhouseRows.union(rows);
    }

    /** A detector's ClickHouse row carrying its lakehouse form (the replay JSON) for the archive job. */
    static final class DetectorRow<T> implements MapFunction<T, WarehouseRow> {
        private static final long serialVersionUID = 1L;
        private final ClickHouseTable<T> table;
        private final SerializableFunction<T, DetectorOutput> archive;

        DetectorRow(ClickHouseTable<T> table, SerializableFunction<T, DetectorOutput> archive) {
            this.table = table;
            this.archive = archive;
        }

        @Override
        public WarehouseRow map(T value) {
            return table.row(value).withArchive(archive.apply(value));
        }
    }

    @Override
    public void deadLetters(DataStream<DeadLetterRecord> deadLetters) {
        deadLetters.sinkTo(KafkaSinks.deadLetters(bootstrap, kafkaClient))
                .name("kafka dead-letter topic").uid("kafka-dead-letters");
        addRows(deadLetters.map(ClickHouseRows.DEAD_LETTERS).name("dead_letters to clickhouse rows").uid("clickhouse-dead-letters-rows"));
    }
}
