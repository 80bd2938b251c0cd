package io.riskplane.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.EnvelopeJson;
import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.model.Decoded;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Fill;
import io.riskplane.v1.Heartbeat;
import io.riskplane.v1.Quote;
import io.riskplane.v1.RiskPolicy;
import io.riskplane.v1.Scope;
import io.riskplane.v1.Side;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Every dead-letter reason of the decoder, and the typed views of valid events. */
class EnvelopeDecoderTest {
    static final long NOW = 1_790_000_000_000L;
    final EnvelopeDecoder decoder = new EnvelopeDecoder(300_000);

    static Fill.Builder fill() {
        return Fill.newBuilder()
                .setFillId("f1")
                .setOrderId("o1")
                .setOrg("acme")
                .setStrategy("s1")
                .setInstrument("CRYPTO:BTC-USD")
                .setVenue("coinbase")
                .setSide(Side.SELL)
                .setQuantity(2)
                .setPrice(100)
                .setFee(0.1);
    }

    static Envelope envelope(Fill.Builder f) {
        return Envelope.newBuilder()
                .setEventId("e1")
                .setSource("t")
                .setEventTime(ProtoTime.fromMillis(NOW - 1000))
                .setFill(f)
                .build();
    }

    Decoded binary(Envelope e, String topic) {
        return decoder.decode(e.toByteArray(), false, topic, 3, 42, NOW, NOW);
    }

    @Test
    void validFillBecomesABookEvent() {
        Decoded d = binary(envelope(fill()), Topics.FILLS);
        assertThat(d.isDeadLetter()).isFalse();
        assertThat(d.kind()).isEqualTo("fill");
        assertThat(d.eventTimeMillis()).isEqualTo(NOW - 1000);
        assertThat(d.book().side()).isEqualTo(-1);
        assertThat(d.book().quantity()).isEqualTo(2);
        assertThat(d.partition()).isEqualTo(3);
        assertThat(d.offset()).isEqualTo(42);
    }

    @Test
    void jsonAndBinaryDecodeToTheSameCanonicalBytes() {
        Envelope e = envelope(fill());
        Decoded fromJson =
                decoder.decode(EnvelopeJson.print(e).getBytes(StandardCharsets.UTF_8), true, "file", 0, 1, NOW, 0);
        assertThat(fromJson.envelope()).isEqualTo(e.toByteArray());
    }

    @Test
    void policyBecomesAPolicyRecordEffectiveAtItsEventTime() {
        Envelope e = Envelope.newBuilder()
                .setEventId("p")
                .setEventTime(ProtoTime.fromMillis(NOW - 5))
                .setRiskPolicy(RiskPolicy.newBuilder()
                        .setPolicyId("pol")
                        .setVersion(2)
                        .setScope(Scope.newBuilder().setOrg("acme").setStrategy("*"))
                        .setMaxDrawdown(1000))
                .build();
        Decoded d = binary(e, Topics.POLICIES);
        assertThat(d.policy().version()).isEqualTo(2);
        assertThat(d.policy().strategy()).isEqualTo("*");
        assertThat(d.policy().effectiveMillis()).isEqualTo(NOW - 5);
    }

    @Test
    void reasonsForBadInput() {
        assertThat(reason(binary(envelope(fill().setQuantity(Double.NaN)), Topics.FILLS)))
                .isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(reason(binary(envelope(fill().setQuantity(-1)), Topics.FILLS)))
                .isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(reason(binary(envelope(fill().setPrice(Double.POSITIVE_INFINITY)), Topics.FILLS)))
                .isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(reason(binary(envelope(fill().setStrategy("")), Topics.FILLS)))
                .isEqualTo(DeadLetterReason.MISSING_FIELD);
        assertThat(reason(binary(envelope(fill().setSideValue(9)), Topics.FILLS)))
                .isEqualTo(DeadLetterReason.UNKNOWN_ENUM);
        assertThat(reason(binary(envelope(fill().clearSide()), Topics.FILLS)))
                .isEqualTo(DeadLetterReason.MISSING_FIELD);
        assertThat(reason(binary(envelope(fill()), Topics.QUOTES))).isEqualTo(DeadLetterReason.WRONG_TOPIC);
        assertThat(reason(binary(envelope(fill()).toBuilder().clearEventId().build(), Topics.FILLS)))
                .isEqualTo(DeadLetterReason.MISSING_FIELD);
        assertThat(reason(binary(envelope(fill()).toBuilder().clearEventTime().build(), Topics.FILLS)))
                .isEqualTo(DeadLetterReason.MISSING_FIELD);
        assertThat(reason(binary(
                        envelope(fill()).toBuilder()
                                .setEventTime(ProtoTime.fromMillis(NOW + 400_000))
                                .build(),
                        Topics.FILLS)))
                .isEqualTo(DeadLetterReason.FUTURE_TIMESTAMP);
        assertThat(reason(binary(
                        Envelope.newBuilder()
                                .setEventId("x")
                                .setEventTime(ProtoTime.fromMillis(NOW))
                                .build(),
                        Topics.FILLS)))
                .isEqualTo(DeadLetterReason.EMPTY_PAYLOAD);
        assertThat(reason(binary(
                        Envelope.newBuilder()
                                .setEventId("x")
                                .setEventTime(ProtoTime.fromMillis(NOW))
                                .setHeartbeat(Heartbeat.getDefaultInstance())
                                .build(),
                        Topics.FILLS)))
                .isEqualTo(DeadLetterReason.NOT_AN_INPUT);
        // Timestamps the Protobuf JSON mapping cannot print (the archive prints every valid event): outside
        // 0001-01-01..9999-12-31, or nanos outside 0..999,999,999.
        assertThat(reason(binary(
                        envelope(fill().setExecTime(com.google.protobuf.Timestamp.newBuilder()
                                .setSeconds(253_402_300_800L))),
                        Topics.FILLS)))
                .isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(reason(binary(
                        envelope(fill()).toBuilder()
                                .setEventTime(com.google.protobuf.Timestamp.newBuilder()
                                        .setSeconds(-62_135_596_801L))
                                .build(),
                        Topics.FILLS)))
                .isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(reason(binary(
                        envelope(fill()).toBuilder()
                                .setEventTime(
                                        ProtoTime.fromMillis(NOW).toBuilder().setNanos(-1))
                                .build(),
                        Topics.FILLS)))
                .isEqualTo(DeadLetterReason.INVALID_VALUE);
        Envelope crossed = Envelope.newBuilder()
                .setEventId("q")
                .setEventTime(ProtoTime.fromMillis(NOW))
                .setQuote(Quote.newBuilder()
                        .setVenue("v")
                        .setInstrument("i")
                        .setBid(2)
                        .setAsk(1))
                .build();
        assertThat(reason(binary(crossed, Topics.QUOTES))).isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(reason(decoder.decode(new byte[] {(byte) 0xff, 0x01, 0x02}, false, Topics.FILLS, 0, 1, NOW, NOW)))
                .isEqualTo(DeadLetterReason.UNDECODABLE);
        assertThat(reason(decoder.decode(null, false, Topics.FILLS, 0, 1, NOW, NOW)))
                .isEqualTo(DeadLetterReason.UNDECODABLE);
        assertThat(reason(decoder.decode(
                        "{\"eventId\":\"e\",\"fill\":{\"side\":\"UP\"}}".getBytes(StandardCharsets.UTF_8),
                        true,
                        "file",
                        0,
                        1,
                        NOW,
                        0)))
                .isEqualTo(DeadLetterReason.UNKNOWN_ENUM);
    }

    @Test
    void deadLetterKeepsTheOriginalBytesAndWhereTheyCameFrom() {
        byte[] garbage = {(byte) 0xff, 0x01, 0x02};
        Decoded d = decoder.decode(garbage, false, Topics.FILLS, 2, 77, NOW, NOW);
        assertThat(d.deadLetter().original()).isEqualTo(garbage);
        assertThat(d.deadLetter().sourceTopic()).isEqualTo(Topics.FILLS);
        assertThat(d.deadLetter().sourcePartition()).isEqualTo(2);
        assertThat(d.deadLetter().sourceOffset()).isEqualTo(77);
        assertThat(d.deadLetter().detail()).contains("not a riskplane v1 Protobuf envelope");
        // Deterministic: the same record at the same place gets the same id.
        assertThat(decoder.decode(garbage, false, Topics.FILLS, 2, 77, NOW, NOW)
                        .deadLetter()
                        .id())
                .isEqualTo(d.deadLetter().id());
    }

    static Envelope policy(RiskPolicy.Builder p) {
        return Envelope.newBuilder()
                .setEventId("p")
                .setEventTime(ProtoTime.fromMillis(NOW - 5))
                .setRiskPolicy(p.setPolicyId("globex-default")
                        .setVersion(2)
                        .setScope(Scope.newBuilder().setOrg("globex").setStrategy("*"))
                        .setMaxDrawdown(5_000))
                .build();
    }

    @Test
    void absurdMagnitudesAreRefusedSoNoSumCanOverflow() {
        // the attack: two fills with fee -1e308 drove equity to +Infinity and drawdown to NaN
        assertThat(binary(envelope(fill().setFee(-1e308)), Topics.FILLS)
                        .deadLetter()
                        .detail())
                .contains("fill.fee");
        assertThat(reason(binary(envelope(fill().setFee(201 + 1_000)), Topics.FILLS)))
                .isEqualTo(DeadLetterReason.INVALID_VALUE); // notional 200 + flat 1,000
        assertThat(binary(envelope(fill().setFee(-1_200)), Topics.FILLS).isDeadLetter())
                .isFalse(); // a rebate
        assertThat(reason(binary(envelope(fill().setPrice(2e9)), Topics.FILLS)))
                .isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(reason(binary(envelope(fill().setQuantity(1e13)), Topics.FILLS)))
                .isEqualTo(DeadLetterReason.INVALID_VALUE);
        Envelope quote = Envelope.newBuilder()
                .setEventId("q")
                .setEventTime(ProtoTime.fromMillis(NOW))
                .setQuote(Quote.newBuilder()
                        .setVenue("v")
                        .setInstrument("i")
                        .setBid(1)
                        .setAsk(1e300))
                .build();
        assertThat(reason(binary(quote, Topics.QUOTES))).isEqualTo(DeadLetterReason.INVALID_VALUE);
    }

    @Test
    void policiesThatWouldSwitchARuleOffAreRefused() {
        // the attack: globex-default v2 with cooldown_base_s -30 and trip_window_s -1 (no halt, no repeated-trips kill)
        Decoded d = binary(
                policy(RiskPolicy.newBuilder()
                        .putThresholds("cooldown_base_s", -30)
                        .putThresholds("trip_window_s", -1)),
                Topics.POLICIES);
        assertThat(reason(d)).isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(d.deadLetter().detail()).contains("cooldown_base_s");
        assertThat(reason(binary(policy(RiskPolicy.newBuilder().putThresholds("trip_window_s", 0)), Topics.POLICIES)))
                .isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(binary(policy(RiskPolicy.newBuilder().putThresholds("max_orders_strategi", 20)), Topics.POLICIES)
                        .deadLetter()
                        .detail())
                .contains("not a threshold any rule reads");
        assertThat(reason(binary(
                        policy(RiskPolicy.newBuilder().putThresholds("quote_freshness_ms", 1e12)), Topics.POLICIES)))
                .isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(reason(binary(
                        policy(RiskPolicy.newBuilder()).toBuilder()
                                .setRiskPolicy(policy(RiskPolicy.newBuilder()).getRiskPolicy().toBuilder()
                                        .setMaxDrawdown(1e300))
                                .build(),
                        Topics.POLICIES)))
                .isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(binary(
                                policy(RiskPolicy.newBuilder()
                                        .putThresholds("cooldown_base_s", 30)
                                        .putThresholds("kill_trips", 3)),
                                Topics.POLICIES)
                        .isDeadLetter())
                .isFalse();
    }

    static Envelope command(io.riskplane.v1.OperatorCommand.Builder c) {
        return Envelope.newBuilder()
                .setEventId("cmd-1")
                .setEventTime(ProtoTime.fromMillis(NOW - 5))
                .setOperatorCommand(c)
                .build();
    }

    static io.riskplane.v1.OperatorCommand.Builder resume() {
        return io.riskplane.v1.OperatorCommand.newBuilder()
                .setCommandId("cmd-1")
                .setAction(io.riskplane.v1.OperatorAction.OPERATOR_RESUME)
                .setScope(Scope.newBuilder().setOrg("acme").setStrategy("momo"))
                .setOperatorId("oncall")
                .setReason("desk approved")
                .setSignature(com.google.protobuf.ByteString.copyFromUtf8("sig"));
    }

    @Test
    void operatorCommandsOfNoKnownScopeUnsignedOrMalformedAreRefused() {
        Decoded ok = binary(command(resume()), Topics.OPERATOR);
        assertThat(ok.isDeadLetter()).isFalse();
        assertThat(ok.kind()).isEqualTo("operator_command");
        assertThat(binary(command(resume()), Topics.POLICIES).deadLetter().reasonCode())
                .isEqualTo(DeadLetterReason.WRONG_TOPIC);
        assertThat(reason(binary(command(resume().clearSignature()), Topics.OPERATOR)))
                .isEqualTo(DeadLetterReason.UNSIGNED_COMMAND);
        // A strategy without its org, or a venue alone, is no scope any rule halts.
        Decoded noOrg = binary(command(resume().setScope(Scope.newBuilder().setStrategy("momo"))), Topics.OPERATOR);
        assertThat(reason(noOrg)).isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(noOrg.deadLetter().detail()).contains("strategy").contains("no scope");
        assertThat(reason(binary(command(resume().setScope(Scope.newBuilder().setVenue("kraken"))), Topics.OPERATOR)))
                .isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(binary(
                                command(resume().setScope(Scope.newBuilder()
                                        .setVenue("kraken")
                                        .setInstrument("ETH-USD"))),
                                Topics.OPERATOR)
                        .isDeadLetter())
                .isFalse();
        assertThat(reason(binary(
                        command(resume().setAction(io.riskplane.v1.OperatorAction.OPERATOR_HALT)
                                .setRuleId("pnl.drawdown.kill-switch")),
                        Topics.OPERATOR)))
                .isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(reason(binary(command(resume().setRuleId("DROP TABLE")), Topics.OPERATOR)))
                .isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(reason(binary(command(resume().setCommandId("cmd-2")), Topics.OPERATOR)))
                .isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(reason(binary(command(resume().clearReason()), Topics.OPERATOR)))
                .isEqualTo(DeadLetterReason.MISSING_FIELD);
        assertThat(reason(binary(command(resume().clearAction()), Topics.OPERATOR)))
                .isEqualTo(DeadLetterReason.MISSING_FIELD);
    }

    @Test
    void aDrawdownRecoveryThatWouldResumeInBreachOrHalfSetIsRefused() {
        // max_drawdown is 5,000: a resume level at or above it would resume a scope still in breach
        Decoded atLimit = binary(
                policy(RiskPolicy.newBuilder()
                        .putThresholds("drawdown_resume_below", 5_000)
                        .putThresholds("drawdown_resume_after_s", 60)),
                Topics.POLICIES);
        assertThat(reason(atLimit)).isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(atLimit.deadLetter().detail())
                .contains("drawdown_resume_below")
                .contains("max_drawdown");
        assertThat(binary(
                                policy(RiskPolicy.newBuilder().putThresholds("drawdown_resume_below", 1_000)),
                                Topics.POLICIES)
                        .deadLetter()
                        .detail())
                .contains("set together");
        assertThat(reason(binary(
                        policy(RiskPolicy.newBuilder()
                                .putThresholds("drawdown_resume_below", -1)
                                .putThresholds("drawdown_resume_after_s", 60)),
                        Topics.POLICIES)))
                .isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(reason(binary(
                        policy(RiskPolicy.newBuilder()
                                .putThresholds("drawdown_resume_below", 1_000)
                                .putThresholds("drawdown_resume_after_s", 0)),
                        Topics.POLICIES)))
                .isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(binary(
                                policy(RiskPolicy.newBuilder()
                                        .putThresholds("drawdown_resume_below", 0)
                                        .putThresholds("drawdown_resume_after_s", 60)),
                                Topics.POLICIES)
                        .isDeadLetter())
                .isFalse();
    }

    @Test
    void overlongStringsAreRefusedAndLargeDeadLettersAreCut() {
        String longId = "x".repeat(257);
        assertThat(binary(envelope(fill().setOrg(longId)), Topics.FILLS)
                        .deadLetter()
                        .detail())
                .contains("Fill.org is 257 characters long");
        assertThat(reason(binary(envelope(fill()).toBuilder().setEventId(longId).build(), Topics.FILLS)))
                .isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(binary(envelope(fill().setOrg("x".repeat(256))), Topics.FILLS)
                        .isDeadLetter())
                .isFalse();
        // a health probe's detail of 160,000 \u0001 (its JSON row would be 1.1 MB)
        Envelope probe = Envelope.newBuilder()
                .setEventId("h")
                .setEventTime(ProtoTime.fromMillis(NOW))
                .setHealthProbe(
                        io.riskplane.v1.HealthProbe.newBuilder().setTarget("t").setDetail("\u0001".repeat(160_000)))
                .build();
        Decoded dead = binary(probe, Topics.forPayload(Envelope.PayloadCase.HEALTH_PROBE));
        assertThat(reason(dead)).isEqualTo(DeadLetterReason.INVALID_VALUE);
        // 800 KB of random bytes: the dead letter keeps the first 64 KiB, with the size and SHA-256 of the whole
        byte[] random = new byte[800_000];
        new java.util.Random(7).nextBytes(random);
        random[0] = (byte) 0xff;
        Decoded big = decoder.decode(random, false, Topics.FILLS, 0, 9, NOW, NOW);
        assertThat(big.deadLetter().original()).hasSize(65_536).isEqualTo(java.util.Arrays.copyOf(random, 65_536));
        assertThat(big.deadLetter().detail())
                .contains("800000 bytes")
                .contains(java.util.HexFormat.of().formatHex(sha256(random)));
    }

    static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static String reason(Decoded d) {
        assertThat(d.isDeadLetter()).as("dead letter").isTrue();
        return d.deadLetter().reasonCode();
    }
}
