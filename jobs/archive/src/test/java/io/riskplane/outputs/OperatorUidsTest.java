package io.riskplane.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.archive.ArchiveJob;
import io.riskplane.archive.ArchiveSinks;
import io.riskplane.archive.ArchiveSources;
import io.riskplane.plane.ExternalSinks;
import io.riskplane.plane.KafkaInput;
import io.riskplane.plane.PlaneOptions;
import io.riskplane.plane.RiskPlaneJob;
import io.riskplane.sinks.iceberg.IcebergLakehouse;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Savepoint compatibility: the operator uids of the production graphs (decision job with its Kafka sinks, archive
 * job with its Iceberg sinks), as they were before the outputs were described once (io.riskplane.outputs). A
 * savepoint restores state by uid; a changed uid would drop the state of that operator. (Issue 16 removed the
 * stateless control-event-alerts and added the halt ledger and its sinks: savepoints from before restore.)
 */
class OperatorUidsTest {
    @TempDir
    Path warehouse;

    @Test
    void theDecisionJobKeepsItsOperatorUids() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        PlaneOptions options = PlaneOptions.streaming();
        new RiskPlaneJob(
                        KafkaInput.source("localhost:9", new Properties(), "g", options),
                        KafkaInput.arrivals("localhost:9", new Properties(), "g", options),
                        KafkaInput.operatorCommands("localhost:9", new Properties(), "g", options),
                        new ExternalSinks("localhost:9", new Properties(), "tx", null, true),
                        options)
                .build(env);
        assertThat(uids(env)).containsExactlyElementsOf(new TreeSet<>(DECISION_JOB_UIDS));
    }

    @Test
    void theArchiveJobKeepsItsOperatorUids() {
        IcebergLakehouse lakehouse = IcebergLakehouse.localWarehouse(warehouse.toString());
        lakehouse.ensureTables();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        new ArchiveJob(
                        ArchiveSources.inputs("localhost:9", new Properties(), "g", 1000),
                        ArchiveSources.detectorRows("localhost:9", new Properties(), "g"),
                        ArchiveSources.controls("localhost:9", new Properties(), "g"),
                        ArchiveSinks.iceberg(lakehouse))
                .build(env);
        assertThat(uids(env)).containsExactlyElementsOf(new TreeSet<>(ARCHIVE_JOB_UIDS));
    }

    private static TreeSet<String> uids(StreamExecutionEnvironment env) {
        TreeSet<String> uids = new TreeSet<>();
        for (StreamNode n : env.getStreamGraph().getStreamNodes()) {
            uids.add(
                    n.getTransformationUID() == null
                            ? "<none: " + n.getOperatorName() + ">"
                            : n.getTransformationUID());
        }
        return uids;
    }

    static final List<String> DECISION_JOB_UIDS = List.of(
            "Sink Committer: kafka-alerts",
            "Sink Committer: kafka-clickhouse-rows",
            "Sink Committer: kafka-control",
            "Sink Committer: kafka-control-early",
            "Sink Committer: kafka-dead-letters",
            "Sink Committer: kafka-halt-state",
            "Sink Committer: kafka-heartbeat",
            "arrival-policies",
            "arrival-policy-version-gate",
            "arrivals",
            "clickhouse-alerts-rows",
            "clickhouse-condition-evaluations-rows",
            "clickhouse-control-events-rows",
            "clickhouse-control-events-rows-2",
            "clickhouse-cursor-staleness-rows",
            "clickhouse-dead-letters-rows",
            "clickhouse-dislocations-rows",
            "clickhouse-execution-telemetry-rows",
            "clickhouse-guardrail-trips-rows",
            "clickhouse-lane-runs-rows",
            "clickhouse-halt-states-rows",
            "clickhouse-pnl-bars-rows",
            "clickhouse-pnl-bars-rows-2",
            "clickhouse-slo-evaluations-rows",
            "cursor-staleness",
            "early-order-rate",
            "early-orders",
            "error-budget-burn",
            "execution-telemetry",
            "guardrail-fills",
            "guardrail-orders",
            "guardrails",
            "halt-ledger",
            "input",
            "instrument-host",
            "kafka-alerts",
            "kafka-clickhouse-rows",
            "kafka-control",
            "kafka-control-early",
            "kafka-dead-letters",
            "kafka-halt-state",
            "kafka-heartbeat",
            "lane-failures",
            "operator-command-gate",
            "operator-commands",
            "operator-directives",
            "operator-input",
            "operator-router",
            "order-lifecycle",
            "org-pnl-host",
            "plane-heartbeat",
            "policies",
            "policy-directives",
            "policy-version-gate",
            "route-fallback",
            "router",
            "rule-guardrails",
            "rule-lane-rollback",
            "rule-slo",
            "rule-sustained",
            "signal-lag-samples",
            "slo-evaluator",
            "stored-cursor-staleness",
            "stored-slo-evaluations",
            "strategy-pnl-host",
            "sustained-breaches",
            "telemetry-levels",
            "telemetry-slos",
            "terminal-orders",
            "terminal-routed-orders");

    static final List<String> ARCHIVE_JOB_UIDS = List.of(
            "Sink Committer: iceberg-control-events",
            "Sink Committer: iceberg-detector-outputs",
            "Sink Committer: iceberg-raw-events",
            "Sink Committer: iceberg-rejected-inputs",
            "Sink pre-writer mapper: iceberg-control-events",
            "Sink pre-writer mapper: iceberg-detector-outputs",
            "Sink pre-writer mapper: iceberg-raw-events",
            "Sink pre-writer mapper: iceberg-rejected-inputs",
            "archive-controls",
            "archive-controls-once",
            "archive-detector-rows",
            "archive-input",
            "archive-raw-events-json",
            "archive-rejected-inputs",
            "archive-skipped-offsets",
            "archive-valid-events",
            "iceberg-control-events",
            "iceberg-control-events: Sink pre-commit aggregator: iceberg-control-events",
            "iceberg-detector-outputs",
            "iceberg-detector-outputs: Sink pre-commit aggregator: iceberg-detector-outputs",
            "iceberg-raw-events",
            "iceberg-raw-events: Sink pre-commit aggregator: iceberg-raw-events",
            "iceberg-rejected-inputs",
            "iceberg-rejected-inputs: Sink pre-commit aggregator: iceberg-rejected-inputs");
}
