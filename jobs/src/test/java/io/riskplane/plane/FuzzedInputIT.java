package io.riskplane.plane;

import static io.riskplane.testing.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.demo.TradingSession;
import io.riskplane.infra.EnvelopePublisher;
import io.riskplane.infra.LocalPlane;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.Envelope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad-input drill on the live plane: a fuzzed corpus on every input topic (random bytes, truncated envelopes, empty
 * and null values, missing ids, NaN and negative numbers, unknown enum values, far-future timestamps, payloads on
 * the wrong topic, plane outputs sent as input) mixed with valid events. Every record is accounted for by its Kafka
 * position: exactly once either stored as a valid event or dead-lettered with a known reason. The plane keeps
 * running.
 */
class FuzzedInputIT {
    static final Set<String> REASONS = Set.of(DeadLetterReason.UNDECODABLE, DeadLetterReason.EMPTY_PAYLOAD,
            DeadLetterReason.MISSING_FIELD, DeadLetterReason.INVALID_VALUE, DeadLetterReason.UNKNOWN_ENUM,
            DeadLetterReason.FUTURE_TIMESTAMP, DeadLetterReason.WRONG_TOPIC, DeadLetterReason.NOT_AN_INPUT);

    @TempDir
    Path dir;

    record Fuzzed(String topic, Envelope envelope, byte[] value) {}

    @Test
    void everyFuzzedRecordIsStoredOrDeadLetteredOnceWithAReason() throws Exception {
        List<Fuzzed> corpus = corpus(new Random(20261123));
        Map<String, Integer> published = new TreeMap<>();
        try (LocalPlane plane = LocalPlane.start(dir, null, 2, line -> System.out.println("[fuzz] " + line))) {
            try (EnvelopePublisher p = new EnvelopePublisher(plane.kafka.bootstrapServers(), new Properties())) {
                for (Fuzzed f : corpus) {
                    p.send(f.topic(), f.envelope(), f.value());
                    published.merge(f.topic(), 1, Integer::sum);
                }
                p.flush();
            }
            int total = corpus.size();
            String accounted = "SELECT source_topic, count(), uniqExact(source_offset), max(source_offset) FROM ("
                    + "SELECT source_topic, source_offset FROM riskplane.raw_events FINAL UNION ALL "
                    + "SELECT source_topic, source_offset FROM riskplane.dead_letters FINAL "
                    + "WHERE reason_code != 'DUPLICATE_EVENT') GROUP BY source_topic ORDER BY source_topic";
            awaitTrue("every fuzzed record stored or dead-lettered", () -> {
                try {
                    return plane.clickhouse.count("SELECT count() FROM riskplane.raw_events FINAL")
                            + plane.clickhouse.count("SELECT count() FROM riskplane.dead_letters FINAL "
                                    + "WHERE reason_code != 'DUPLICATE_EVENT'") >= total;
                } catch (Exception e) {
                    return false;
                }
            });
            // Per topic: as many rows as records published, each offset exactly once, no offset beyond the last.
            StringBuilder expected = new StringBuilder();
            published.forEach((topic, n) -> expected.append(topic).append('\t').append(n).append('\t').append(n)
                    .append('\t').append(n - 1).append('\n'));
            assertThat(plane.clickhouse.query(accounted)).isEqualTo(expected.toString());

            String reasons = plane.clickhouse.query("SELECT DISTINCT reason_code FROM riskplane.dead_letters FINAL");
            assertThat(reasons.lines().toList()).isNotEmpty().allMatch(REASONS::contains);
            assertThat(plane.clickhouse.count("SELECT count() FROM riskplane.dead_letters FINAL WHERE detail = ''"))
                    .as("dead letters without a detail").isZero();
            assertThat(plane.job.getJobStatus().get().isGloballyTerminalState()).as("job still running").isFalse();
            System.out.println("[fuzz] " + total + " records, dead letters by reason:\n" + plane.clickhouse.query(
                    "SELECT reason_code, count() FROM riskplane.dead_letters FINAL GROUP BY reason_code "
                            + "ORDER BY reason_code"));
        }
    }

    /** Valid events of every input topic from the demo session, each with some faulty versions of itself. */
    static List<Fuzzed> corpus(Random rnd) {
        Map<String, List<Envelope>> byTopic = new LinkedHashMap<>();
        for (TradingSession.Item i : TradingSession.demo().generate()) {
            if (i.envelope() != null && !i.envelope().getEventId().startsWith("bad-")) {
                List<Envelope> l = byTopic.computeIfAbsent(i.topic(), t -> new ArrayList<>());
                if (l.size() < 15) {
                    l.add(i.envelope());
                }
            }
        }
        assertThat(byTopic.keySet()).containsExactlyInAnyOrderElementsOf(Topics.INPUTS);
        Envelope control = Envelope.newBuilder().setEventId("x").setSource("forger")
                .setControl(ControlEvent.newBuilder().setControlId("ctl-forged")).build();
        List<Fuzzed> out = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, List<Envelope>> e : byTopic.entrySet()) {
            String topic = e.getKey();
            for (Envelope valid : e.getValue()) {
                String id = "fuzz-" + (n++);
                Envelope base = valid.toBuilder().setEventId(id).build();
                out.add(new Fuzzed(topic, base, base.toByteArray()));
                byte[] garbage = new byte[1 + rnd.nextInt(120)];
                rnd.nextBytes(garbage);
                out.add(new Fuzzed(topic, null, garbage));
                byte[] whole = base.toBuilder().setEventId(id + "-t").build().toByteArray();
                out.add(new Fuzzed(topic, null, Arrays.copyOf(whole, 1 + rnd.nextInt(whole.length - 1))));
                Envelope.Builder faulty = base.toBuilder().setEventId(id + "-f");
                switch (rnd.nextInt(6)) {
                    case 0 -> faulty.clearEventId();
                    case 1 -> faulty.setEventTime(ProtoTime.fromMillis(
                            ProtoTime.toMillis(base.getEventTime()) + 400L * 24 * 3600 * 1000));
                    case 2 -> mutateNumber(faulty, rnd.nextBoolean() ? Double.NaN : -1);
                    case 3 -> mutateEnum(faulty);
                    case 4 -> faulty.clearSource().clearEventTime();
                    default -> faulty.mergeFrom(control.toBuilder().setEventId(id + "-f").build());
                }
                Envelope f = faulty.build();
                out.add(new Fuzzed(topic, null, f.toByteArray()));
            }
            // A payload of another topic, an empty value and a tombstone.
            String other = topic.equals(Topics.ORDERS) ? Topics.FILLS : Topics.ORDERS;
            Envelope wrong = byTopic.get(other).get(0).toBuilder().setEventId("fuzz-wrong-" + (n++)).build();
            out.add(new Fuzzed(topic, null, wrong.toByteArray()));
            out.add(new Fuzzed(topic, null, new byte[0]));
            out.add(new Fuzzed(topic, null, null));
        }
        return out;
    }

    /** Sets the first double field of the payload (a price, quantity or confidence) to value. */
    static void mutateNumber(Envelope.Builder b, double value) {
        Message.Builder payload = payloadBuilder(b);
        for (FieldDescriptor fd : payload.getDescriptorForType().getFields()) {
            if (fd.getJavaType() == FieldDescriptor.JavaType.DOUBLE && !fd.isRepeated()) {
                payload.setField(fd, value);
                break;
            }
        }
        setPayload(b, payload.build());
    }

    /** Sets the first enum field of the payload to a number no version of the contract defines. */
    static void mutateEnum(Envelope.Builder b) {
        Message.Builder payload = payloadBuilder(b);
        for (FieldDescriptor fd : payload.getDescriptorForType().getFields()) {
            if (fd.getJavaType() == FieldDescriptor.JavaType.ENUM && !fd.isRepeated()) {
                payload.setField(fd, fd.getEnumType().findValueByNumberCreatingIfUnknown(999));
                break;
            }
        }
        setPayload(b, payload.build());
    }

    static Message.Builder payloadBuilder(Envelope.Builder b) {
        FieldDescriptor fd = payloadField(b);
        return ((Message) b.getField(fd)).toBuilder();
    }

    static void setPayload(Envelope.Builder b, Message payload) {
        b.setField(payloadField(b), payload);
    }

    static FieldDescriptor payloadField(Envelope.Builder b) {
        return Envelope.getDescriptor().findFieldByNumber(b.getPayloadCase().getNumber());
    }
}
