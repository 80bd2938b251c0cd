package io.riskplane.testing;

import static io.riskplane.testing.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.riskplane.contract.Topics;
import io.riskplane.infra.CommittedTopicReader;
import io.riskplane.infra.LocalPlane;
import io.riskplane.sinks.clickhouse.ClickHouseRows;
import io.riskplane.sinks.clickhouse.ClickHouseSchema;
import io.riskplane.sinks.clickhouse.ClickHouseTable;
import io.riskplane.sinks.kafka.DetectorOutputHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The drills' check that ClickHouse holds exactly the rows the plane committed to riskplane.v1.clickhouse-rows, and
 * in raw_events exactly the valid records committed to the input topics (the loader reads those itself).
 */
public final class CommittedClickHouseRows {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CommittedClickHouseRows() {}

    /**
     * Waits until every table holds exactly the rows committed to the rows topic: nothing lost, nothing from an
     * aborted attempt. A row is identified by its table's ReplacingMergeTree key (ORDER
     * BY in the DDL), because that is what ClickHouse de-duplicates on: rows sharing a key collapse in merges. The
     * topic is read again on every check: the plane may still be committing the last rows of a session (its final
     * checkpoints) after the drill's own condition was met, and a set taken once would then never match. Returns
     * the committed keys by table.
     */
    public static Map<String, Set<String>> awaitLoaded(LocalPlane plane) throws Exception {
        Map<String, List<String>> keys = dedupKeys();
        AtomicReference<Map<String, Set<String>>> committed = new AtomicReference<>();
        StringBuilder last = new StringBuilder();
        try {
            awaitTrue("ClickHouse to hold exactly the committed rows", () -> {
                Map<String, Set<String>> now = rowKeys(plane, keys);
                committed.set(now);
                last.setLength(0);
                for (ClickHouseTable<?> table : ClickHouseRows.TABLES) {
                    Set<String> expected = now.getOrDefault(table.name(), Set.of());
                    Set<String> stored = distinctKeys(plane, table.name(), keys.get(table.name()));
                    if (stored == null) {
                        last.append(table.name()).append(": ClickHouse not answering");
                        return false;
                    }
                    if (!stored.equals(expected)) {
                        Set<String> missing = new HashSet<>(expected);
                        missing.removeAll(stored);
                        Set<String> extra = new HashSet<>(stored);
                        extra.removeAll(expected);
                        last.append(table.name())
                                .append(": ")
                                .append(missing.size())
                                .append(" committed keys missing (e.g. ")
                                .append(missing.stream().limit(3).toList())
                                .append("), ")
                                .append(extra.size())
                                .append(" keys not committed");
                        return false;
                    }
                }
                return true;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last check: " + last, e);
        }
        return committed.get();
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

    /**
     * Distinct keys (tab-separated, as ClickHouse prints them) per table on the committed rows topic, to its end;
     * for raw_events, of the valid records on the input topics (decoded as the plane decodes them).
     */
    static Map<String, Set<String>> rowKeys(LocalPlane plane, Map<String, List<String>> keys) {
        Map<String, Set<String>> ids = new TreeMap<>();
        java.util.List<String> topics = new java.util.ArrayList<>(Topics.INPUTS);
        topics.add(Topics.CLICKHOUSE_ROWS);
        io.riskplane.ingest.RawEventRows raw =
                new io.riskplane.ingest.RawEventRows(new io.riskplane.ingest.EnvelopeDecoder(
                        plane.config.options().maxFutureSkew().toMillis()));
        try (KafkaConsumer<byte[], byte[]> c =
                CommittedTopicReader.fromBeginning(plane.kafka.bootstrapServers(), topics.toArray(String[]::new))) {
            Set<TopicPartition> parts = c.assignment();
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    io.riskplane.sinks.clickhouse.WarehouseRow input = null;
                    if (!r.topic().equals(Topics.CLICKHOUSE_ROWS)) {
                        input = raw.rowOf(r);
                        if (input == null) {
                            continue; // a dead letter, not a raw event
                        }
                    }
                    String name = input != null ? input.table() : new String(r.key(), StandardCharsets.UTF_8);
                    // RowBinary rows are read back as their JSON (ClickHouseTable.json); rows without the format header
                    // are JSON.
                    byte[] json = input != null
                            ? ClickHouseRows.RAW_EVENTS.json(input.bytes()).getBytes(StandardCharsets.UTF_8)
                            : DetectorOutputHeaders.isRowBinary(r.headers())
                                    ? ClickHouseRows.TABLES_BY_NAME
                                            .get(name)
                                            .json(r.value())
                                            .getBytes(StandardCharsets.UTF_8)
                                    : r.value();
                    JsonNode row = readTree(json);
                    String key = keys.get(name).stream()
                            .map(column -> row.get(column).asText())
                            .collect(java.util.stream.Collectors.joining("\t"));
                    ids.computeIfAbsent(name, k -> new HashSet<>()).add(key);
                }
            }
        }
        return ids;
    }

    private static JsonNode readTree(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError("the plane committed a row that is not JSON", e);
        }
    }

    /** The distinct keys a table holds, as tab-separated lines; null while ClickHouse does not answer. */
    private static Set<String> distinctKeys(LocalPlane plane, String table, List<String> key) {
        try {
            return new HashSet<>(plane.clickhouse
                    .query("SELECT DISTINCT " + String.join(", ", key) + " FROM riskplane." + table
                            + " FORMAT TabSeparated")
                    .lines()
                    .toList());
        } catch (Exception e) {
            return null;
        }
    }
}
