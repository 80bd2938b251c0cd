package io.riskplane.sinks.clickhouse;

import static io.riskplane.testing.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.riskplane.contract.EnvelopeJson;
import io.riskplane.contract.Topics;
import io.riskplane.demo.TradingSession;
import io.riskplane.infra.CommittedTopicReader;
import io.riskplane.infra.EmbeddedKafka;
import io.riskplane.infra.EnvelopePublisher;
import io.riskplane.ingest.EnvelopeDecoder;
import io.riskplane.ingest.RawEventRows;
import io.riskplane.plane.PlaneOptions;
import io.riskplane.v1.Envelope;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader reads the input topics itself and inserts each valid input event into raw_events with the columns and
 * content the plane wrote before (event id, kind, source, event time, where it was read, the broker timestamp as
 * ingest time, the envelope in the canonical JSON form). Expected rows are built from the generated session's own
 * envelopes and the offsets and timestamps Kafka gives back, not through the loader's code; the malformed records
 * get no row. Real broker, real ClickHouse server.
 */
class RawEventsLoaderIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void validInputEventsBecomeRawEventRowsAsThePlaneWroteThem() throws Exception {
        List<TradingSession.Item> items = TradingSession.demo().generate();
        Map<ByteBuffer, TradingSession.Item> byValue = new HashMap<>();
        long malformed = 0;
        for (TradingSession.Item i : items) {
            byValue.putIfAbsent(ByteBuffer.wrap(i.value()), i);
            if (malformed(i)) {
                malformed++;
            }
        }
        assertThat(malformed).isEqualTo(7);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                LocalClickHouseServer server = LocalClickHouseServer.start(dir.resolve("clickhouse"))) {
            List<String> topics = new ArrayList<>(Topics.INPUTS);
            topics.addAll(Topics.OUTPUTS);
            kafka.createTopics(topics, 2);
            ClickHouseHttp ch = new ClickHouseHttp(server.httpUrl(), "default", "");
            ClickHouseSchema.apply(ch);
            try (EnvelopePublisher p = new EnvelopePublisher(kafka.bootstrapServers(), new Properties())) {
                for (TradingSession.Item i : items) {
                    p.send(i.topic(), i.envelope(), i.value());
                }
                p.flush();
            }

            // Expected: every valid item's row, with where Kafka put it and the broker's timestamp.
            Map<String, Map<String, String>> expected = new TreeMap<>();
            try (KafkaConsumer<byte[], byte[]> c = CommittedTopicReader.fromBeginning(
                    kafka.bootstrapServers(), Topics.INPUTS.toArray(String[]::new))) {
                Map<TopicPartition, Long> end = c.endOffsets(c.assignment());
                while (c.assignment().stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                        TradingSession.Item i = byValue.get(ByteBuffer.wrap(r.value()));
                        assertThat(i).as("a published item").isNotNull();
                        if (!malformed(i)) {
                            expected.put(i.envelope().getEventId(), row(i.envelope(), r));
                        }
                    }
                }
            }
            assertThat(expected).hasSize(items.size() - 7);

            ClickHouseLoader loader = new ClickHouseLoader(
                    kafka.bootstrapServers(),
                    new Properties(),
                    "raw-it",
                    ch,
                    5000,
                    Duration.ofMillis(200),
                    Duration.ofMillis(100),
                    Duration.ofSeconds(1),
                    line -> System.out.println("[raw-it] " + line),
                    Topics.INPUTS,
                    new RawEventRows(new EnvelopeDecoder(
                            PlaneOptions.streaming().maxFutureSkew().toMillis())));
            Thread t = new Thread(loader::run, "raw-it");
            t.start();
            try {
                awaitTrue(
                        "every valid input event in raw_events",
                        () -> count(ch) == expected.size() && loader.notRawEvents() == 7);
                Map<String, Map<String, String>> stored = new TreeMap<>();
                for (String line : ch.query("SELECT event_id, kind, source, toUnixTimestamp(event_time) AS "
                                + "event_time, event_time_ms, source_topic, source_partition, source_offset, ingest_time_ms, "
                                + "envelope_json FROM riskplane.raw_events FINAL FORMAT JSONEachRow")
                        .lines()
                        .toList()) {
                    JsonNode n = JSON.readTree(line);
                    Map<String, String> columns = new TreeMap<>();
                    n.fields()
                            .forEachRemaining(
                                    f -> columns.put(f.getKey(), f.getValue().asText()));
                    stored.put(columns.get("event_id"), columns);
                }
                assertThat(stored.keySet()).isEqualTo(expected.keySet());
                for (Map.Entry<String, Map<String, String>> e : expected.entrySet()) {
                    assertThat(stored.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
                }
                assertThat(loader.skipped()).isZero();
                assertThat(loader.rejected()).isZero();
            } finally {
                loader.stop();
                t.join(30_000);
            }
        }
    }

    /** The session's malformed records, on purpose (TradingSession.malformed): the plane's dead letters. */
    private static boolean malformed(TradingSession.Item i) {
        return i.envelope() == null || i.envelope().getEventId().startsWith("bad-");
    }

    /** A raw_events row as the plane wrote it, from the envelope itself and the record's place on Kafka. */
    private static Map<String, String> row(Envelope e, ConsumerRecord<byte[], byte[]> r) {
        long eventTimeMs =
                e.getEventTime().getSeconds() * 1000 + e.getEventTime().getNanos() / 1_000_000;
        Map<String, String> m = new TreeMap<>();
        m.put("event_id", e.getEventId());
        m.put("kind", e.getPayloadCase().name().toLowerCase(java.util.Locale.ROOT));
        m.put("source", e.getSource());
        m.put("event_time", Long.toString(Math.floorDiv(eventTimeMs, 1000)));
        m.put("event_time_ms", Long.toString(eventTimeMs));
        m.put("source_topic", r.topic());
        m.put("source_partition", Integer.toString(r.partition()));
        m.put("source_offset", Long.toString(r.offset()));
        m.put("ingest_time_ms", Long.toString(r.timestamp()));
        m.put("envelope_json", EnvelopeJson.print(e));
        return m;
    }

    private static long count(ClickHouseHttp ch) {
        try {
            return ch.count("SELECT count() FROM riskplane.raw_events FINAL");
        } catch (Exception e) {
            return -1;
        }
    }
}
