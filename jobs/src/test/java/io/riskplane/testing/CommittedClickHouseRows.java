package io.riskplane.testing;

import static io.riskplane.testing.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.riskplane.contract.Topics;
import io.riskplane.infra.LocalPlane;
import io.riskplane.sinks.clickhouse.ClickHouseRows;
import io.riskplane.sinks.clickhouse.ClickHouseTable;
import java.nio.charset.StandardCharsets;
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

/** The drills' check that ClickHouse holds exactly the rows the plane committed to riskplane.v1.clickhouse-rows. */
public final class CommittedClickHouseRows {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CommittedClickHouseRows() {}

    /**
     * Waits until every table holds as many distinct row ids (its first column) as the committed topic, then asserts
     * the two sets are equal: nothing lost, nothing from an aborted attempt. Returns the committed ids by table.
     */
    public static Map<String, Set<String>> awaitLoaded(LocalPlane plane) throws Exception {
        Map<String, Set<String>> committed = rowIds(plane);
        for (ClickHouseTable<?> table : ClickHouseRows.TABLES) {
            Set<String> ids = committed.getOrDefault(table.name(), Set.of());
            String idColumn = table.columns().get(0);
            awaitTrue(table.name() + " loaded", () -> count(plane, "SELECT uniqExact(" + idColumn
                    + ") FROM riskplane." + table.name()) == ids.size());
            assertThat(new HashSet<>(plane.clickhouse.query("SELECT DISTINCT " + idColumn + " FROM riskplane."
                    + table.name()).lines().toList())).as(table.name()).isEqualTo(ids);
        }
        return committed;
    }

    /** Distinct row ids per table on the committed rows topic, read to its end. */
    static Map<String, Set<String>> rowIds(LocalPlane plane) throws Exception {
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

    /** -1 while ClickHouse does not answer (down or starting): the condition is not met yet. */
    private static long count(LocalPlane plane, String sql) {
        try {
            return plane.clickhouse.count(sql);
        } catch (Exception e) {
            return -1;
        }
    }
}
