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
 * the wrong topic, plane outputs sent as input) mixed with valid events, and the hostile classes of the hardening
 * issue: records of 800 KB, ids of 300 characters, free text of 160,000 control characters, magnitudes that would
 * overflow a sum (fees of -1e308, prices of 1e300), event times in 1970, policies with zero, negative, unknown or
 * absurd thresholds, and a policy version re-published with other content. Every record is accounted for by its
 * Kafka position: exactly once either stored as a valid event or dead-lettered with a known reason (a valid event
 * the plane refuses to apply, a repeated fill or a conflicting policy version, is both). The plane keeps running:
 * every row reaches ClickHouse through the exactly-once rows topic, which a restart loop would stop.
 */
class FuzzedInputIT {
    static final Set<String> REASONS = Set.of(
            DeadLetterReason.UNDECODABLE,
            DeadLetterReason.EMPTY_PAYLOAD,
            DeadLetterReason.MISSING_FIELD,
            DeadLetterReason.INVALID_VALUE,
            DeadLetterReason.UNKNOWN_ENUM,
            DeadLetterReason.FUTURE_TIMESTAMP,
            DeadLetterReason.WRONG_TOPIC,
            DeadLetterReason.NOT_AN_INPUT,
            DeadLetterReason.STALE_TIMESTAMP,
            DeadLetterReason.CONFLICTING_VERSION,
            DeadLetterReason.UNSIGNED_COMMAND,
            DeadLetterReason.UNKNOWN_OPERATOR,
            DeadLetterReason.BAD_SIGNATURE,
            DeadLetterReason.REPLAYED_COMMAND);
    /**
     * Valid events that are not applied: stored in raw_events and dead-lettered. STALE_TIMESTAMP is among them: the
     * loader stores every record the decoder accepts (docs/storage.md), and the plane refuses a stale one later,
     * behind its watermark.
     */
    static final String APPLIED_ELSEWHERE = "('DUPLICATE_EVENT', 'CONFLICTING_VERSION', 'STALE_TIMESTAMP', "
            + "'UNKNOWN_OPERATOR', 'BAD_SIGNATURE', 'REPLAYED_COMMAND')";

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
                    + "WHERE reason_code NOT IN " + APPLIED_ELSEWHERE + ") GROUP BY source_topic ORDER BY source_topic";
            awaitTrue("every fuzzed record stored or dead-lettered", () -> {
                try {
                    return plane.clickhouse.count("SELECT count() FROM riskplane.raw_events FINAL")
                                    + plane.clickhouse.count("SELECT count() FROM riskplane.dead_letters FINAL "
                                            + "WHERE reason_code NOT IN " + APPLIED_ELSEWHERE)
                            >= total;
                } catch (Exception e) {
                    return false;
                }
            });
            // Per topic: as many rows as records published, each offset exactly once, no offset beyond the last.
            StringBuilder expected = new StringBuilder();
            published.forEach((topic, n) -> expected.append(topic)
                    .append('\t')
                    .append(n)
                    .append('\t')
                    .append(n)
                    .append('\t')
                    .append(n - 1)
                    .append('\n'));
            assertThat(plane.clickhouse.query(accounted)).isEqualTo(expected.toString());

            String reasons = plane.clickhouse.query("SELECT DISTINCT reason_code FROM riskplane.dead_letters FINAL");
            assertThat(reasons.lines().toList()).isNotEmpty().allMatch(REASONS::contains);
            assertThat(plane.clickhouse.count("SELECT count() FROM riskplane.dead_letters FINAL WHERE detail = ''"))
                    .as("dead letters without a detail")
                    .isZero();
            assertThat(plane.job.getJobStatus().get().isGloballyTerminalState())
                    .as("job still running")
                    .isFalse();
            // The re-published policy version is refused as such, and nothing written exceeds the bounds.
            awaitTrue("the conflicting policy version dead-lettered", () -> {
                try {
                    return plane.clickhouse.count(
                                    "SELECT count() FROM riskplane.dead_letters FINAL "
                                            + "WHERE reason_code = 'CONFLICTING_VERSION' AND original_event_id = 'fuzz-policy-conflict'")
                            == 1;
                } catch (Exception e) {
                    return false;
                }
            });
            assertThat(plane.clickhouse.count("SELECT count() FROM riskplane.dead_letters FINAL "
                            + "WHERE length(original_base64) > 90000 OR length(detail) > 5000"))
                    .as("unbounded dead letters")
                    .isZero();
            assertThat(
                            plane.clickhouse.count(
                                    "SELECT count() FROM riskplane.dead_letters FINAL "
                                            + "WHERE detail LIKE '%original cut to its first 65536 bytes ...[cut: 800000 bytes, sha256 %'"))
                    .as("800 KB records cut with their size and hash")
                    .isEqualTo(published.size());
            System.out.println("[fuzz] " + total + " records, dead letters by reason:\n"
                    + plane.clickhouse.query(
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
        // The session has no operator commands: commands signed with a key the plane does not hold (refused by the
        // command gate after validation, so stored and dead-lettered), to fuzz like the rest.
        byTopic.put(
                Topics.OPERATOR, operatorCommands(byTopic.get(Topics.POLICIES).get(0)));
        assertThat(byTopic.keySet()).containsExactlyInAnyOrderElementsOf(Topics.INPUTS);
        Envelope control = Envelope.newBuilder()
                .setEventId("x")
                .setSource("forger")
                .setControl(ControlEvent.newBuilder().setControlId("ctl-forged"))
                .build();
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
                    case 1 ->
                        faulty.setEventTime(ProtoTime.fromMillis(
                                ProtoTime.toMillis(base.getEventTime()) + 400L * 24 * 3600 * 1000));
                    case 2 -> mutateNumber(faulty, rnd.nextBoolean() ? Double.NaN : -1);
                    case 3 -> mutateEnum(faulty);
                    case 4 -> faulty.clearSource().clearEventTime();
                    default ->
                        faulty.mergeFrom(
                                control.toBuilder().setEventId(id + "-f").build());
                }
                Envelope f = faulty.build();
                out.add(new Fuzzed(topic, null, f.toByteArray()));
            }
            // The hostile classes: 800 KB of random bytes, an id of 300 characters, an event time in 1970.
            byte[] huge = new byte[800_000];
            rnd.nextBytes(huge);
            huge[0] = (byte) 0xff; // never a valid first tag
            out.add(new Fuzzed(topic, null, huge));
            Envelope sample = e.getValue().get(0);
            out.add(new Fuzzed(
                    topic,
                    null,
                    sample.toBuilder().setEventId("x".repeat(300)).build().toByteArray()));
            out.add(new Fuzzed(
                    topic,
                    null,
                    sample.toBuilder()
                            .setEventId("fuzz-1970-" + (n++))
                            .setEventTime(ProtoTime.fromMillis(1_000))
                            .build()
                            .toByteArray()));
            Envelope.Builder absurd = sample.toBuilder().setEventId("fuzz-absurd-" + (n++));
            mutateNumber(absurd, 1e300);
            out.add(new Fuzzed(topic, null, absurd.build().toByteArray()));
            // A payload of another topic, an empty value and a tombstone.
            String other = topic.equals(Topics.ORDERS) ? Topics.FILLS : Topics.ORDERS;
            Envelope wrong = byTopic.get(other).get(0).toBuilder()
                    .setEventId("fuzz-wrong-" + (n++))
                    .build();
            out.add(new Fuzzed(topic, null, wrong.toByteArray()));
            out.add(new Fuzzed(topic, null, new byte[0]));
            out.add(new Fuzzed(topic, null, null));
        }
        out.addAll(hostilePolicies(byTopic));
        return out;
    }

    static List<Envelope> operatorCommands(Envelope timeOf) {
        io.riskplane.verify.ControlSigner someone = new io.riskplane.verify.ControlSigner(
                "oncall", "a-key-the-plane-does-not-hold!!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        List<Envelope> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Envelope c = Envelope.newBuilder()
                    .setEventId("fuzz-cmd-" + i)
                    .setSource("riskplane-cli")
                    .setEventTime(timeOf.getEventTime())
                    .setOperatorCommand(io.riskplane.v1.OperatorCommand.newBuilder()
                            .setCommandId("fuzz-cmd-" + i)
                            .setAction(
                                    i == 0
                                            ? io.riskplane.v1.OperatorAction.OPERATOR_HALT
                                            : io.riskplane.v1.OperatorAction.OPERATOR_RESUME)
                            .setScope(io.riskplane.v1.Scope.newBuilder()
                                    .setOrg("acme")
                                    .setStrategy("momentum-btc"))
                            .setOperatorId("oncall")
                            .setReason("fuzz"))
                    .build();
            out.add(io.riskplane.verify.OperatorCommands.sign(c, someone));
        }
        return out;
    }

    /**
     * Fills with fees of -1e308, a health probe with 160,000 control characters of detail, policies with negative,
     * zero, unknown and absurd thresholds, and a valid policy version re-published with a looser limit.
     */
    static List<Fuzzed> hostilePolicies(Map<String, List<Envelope>> byTopic) {
        List<Fuzzed> out = new ArrayList<>();
        Envelope fill = byTopic.get(Topics.FILLS).get(0);
        for (int i = 0; i < 2; i++) {
            Envelope f = fill.toBuilder()
                    .setEventId("fuzz-fee-" + i)
                    .setFill(fill.getFill().toBuilder()
                            .setFillId("fuzz-fee-" + i)
                            .setFee(-1e308))
                    .build();
            out.add(new Fuzzed(Topics.FILLS, null, f.toByteArray()));
        }
        Envelope probe = byTopic.get(Topics.HEALTH).get(0);
        out.add(new Fuzzed(
                Topics.HEALTH,
                null,
                probe.toBuilder()
                        .setEventId("fuzz-probe-detail")
                        .setHealthProbe(probe.getHealthProbe().toBuilder().setDetail("\u0001".repeat(160_000)))
                        .build()
                        .toByteArray()));
        Envelope policy = byTopic.get(Topics.POLICIES).stream()
                .filter(p -> p.getRiskPolicy().getMaxDrawdown() > 0)
                .findFirst()
                .orElseThrow();
        io.riskplane.v1.RiskPolicy base = policy.getRiskPolicy();
        Map<String, io.riskplane.v1.RiskPolicy> hostile = new LinkedHashMap<>();
        hostile.put(
                "fuzz-policy-negative",
                base.toBuilder()
                        .setVersion(base.getVersion() + 10)
                        .putThresholds("cooldown_base_s", -30)
                        .putThresholds("trip_window_s", -1)
                        .build());
        hostile.put(
                "fuzz-policy-zero",
                base.toBuilder()
                        .setVersion(base.getVersion() + 11)
                        .putThresholds("kill_trips", 0)
                        .build());
        hostile.put(
                "fuzz-policy-unknown",
                base.toBuilder()
                        .setVersion(base.getVersion() + 12)
                        .putThresholds("max_orders_strategi", 20)
                        .build());
        hostile.put(
                "fuzz-policy-absurd",
                base.toBuilder()
                        .setVersion(base.getVersion() + 13)
                        .setMaxDrawdown(1e300)
                        .build());
        hostile.put(
                "fuzz-policy-evil-slo",
                io.riskplane.v1.RiskPolicy.newBuilder()
                        .setPolicyId("zz-evil-slo")
                        .setVersion(1)
                        .setScope(io.riskplane.v1.Scope.newBuilder().setOrg("*").setVenue("*"))
                        .putThresholds("quote_freshness_ms", 1e12)
                        .build());
        hostile.put(
                "fuzz-policy-conflict",
                base.toBuilder().setMaxDrawdown(base.getMaxDrawdown() * 1_000).build());
        hostile.forEach((id, p) -> out.add(new Fuzzed(
                Topics.POLICIES,
                null,
                policy.toBuilder().setEventId(id).setRiskPolicy(p).build().toByteArray())));
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
