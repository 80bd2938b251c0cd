package io.riskplane.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.EnvelopeJson;
import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.model.Decoded;
import io.riskplane.model.DeadLetterReason;
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
        return Fill.newBuilder().setFillId("f1").setOrderId("o1").setOrg("acme").setStrategy("s1")
                .setInstrument("CRYPTO:BTC-USD").setVenue("coinbase").setSide(Side.SELL).setQuantity(2)
                .setPrice(100).setFee(0.1);
    }

    static Envelope envelope(Fill.Builder f) {
        return Envelope.newBuilder().setEventId("e1").setSource("t").setEventTime(ProtoTime.fromMillis(NOW - 1000))
                .setFill(f).build();
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
        Decoded fromJson = decoder.decode(EnvelopeJson.print(e).getBytes(StandardCharsets.UTF_8), true, "file", 0, 1,
                NOW, 0);
        assertThat(fromJson.envelope()).isEqualTo(e.toByteArray());
    }

    @Test
    void policyBecomesAPolicyRecordEffectiveAtItsEventTime() {
        Envelope e = Envelope.newBuilder().setEventId("p").setEventTime(ProtoTime.fromMillis(NOW - 5))
                .setRiskPolicy(RiskPolicy.newBuilder().setPolicyId("pol").setVersion(2)
                        .setScope(Scope.newBuilder().setOrg("acme").setStrategy("*")).setMaxDrawdown(1000))
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
        assertThat(reason(binary(envelope(fill()).toBuilder().setEventTime(ProtoTime.fromMillis(NOW + 400_000))
                .build(), Topics.FILLS))).isEqualTo(DeadLetterReason.FUTURE_TIMESTAMP);
        assertThat(reason(binary(Envelope.newBuilder().setEventId("x").setEventTime(ProtoTime.fromMillis(NOW))
                .build(), Topics.FILLS))).isEqualTo(DeadLetterReason.EMPTY_PAYLOAD);
        assertThat(reason(binary(Envelope.newBuilder().setEventId("x").setEventTime(ProtoTime.fromMillis(NOW))
                .setHeartbeat(Heartbeat.getDefaultInstance()).build(), Topics.FILLS)))
                .isEqualTo(DeadLetterReason.NOT_AN_INPUT);
        // Timestamps the Protobuf JSON mapping cannot print (the archive prints every valid event): outside
        // 0001-01-01..9999-12-31, or nanos outside 0..999,999,999.
        assertThat(reason(binary(envelope(fill().setExecTime(com.google.protobuf.Timestamp.newBuilder()
                .setSeconds(253_402_300_800L))), Topics.FILLS))).isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(reason(binary(envelope(fill()).toBuilder().setEventTime(com.google.protobuf.Timestamp.newBuilder()
                .setSeconds(-62_135_596_801L)).build(), Topics.FILLS))).isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(reason(binary(envelope(fill()).toBuilder().setEventTime(ProtoTime.fromMillis(NOW).toBuilder()
                .setNanos(-1)).build(), Topics.FILLS))).isEqualTo(DeadLetterReason.INVALID_VALUE);
        Envelope crossed = Envelope.newBuilder().setEventId("q").setEventTime(ProtoTime.fromMillis(NOW))
                .setQuote(Quote.newBuilder().setVenue("v").setInstrument("i").setBid(2).setAsk(1)).build();
        assertThat(reason(binary(crossed, Topics.QUOTES))).isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(reason(decoder.decode(new byte[] {(byte) 0xff, 0x01, 0x02}, false, Topics.FILLS, 0, 1, NOW, NOW)))
                .isEqualTo(DeadLetterReason.UNDECODABLE);
        assertThat(reason(decoder.decode(null, false, Topics.FILLS, 0, 1, NOW, NOW)))
                .isEqualTo(DeadLetterReason.UNDECODABLE);
        assertThat(reason(decoder.decode("{\"eventId\":\"e\",\"fill\":{\"side\":\"UP\"}}"
                .getBytes(StandardCharsets.UTF_8), true, "file", 0, 1, NOW, 0))).isEqualTo(DeadLetterReason.UNKNOWN_ENUM);
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
        assertThat(decoder.decode(garbage, false, Topics.FILLS, 2, 77, NOW, NOW).deadLetter().id())
                .isEqualTo(d.deadLetter().id());
    }

    private static String reason(Decoded d) {
        assertThat(d.isDeadLetter()).as("dead letter").isTrue();
        return d.deadLetter().reasonCode();
    }
}
