package io.riskplane.sinks.clickhouse;

import static io.riskplane.testing.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.Topics;
import io.riskplane.infra.CommittedTopicReader;
import io.riskplane.infra.EmbeddedKafka;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.model.RawEvent;
import io.riskplane.v1.Envelope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ClickHouse loader on a real broker and the real ClickHouse server: a row ClickHouse refuses as data goes to
 * the dead letters with ClickHouse's reason, and every other row of its batch, and every later batch, is loaded.
 */
class ClickHouseLoaderIT {
    @TempDir
    Path dir;

    @Test
    void aRowClickHouseRefusesIsDeadLetteredAndTheRestLoads() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                LocalClickHouseServer server = LocalClickHouseServer.start(dir.resolve("clickhouse"));
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                        Map.of("bootstrap.servers", kafka.bootstrapServers()),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            kafka.createTopics(List.of(Topics.CLICKHOUSE_ROWS, Topics.DEAD_LETTER), 1);
            ClickHouseHttp ch = new ClickHouseHttp(server.httpUrl(), "default", "");
            ClickHouseSchema.apply(ch);

            List<byte[]> rows = new ArrayList<>();
            List<String> good = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                String id = "ev-" + i;
                byte[] row = ClickHouseRows.RAW_EVENTS.jsonRow(new RawEvent(
                        id, "quote", "test", 1_795_000_000_000L + i, "riskplane.v1.quotes", 0, i, 0, "{}"));
                if (i == 3) {
                    // A binder bug: a number column written as text.
                    row = new String(row, StandardCharsets.UTF_8)
                            .replace("\"event_time_ms\":" + (1_795_000_000_000L + i), "\"event_time_ms\":\"soon\"")
                            .getBytes(StandardCharsets.UTF_8);
                    assertThat(new String(row, StandardCharsets.UTF_8)).contains("\"soon\"");
                } else {
                    good.add(id);
                }
                rows.add(row);
            }
            for (byte[] row : rows) {
                producer.send(new ProducerRecord<>(
                        Topics.CLICKHOUSE_ROWS, "raw_events".getBytes(StandardCharsets.UTF_8), row));
            }
            producer.flush();

            List<String> log = new CopyOnWriteArrayList<>();
            ClickHouseLoader loader = loader(kafka, ch, log::add);
            Thread t = new Thread(loader::run, "loader-it");
            t.start();
            try {
                awaitTrue("the six good rows in ClickHouse", () -> ids(ch).equals(good));
                List<Envelope> letters = deadLetters(kafka, 1);
                var d = letters.get(0).getDeadLetter();
                assertThat(d.getReasonCode()).isEqualTo(DeadLetterReason.WAREHOUSE_REJECTED);
                assertThat(d.getOriginal().toByteArray()).isEqualTo(rows.get(3));
                assertThat(d.getSourceTopic()).isEqualTo(Topics.CLICKHOUSE_ROWS);
                assertThat(d.getSourceOffset()).isEqualTo(3);
                assertThat(d.getDetail()).contains("raw_events").contains("ClickHouse");
                awaitTrue(
                        "the dead letter in ClickHouse",
                        () -> count(
                                        ch,
                                        "SELECT count() FROM riskplane.dead_letters WHERE reason_code = 'WAREHOUSE_REJECTED'")
                                == 1);
                assertThat(loader.rejected()).isEqualTo(1);
                assertThat(loader.skipped()).isZero();

                // The loader is not held by the refused row: a later row loads too.
                producer.send(new ProducerRecord<>(
                                Topics.CLICKHOUSE_ROWS,
                                "raw_events".getBytes(StandardCharsets.UTF_8),
                                ClickHouseRows.RAW_EVENTS.jsonRow(new RawEvent(
                                        "ev-7",
                                        "quote",
                                        "test",
                                        1_795_000_000_007L,
                                        "riskplane.v1.quotes",
                                        0,
                                        7,
                                        0,
                                        "{}"))))
                        .get();
                List<String> after = new ArrayList<>(good);
                after.add("ev-7");
                awaitTrue("a later row in ClickHouse", () -> ids(ch).equals(after));
            } finally {
                loader.stop();
                t.join(30_000);
            }
        }
    }

    /**
     * RowBinary rows (with the format header) and JSON rows of a job before RowBinary (without it) on the same topic:
     * each loads in its own format; a refused RowBinary row is dead-lettered alone with its original bytes, like a
     * refused JSON row.
     */
    @Test
    void rowBinaryAndOldJsonRowsLoadTogetherAndARefusedBinaryRowIsDeadLettered() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                LocalClickHouseServer server = LocalClickHouseServer.start(dir.resolve("clickhouse"));
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                        Map.of("bootstrap.servers", kafka.bootstrapServers()),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            kafka.createTopics(List.of(Topics.CLICKHOUSE_ROWS, Topics.DEAD_LETTER), 1);
            ClickHouseHttp ch = new ClickHouseHttp(server.httpUrl(), "default", "");
            ClickHouseSchema.apply(ch);
            List<byte[]> rows = new ArrayList<>();
            List<String> good = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String id = "ev-" + i;
                RawEvent e =
                        new RawEvent(id, "quote", "test", 1_795_000_000_000L + i, "riskplane.v1.quotes", 0, i, 0, "{}");
                boolean binary = i % 2 == 0;
                byte[] row = binary ? ClickHouseRows.RAW_EVENTS.rowBinary(e) : ClickHouseRows.RAW_EVENTS.jsonRow(e);
                if (i == 4) {
                    // A writer bug: the event_id's length (LEB128) claims 2^35 bytes.
                    byte[] bad = new byte[row.length + 5];
                    byte[] huge = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
                    System.arraycopy(huge, 0, bad, 0, huge.length);
                    System.arraycopy(row, 1, bad, huge.length, row.length - 1);
                    row = bad;
                } else {
                    good.add(id);
                }
                rows.add(row);
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(
                        Topics.CLICKHOUSE_ROWS, "raw_events".getBytes(StandardCharsets.UTF_8), row);
                if (binary) {
                    io.riskplane.sinks.kafka.DetectorOutputHeaders.writeRowBinary(r.headers());
                }
                producer.send(r);
            }
            producer.flush();
            ClickHouseLoader loader = loader(kafka, ch, line -> {});
            Thread t = new Thread(loader::run, "loader-it");
            t.start();
            try {
                awaitTrue("the seven good rows in ClickHouse", () -> ids(ch).equals(good));
                List<Envelope> letters = deadLetters(kafka, 1);
                var d = letters.get(0).getDeadLetter();
                assertThat(d.getReasonCode()).isEqualTo(DeadLetterReason.WAREHOUSE_REJECTED);
                assertThat(d.getOriginal().toByteArray()).isEqualTo(rows.get(4));
                assertThat(d.getSourceOffset()).isEqualTo(4);
                // Both formats load every column: the rows read back as the JSON lines of the same events.
                assertThat(ch.query("SELECT event_id, event_time, source_partition, source_offset, envelope_json "
                                + "FROM riskplane.raw_events WHERE event_id IN ('ev-5', 'ev-6') ORDER BY event_id"))
                        .isEqualTo(ch.query("SELECT 'ev-5', toDateTime(1795000000), 0, 5, '{}' UNION ALL "
                                + "SELECT 'ev-6', toDateTime(1795000000), 0, 6, '{}'"));
                assertThat(loader.rejected()).isEqualTo(1);
            } finally {
                loader.stop();
                t.join(30_000);
            }
        }
    }

    /**
     * RowBinary carries no types: a column whose type in the table is not the one the row writes would be read as
     * other bytes. The loader checks the types first and refuses such rows as data (dead letters, code 53), never
     * storing them; JSON rows of the same table still load.
     */
    @Test
    void rowBinaryRowsOfAColumnWhoseTypeMovedAreRefusedNotMisread() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                LocalClickHouseServer server = LocalClickHouseServer.start(dir.resolve("clickhouse"));
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                        Map.of("bootstrap.servers", kafka.bootstrapServers()),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            kafka.createTopics(List.of(Topics.CLICKHOUSE_ROWS, Topics.DEAD_LETTER), 1);
            ClickHouseHttp ch = new ClickHouseHttp(server.httpUrl(), "default", "");
            ClickHouseSchema.apply(ch);
            ch.query("ALTER TABLE riskplane.raw_events MODIFY COLUMN source_partition Int64");
            for (int i = 0; i < 3; i++) {
                RawEvent e = new RawEvent(
                        "ev-" + i, "quote", "test", 1_795_000_000_000L + i, "riskplane.v1.quotes", 0, i, 0, "{}");
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(
                        Topics.CLICKHOUSE_ROWS,
                        "raw_events".getBytes(StandardCharsets.UTF_8),
                        i == 2 ? ClickHouseRows.RAW_EVENTS.jsonRow(e) : ClickHouseRows.RAW_EVENTS.rowBinary(e));
                if (i < 2) {
                    io.riskplane.sinks.kafka.DetectorOutputHeaders.writeRowBinary(r.headers());
                }
                producer.send(r);
            }
            producer.flush();
            ClickHouseLoader loader = loader(kafka, ch, line -> {});
            Thread t = new Thread(loader::run, "loader-it");
            t.start();
            try {
                List<Envelope> letters = deadLetters(kafka, 2);
                for (Envelope letter : letters) {
                    assertThat(letter.getDeadLetter().getReasonCode()).isEqualTo(DeadLetterReason.WAREHOUSE_REJECTED);
                    assertThat(letter.getDeadLetter().getDetail())
                            .contains("code 53")
                            .contains("source_partition is Int64, the row writes it as Int32");
                }
                awaitTrue("the JSON row in ClickHouse", () -> ids(ch).equals(List.of("ev-2")));
                awaitTrue("both rejections counted", () -> loader.rejected() == 2);
            } finally {
                loader.stop();
                t.join(30_000);
            }
        }
    }

    /** A loader of the test's topics with short batches and backoffs, its log printed and handed to {@code log}. */
    private static ClickHouseLoader loader(
            EmbeddedKafka kafka, ClickHouseHttp ch, java.util.function.Consumer<String> log) {
        return new ClickHouseLoader(
                kafka.bootstrapServers(),
                new Properties(),
                "loader-it",
                ch,
                1000,
                Duration.ofMillis(200),
                Duration.ofMillis(100),
                Duration.ofSeconds(1),
                line -> {
                    log.accept(line);
                    System.out.println("[loader-it] " + line);
                });
    }

    /** Waits until the dead-letter topic holds exactly {@code n} committed dead letters, and returns them. */
    private static List<Envelope> deadLetters(EmbeddedKafka kafka, int n) throws Exception {
        List<Envelope> letters = new ArrayList<>();
        try (CommittedTopicReader dl = new CommittedTopicReader(kafka.bootstrapServers(), Topics.DEAD_LETTER)) {
            awaitTrue(n + " dead letter(s)", () -> {
                letters.clear();
                letters.addAll(poll(dl));
                return letters.size() == n;
            });
        }
        return letters;
    }

    private static List<String> ids(ClickHouseHttp ch) {
        try {
            return ch.query("SELECT event_id FROM riskplane.raw_events ORDER BY event_id")
                    .lines()
                    .toList();
        } catch (Exception e) {
            return List.of();
        }
    }

    private static long count(ClickHouseHttp ch, String sql) {
        try {
            return ch.count(sql);
        } catch (Exception e) {
            return -1;
        }
    }

    private static List<Envelope> poll(CommittedTopicReader r) {
        try {
            return r.poll(Duration.ofMillis(200));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
