package io.riskplane.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.EnvelopeJson;
import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.Decoded;
import io.riskplane.model.PolicyRecord;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.RiskPolicy;
import io.riskplane.v1.Scope;
import io.riskplane.verify.ControlSigner;
import io.riskplane.verify.SignedPayloads;
import io.riskplane.verify.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A policy must verify under the risk desk's key (when signed, or when required), and its version cannot change. */
class PolicyVersionGateTest {
    static final long NOW = 1_790_000_000_000L;
    static final byte[] DESK_KEY = "risk-desk-key-risk-desk-key-1-32".getBytes(StandardCharsets.US_ASCII);
    static final ControlSigner DESK = new ControlSigner("risk-desk", DESK_KEY);
    static final ControlSigner MALLORY =
            new ControlSigner("risk-desk", "mallory-key-mallory-key-mallory!".getBytes(StandardCharsets.US_ASCII));
    final EnvelopeDecoder decoder = new EnvelopeDecoder(300_000);

    @TempDir
    Path dir;

    long offset;

    static Envelope envelope(String eventId, long version, double maxDrawdown) {
        return Envelope.newBuilder()
                .setEventId(eventId)
                .setEventTime(ProtoTime.fromMillis(NOW - 60_000))
                .setRiskPolicy(RiskPolicy.newBuilder()
                        .setPolicyId("acme-momentum-btc")
                        .setVersion(version)
                        .setScope(Scope.newBuilder().setOrg("acme").setStrategy("momentum-btc"))
                        .setCurrency("USD")
                        .setMaxDrawdown(maxDrawdown)
                        .putThresholds("max_orders_strategy", 50))
                .build();
    }

    Decoded decode(Envelope e) {
        return decoder.decode(e.toByteArray(), false, Topics.POLICIES, 0, offset++, NOW, NOW);
    }

    Decoded policy(String eventId, long offset, double maxDrawdown) {
        this.offset = offset;
        return decode(envelope(eventId, 1, maxDrawdown));
    }

    KeyedOneInputStreamOperatorTestHarness<String, Decoded, PolicyRecord> gate(boolean required) throws Exception {
        Path keyFile = dir.resolve("risk-desk.key");
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(DESK_KEY));
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new PolicyVersionGate(List.of(new SigningKey("risk-desk", null, keyFile.toString())), required),
                PolicyVersionGate::key,
                Types.STRING);
    }

    static List<DeadLetterRecord> refused(KeyedOneInputStreamOperatorTestHarness<String, Decoded, PolicyRecord> h) {
        var q = h.getSideOutput(PolicyVersionGate.REFUSED);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void theFirstCopyStaysACopyIsDroppedAConflictIsDeadLettered() throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new PolicyVersionGate(), PolicyVersionGate::key, Types.STRING);
        h.processElement(policy("pol-1", 0, 3_000), 0);
        h.processElement(policy("pol-1-retry", 1, 3_000), 0); // same content under another event id
        // the attack: the same id and version re-published with maxDrawdown 1e15
        h.processElement(policy("pol-evil", 2, 1e15), 0);
        assertThat(h.extractOutputValues())
                .extracting(PolicyRecord::maxDrawdown)
                .containsExactly(3_000.0);
        var dead = h.getSideOutput(PolicyVersionGate.REFUSED);
        assertThat(dead).hasSize(1);
        var d = dead.iterator().next().getValue();
        assertThat(d.reasonCode()).isEqualTo(DeadLetterReason.CONFLICTING_VERSION);
        assertThat(d.originalEventId()).isEqualTo("pol-evil");
        assertThat(d.sourceOffset()).isEqualTo(2);
        assertThat(d.detail()).contains("acme-momentum-btc").contains("pol-1");
        // a new version is a new key: it passes
        Envelope v2 = Envelope.newBuilder()
                .setEventId("pol-2")
                .setEventTime(ProtoTime.fromMillis(NOW))
                .setRiskPolicy(RiskPolicy.newBuilder()
                        .setPolicyId("acme-momentum-btc")
                        .setVersion(2)
                        .setScope(Scope.newBuilder().setOrg("acme").setStrategy("momentum-btc"))
                        .setMaxDrawdown(2_000))
                .build();
        h.processElement(decoder.decode(v2.toByteArray(), false, Topics.POLICIES, 0, 3, NOW, NOW), 0);
        assertThat(h.extractOutputValues()).extracting(PolicyRecord::version).containsExactly(1L, 2L);
    }

    @Test
    void requiredAPolicyPassesOnlyWithTheDesksSignature() throws Exception {
        var h = gate(true);
        h.processElement(decode(envelope("pol-unsigned", 1, 1e15)), 0);
        h.processElement(
                decode(SignedPayloads.RISK_POLICY.signAs(
                        envelope("pol-stranger", 1, 1e15), new ControlSigner("stranger", DESK_KEY))),
                0);
        h.processElement(decode(SignedPayloads.RISK_POLICY.signAs(envelope("pol-forged", 1, 1e15), MALLORY)), 0);
        Envelope.Builder loosened =
                SignedPayloads.RISK_POLICY.signAs(envelope("pol-altered", 1, 300), DESK).toBuilder();
        loosened.getRiskPolicyBuilder().setMaxDrawdown(1e15); // altered after signing
        h.processElement(decode(loosened.build()), 0);
        assertThat(h.extractOutputValues()).isEmpty();
        assertThat(refused(h))
                .extracting(DeadLetterRecord::reasonCode)
                .containsExactly(
                        DeadLetterReason.UNSIGNED_POLICY, DeadLetterReason.UNKNOWN_POLICY_SIGNER,
                        DeadLetterReason.BAD_POLICY_SIGNATURE, DeadLetterReason.BAD_POLICY_SIGNATURE);
        assertThat(refused(h))
                .extracting(DeadLetterRecord::originalEventId)
                .containsExactly("pol-unsigned", "pol-stranger", "pol-forged", "pol-altered");
        assertThat(refused(h).get(1).detail())
                .contains("stranger")
                .contains("security.policy_keys")
                .contains("not applied");
        // None of them took version 1: the desk's signed copy, arriving after them, is the one in force.
        h.processElement(decode(SignedPayloads.RISK_POLICY.signAs(envelope("pol-desk", 1, 300), DESK)), 0);
        assertThat(h.extractOutputValues())
                .extracting(PolicyRecord::eventId, PolicyRecord::maxDrawdown)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("pol-desk", 300.0));
        assertThat(refused(h)).hasSize(4);
    }

    @Test
    void aSignedPolicyVerifiesAfterTheJsonFormToo() throws Exception {
        var h = gate(true);
        Envelope signed = SignedPayloads.RISK_POLICY.signAs(envelope("pol-json", 1, 300), DESK);
        String line = EnvelopeJson.print(signed);
        h.processElement(decoder.decode(line.getBytes(StandardCharsets.UTF_8), true, "file", 0, 0, NOW, 0), 0);
        assertThat(h.extractOutputValues()).extracting(PolicyRecord::eventId).containsExactly("pol-json");
        assertThat(refused(h)).isEmpty();
    }

    @Test
    void notRequiredUnsignedPassesButABadSignatureIsStillRefused() throws Exception {
        var h = gate(false);
        h.processElement(decode(envelope("pol-unsigned", 1, 300)), 0);
        // a signer the plane has no key for cannot be verified: not required, it passes (counted unverified)
        h.processElement(
                decode(SignedPayloads.RISK_POLICY.signAs(
                        envelope("pol-stranger", 2, 300), new ControlSigner("stranger", DESK_KEY))),
                0);
        h.processElement(decode(SignedPayloads.RISK_POLICY.signAs(envelope("pol-forged", 3, 1e15), MALLORY)), 0);
        h.processElement(decode(SignedPayloads.RISK_POLICY.signAs(envelope("pol-desk", 4, 250), DESK)), 0);
        assertThat(h.extractOutputValues())
                .extracting(PolicyRecord::eventId)
                .containsExactly("pol-unsigned", "pol-stranger", "pol-desk");
        assertThat(refused(h))
                .extracting(DeadLetterRecord::reasonCode)
                .containsExactly(DeadLetterReason.BAD_POLICY_SIGNATURE);
        assertThat(refused(h).get(0).detail()).contains("risk-desk").contains("forged or altered");
    }
}
