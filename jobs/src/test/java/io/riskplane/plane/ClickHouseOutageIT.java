package io.riskplane.plane;

import static io.riskplane.testing.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.riskplane.contract.Topics;
import io.riskplane.demo.TradingSession;
import io.riskplane.infra.CommittedTopicReader;
import io.riskplane.infra.LocalPlane;
import io.riskplane.testing.DemoSession;
import io.riskplane.infra.PrometheusScrape;
import io.riskplane.sinks.clickhouse.ClickHouseRows;
import io.riskplane.sinks.clickhouse.ClickHouseTable;
import io.riskplane.v1.Envelope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sink-outage drill: ClickHouse is stopped while the second half of the demo session arrives. The control path must
 * not notice (every control event of a run without an outage readable on the control topic while ClickHouse is
 * down, no job restart); after ClickHouse comes back the loader catches up, and ClickHouse (FINAL) holds every row
 * the plane committed to riskplane.v1.clickhouse-rows: nothing lost.
 */
class ClickHouseOutageIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void controlPathCarriesOnWhileClickHouseIsDownAndClickHouseCatchesUpAfterwards() throws Exception {
        DemoSession demo = DemoSession.withExpectedControls(dir);
        List<TradingSession.Item> items = demo.items();
        long malformed = demo.malformed();
        long valid = demo.valid();
        List<Envelope> expected = demo.controls();
        assertThat(expected).hasSize(11);

        try (LocalPlane plane = LocalPlane.start(dir.resolve("plane"), null, 2,
                line -> System.out.println("[outage] " + line))) {
            int half = items.size() / 2;
            demo.publish(plane.kafka.bootstrapServers(), 0, half);
            awaitTrue("the loader writes rows", () -> rawEvents(plane) > 0);

            plane.clickhouseServer.stop();
            long outageStart = System.nanoTime();
            demo.publish(plane.kafka.bootstrapServers(), half, items.size());
            long published = System.nanoTime();
            try (CommittedTopicReader control = CommittedTopicReader.control(plane.kafka.bootstrapServers())) {
                awaitTrue("every control event while ClickHouse is down",
                        () -> poll(control).size() >= expected.size());
                System.out.printf("[outage] all %d control events readable %.1f s after the last input, "
                        + "ClickHouse down%n", expected.size(), (System.nanoTime() - published) / 1e9);
                assertThat(poll(control)).containsExactlyInAnyOrderElementsOf(expected);
            }
            awaitTrue("the loader has met the outage", () -> plane.loader.failedAttempts() >= 4);
            assertThat(PrometheusScrape.sum(plane.metricsUrl(), "_job_numRestarts")).isZero();
            assertThat(plane.job.getJobStatus().get()).isEqualTo(org.apache.flink.api.common.JobStatus.RUNNING);

            plane.clickhouseServer.restart();
            System.out.printf("[outage] ClickHouse down for %.1f s; %d failed inserts retried%n",
                    (System.nanoTime() - outageStart) / 1e9, plane.loader.failedAttempts());
            awaitTrue("ClickHouse caught up", () -> rawEvents(plane) == valid
                    && count(plane, "SELECT count() FROM riskplane.dead_letters FINAL") == malformed
                    && count(plane, "SELECT count() FROM riskplane.control_events FINAL") == expected.size());

            // Every row the plane committed for ClickHouse is there, table by table, and nothing else: the sets of
            // row ids (each table's first column) on the topic and in ClickHouse are equal.
            Map<String, Set<String>> committed = committedRowIds(plane);
            assertThat(committed.keySet()).contains("raw_events", "control_events", "alerts", "execution_telemetry",
                    "pnl_snapshots", "dead_letters");
            for (ClickHouseTable<?> table : ClickHouseRows.TABLES) {
                Set<String> ids = committed.getOrDefault(table.name(), Set.of());
                String idColumn = table.columns().get(0);
                awaitTrue(table.name() + " complete", () -> count(plane, "SELECT uniqExact(" + idColumn
                        + ") FROM riskplane." + table.name()) == ids.size());
                assertThat(new HashSet<>(plane.clickhouse.query("SELECT DISTINCT " + idColumn + " FROM riskplane."
                        + table.name()).lines().toList())).as(table.name()).isEqualTo(ids);
            }
            assertThat(plane.clickhouse.query("SELECT control_id FROM riskplane.control_events FINAL ORDER BY "
                    + "control_id").lines().toList()).isEqualTo(expected.stream()
                    .map(e -> e.getControl().getControlId()).sorted().toList());
            assertThat(plane.loader.skipped()).isZero();
        }
    }

    /** Distinct row ids per table on the committed rows topic, read to its end. */
    static Map<String, Set<String>> committedRowIds(LocalPlane plane) throws Exception {
        Map<String, Set<String>> ids = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, plane.kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(Topics.CLICKHOUSE_ROWS, Duration.ofSeconds(30))
                    .forEach(p -> parts.add(new TopicPartition(Topics.CLICKHOUSE_ROWS, p.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    JsonNode row = JSON.readTree(r.value());
                    String id = row.fields().next().getValue().asText();
                    ids.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new HashSet<>()).add(id);
                }
            }
        }
        return ids;
    }

    static long rawEvents(LocalPlane plane) {
        return count(plane, "SELECT count() FROM riskplane.raw_events FINAL");
    }

    static long count(LocalPlane plane, String sql) {
        try {
            return plane.clickhouse.count(sql);
        } catch (Exception e) {
            return -1; // ClickHouse down or starting: the condition is not met yet
        }
    }

    static List<Envelope> poll(CommittedTopicReader r) {
        try {
            return r.poll(Duration.ofMillis(200));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
