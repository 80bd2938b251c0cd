package io.riskplane.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.riskplane.contract.ProtoTime;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.RiskPolicy;
import io.riskplane.v1.Scope;
import io.riskplane.verify.SignedPayloads.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Risk policies signed by the risk desk (SignedPayloads.RISK_POLICY); the HMAC recomputed with the JDK's Mac. */
class PolicySignaturesTest {
    static final SignedPayloads P = SignedPayloads.RISK_POLICY;
    static final byte[] DESK_KEY = "risk-desk-key-risk-desk-key-1-32".getBytes(StandardCharsets.US_ASCII);
    static final ControlSigner DESK = new ControlSigner("risk-desk", DESK_KEY);
    static final ControlSigner MALLORY =
            new ControlSigner("risk-desk", "mallory-key-mallory-key-mallory!".getBytes(StandardCharsets.US_ASCII));
    static final Map<String, ControlSigner> KEYS = Map.of("risk-desk", DESK);

    static Envelope policy(String signer) {
        return Envelope.newBuilder()
                .setEventId("pol-1")
                .setSource("risk-desk")
                .setEventTime(ProtoTime.fromMillis(1_700_000_000_000L))
                .setRiskPolicy(RiskPolicy.newBuilder()
                        .setPolicyId("acme-momentum-btc")
                        .setVersion(3)
                        .setScope(Scope.newBuilder().setOrg("acme").setStrategy("momentum-btc"))
                        .setCurrency("USD")
                        .setMaxDrawdown(300)
                        .putThresholds("max_orders_strategy", 50)
                        .putThresholds("cooldown_base_s", 30)
                        .setSignerId(signer))
                .build();
    }

    @Test
    void theSignatureIsTheDesksHmacOfTheEnvelopeWithoutIt() throws Exception {
        Envelope signed = P.sign(policy("risk-desk"), DESK);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(DESK_KEY, "HmacSHA256"));
        // The map entries were added in key order, so the plain serialization is the deterministic one.
        Envelope sorted = Envelope.newBuilder(policy("risk-desk"))
                .setRiskPolicy(policy("risk-desk").getRiskPolicy().toBuilder()
                        .clearThresholds()
                        .putThresholds("cooldown_base_s", 30)
                        .putThresholds("max_orders_strategy", 50))
                .build();
        assertThat(signed.getRiskPolicy().getSignature().toByteArray()).isEqualTo(mac.doFinal(sorted.toByteArray()));
        assertThat(P.verify(signed, KEYS)).isEqualTo(Verdict.ACCEPTED);
        assertThat(P.verify(Envelope.parseFrom(signed.toByteArray()), KEYS)).isEqualTo(Verdict.ACCEPTED);
        // signAs names the key's id as signer, then signs.
        Envelope stamped = P.signAs(policy(""), DESK);
        assertThat(stamped.getRiskPolicy().getSignerId()).isEqualTo("risk-desk");
        assertThat(stamped).isEqualTo(signed);
    }

    @Test
    void theThresholdsOrderDoesNotMatter() {
        Envelope signed = P.sign(policy("risk-desk"), DESK);
        Envelope reordered = signed.toBuilder()
                .setRiskPolicy(signed.getRiskPolicy().toBuilder()
                        .clearThresholds()
                        .putThresholds("cooldown_base_s", 30)
                        .putThresholds("max_orders_strategy", 50))
                .build();
        assertThat(P.verify(reordered, KEYS)).isEqualTo(Verdict.ACCEPTED);
    }

    @Test
    void unsignedUnknownWrongKeyAndTamperedPoliciesAreRefused() {
        Envelope signed = P.sign(policy("risk-desk"), DESK);
        assertThat(P.verify(policy("risk-desk"), KEYS)).isEqualTo(Verdict.UNSIGNED);
        assertThat(P.verify(policy(""), KEYS)).isEqualTo(Verdict.UNSIGNED);
        assertThat(P.verify(signed, Map.of())).isEqualTo(Verdict.UNKNOWN_SIGNER);
        Envelope otherDesk = P.sign(policy("other-desk"), new ControlSigner("other-desk", DESK_KEY));
        assertThat(P.verify(otherDesk, KEYS)).isEqualTo(Verdict.UNKNOWN_SIGNER);
        // Signed with another key under the desk's id.
        assertThat(P.verify(P.sign(policy("risk-desk"), MALLORY), KEYS)).isEqualTo(Verdict.BAD_SIGNATURE);
        // A signature of another policy, copied over.
        Envelope.Builder copied = policy("risk-desk").toBuilder();
        copied.getRiskPolicyBuilder()
                .setVersion(4)
                .setSignature(signed.getRiskPolicy().getSignature());
        assertThat(P.verify(copied.build(), KEYS)).isEqualTo(Verdict.BAD_SIGNATURE);
        // Every field is covered: a loosened limit, a threshold, the scope, the event time, the signer.
        Envelope.Builder looser = signed.toBuilder();
        looser.getRiskPolicyBuilder().setMaxDrawdown(1e15);
        assertThat(P.verify(looser.build(), KEYS)).isEqualTo(Verdict.BAD_SIGNATURE);
        Envelope.Builder threshold = signed.toBuilder();
        threshold.getRiskPolicyBuilder().putThresholds("max_orders_strategy", 5_000);
        assertThat(P.verify(threshold.build(), KEYS)).isEqualTo(Verdict.BAD_SIGNATURE);
        Envelope.Builder scope = signed.toBuilder();
        scope.getRiskPolicyBuilder().setScope(Scope.newBuilder().setOrg("acme").setStrategy("other"));
        assertThat(P.verify(scope.build(), KEYS)).isEqualTo(Verdict.BAD_SIGNATURE);
        Envelope later = signed.toBuilder()
                .setEventTime(ProtoTime.fromMillis(1_800_000_000_000L))
                .build();
        assertThat(P.verify(later, KEYS)).isEqualTo(Verdict.BAD_SIGNATURE);
        Envelope.Builder truncated = signed.toBuilder();
        truncated.getRiskPolicyBuilder().setSignature(ByteString.copyFrom(new byte[32]));
        assertThat(P.verify(truncated.build(), KEYS)).isEqualTo(Verdict.BAD_SIGNATURE);
    }

    @Test
    void aKeySignsOnlyAsItsOwnSigner() {
        assertThatThrownBy(() -> P.sign(policy("someone-else"), DESK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("someone-else");
    }

    @Test
    void operatorCommandsKeepTheirSignatureBytes() {
        // The shared implementation signs operator commands exactly as before (no map fields: the deterministic
        // serialization is the plain one).
        Envelope c = OperatorCommandsTest.command("alice");
        assertThat(SignedPayloads.OPERATOR_COMMAND.signedBytes(c)).isEqualTo(c.toByteArray());
    }
}
