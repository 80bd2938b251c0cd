package io.riskplane.testing;

import static io.riskplane.testing.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.riskplane.contract.Topics;
import io.riskplane.infra.LocalPlane;
import io.riskplane.sinks.clickhouse.ClickHouseRows;
import io.riskplane.sinks.clickhouse.ClickHouseSchema;
import io.riskplane.sinks.clickhouse.ClickHouseTable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
     * Waits until every table holds as many distinct rows as the committed topic, then asserts the two sets are equal:
     * nothing lost, nothing from an aborted attempt. A row is identified by its table's ReplacingMergeTree key (ORDER
     * BY in the DDL), because that is what ClickHouse de-duplicates on: rows sharing a key collapse in merges. Returns
     * the committed keys by table.
     */
    public static Map<String, Set<String>> awaitLoaded(LocalPlane plane) throws Exception {
        Map<String, List<String>> keys = dedupKeys();
        Map<String, Set<String>> committed = rowKeys(plane, keys);
        for (ClickHouseTable<?> table : ClickHouseRows.TABLES) {
            Set<String> expected = committed.getOrDefault(table.name(), Set.of());
            String key = String.join(", ", keys.get(table.name()));
            awaitTrue(table.name() + " loaded", () -> count(plane, "SELECT uniqExact(" + key + ") FROM riskplane."
                    + table.name()) == expected.size());
            assertThat(new HashSet<>(plane.clickhouse.query("SELECT DISTINCT " + key + " FROM riskplane."
                    + table.name() + " FORMAT TabSeparated").lines().toList())).as(table.name()).isEqualTo(expected);
        }
        return committed;
    }

    /** Each table's ORDER BY columns, read from the migrations themselves. */
    static Map<String, List<String>> dedupKeys() throws Exception {
        Map<String, List<String>> keys = new TreeMap<>();
        Pattern table = Pattern.compile(
                "CREATE TABLE IF NOT EXISTS riskplane\\.(\\w+) \\(.*?ORDER BY \\(?([\\w, ]+?)\\)?;", Pattern.DOTALL);
        for (String migration : ClickHouseSchema.MIGRATIONS) {
            try (var in = CommittedClickHouseRows.class.getResourceAsStream("/clickhouse/" + migration)) {
                Matcher m = table.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                while (m.find()) {
                    keys.put(m.group(1), List.of(m.group(2).trim().split(",\\s*")));
                }
            }
        }
        for (ClickHouseTable<?> t : ClickHouseRows.TABLES) {
            assertThat(keys).as("ORDER BY of " + t.name()).containsKey(t.name());
        }
        return keys;
    }

    /** Distinct keys (tab-separated, as ClickHouse prints them) per table on the committed rows topic, to its end. */
    static Map<String, Set<String>> rowKeys(LocalPlane plane, Map<String, List<String>> keys) throws Exception {
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
                    String name = new String(r.key(), StandardCharsets.UTF_8);
                    JsonNode row = JSON.readTree(r.value());
                    String key = keys.get(name).stream().map(column -> row.get(column).asText())
                            .collect(java.util.stream.Collectors.joining("\t"));
                    ids.computeIfAbsent(name, k -> new HashSet<>()).add(key);
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
