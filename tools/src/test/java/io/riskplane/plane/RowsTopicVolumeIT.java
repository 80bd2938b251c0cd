package io.riskplane.plane;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.demo.TradingSession;
import io.riskplane.model.DetectorOutput;
import io.riskplane.outputs.PlaneOutput;
import io.riskplane.sinks.clickhouse.WarehouseRow;
import io.riskplane.sinks.kafka.DetectorOutputHeaders;
import io.riskplane.sinks.kafka.KafkaSinks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bytes of riskplane.v1.clickhouse-rows per table, counted as OutputVolume counts a record (key, value, header
 * names and values, uncompressed), for the rows as the decision job writes them now (RowBinary and its format header,
 * as the rows sink's serializer makes the record) and as it wrote them before RowBinary (the JSONEachRow line, and a
 * detector's keys and replay JSON in the headers). On the demo session by default; {@code
 * -Drows.volume.input=/tmp/session600.pb -Drows.volume.events=344001}, or the environment's ROWS_VOLUME_INPUT and
 * ROWS_VOLUME_EVENTS (which reach the test's JVM under Maven too), measure another session.
 */
class RowsTopicVolumeIT {
    @TempDir
    Path dir;

    @Test
    void theRowsTopicCarriesEachRowOnceInRowBinary() throws Exception {
        Path input;
        long events;
        String given = System.getProperty("rows.volume.input", System.getenv("ROWS_VOLUME_INPUT"));
        if (given != null) {
            input = Path.of(given);
            events = Long.parseLong(System.getProperty("rows.volume.events", System.getenv("ROWS_VOLUME_EVENTS")));
        } else {
            input = dir.resolve("session.pb");
            var items = TradingSession.demo().generate();
            TradingSession.export(items, input);
            events = items.size();
        }
        Map<String, long[]> byTable = new TreeMap<>(); // rows, bytes before, bytes now
        RowsOfASession.run(input, dir, 1, "rows topic volume", new Sizes()).forEach((table, rows) -> {
            long[] v = byTable.computeIfAbsent(table, t -> new long[3]);
            for (String r : rows) {
                String[] n = r.split(" ");
                v[0]++;
                v[1] += Long.parseLong(n[0]);
                v[2] += Long.parseLong(n[1]);
            }
        });
        long rows = 0;
        long before = 0;
        long now = 0;
        StringBuilder report = new StringBuilder("rows topic, " + events + " input events\n");
        report.append(String.format(
                "%-24s %9s %14s %14s %9s %9s%n",
                "table", "rows", "bytes before", "bytes now", "B/row bef", "B/row now"));
        for (Map.Entry<String, long[]> e : byTable.entrySet()) {
            long[] v = e.getValue();
            rows += v[0];
            before += v[1];
            now += v[2];
            report.append(String.format(
                    "%-24s %9d %14d %14d %9.1f %9.1f%n",
                    e.getKey(), v[0], v[1], v[2], (double) v[1] / v[0], (double) v[2] / v[0]));
        }
        report.append(String.format(
                "%-24s %9d %14d %14d   per input event: %.1f before, %.1f now%n",
                "all", rows, before, now, (double) before / events, (double) now / events));
        System.out.print(report);
        Files.writeString(Path.of(System.getProperty("java.io.tmpdir"), "rows-topic-volume.txt"), report);
        assertThat(now)
                .as("each row once, in RowBinary: under half the bytes of before")
                .isLessThan(before / 2);
    }

    /** A value's record size before (JSON row, replay JSON in the headers) and now, as "before now". */
    static final class Sizes implements RowsOfASession.RowText {
        @Override
        public <T> String of(PlaneOutput<T> output, T value) {
            String table = output.clickhouse().name();
            byte[] key = table.getBytes(StandardCharsets.UTF_8);
            ProducerRecord<byte[], byte[]> old =
                    new ProducerRecord<>("t", key, output.clickhouse().jsonRow(value));
            WarehouseRow row = output.warehouseRow(value);
            if (output.detector() != null) {
                DetectorOutput keys = output.detectorOutput(row.bytes());
                DetectorOutputHeaders.write(
                        old.headers(),
                        new DetectorOutput(
                                keys.outputId(),
                                keys.detector(),
                                keys.scopeKey(),
                                keys.eventTimeMillis(),
                                output.json(value)));
            }
            ProducerRecord<byte[], byte[]> now = new KafkaSinks.WarehouseRowSerializer().serialize(row, null, null);
            return size(old) + " " + size(now);
        }

        private static long size(ProducerRecord<byte[], byte[]> r) {
            long n = r.key().length + r.value().length;
            for (Header h : r.headers()) {
                n += h.key().length() + h.value().length;
            }
            return n;
        }
    }
}
