package io.riskplane.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.riskplane.contract.ProtoTime;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.OperatorAction;
import io.riskplane.v1.OperatorCommand;
import io.riskplane.v1.Scope;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Signing and checking operator commands; the HMAC recomputed with the JDK's Mac, independently of the signer. */
class OperatorCommandsTest {
    static final byte[] ALICE_KEY = "alice-key-alice-key-alice-key-32".getBytes(StandardCharsets.US_ASCII);
    static final byte[] BOB_KEY = "bob-key-bob-key-bob-key-bob-k-32".getBytes(StandardCharsets.US_ASCII);
    static final ControlSigner ALICE = new ControlSigner("alice", ALICE_KEY);
    static final ControlSigner BOB = new ControlSigner("bob", BOB_KEY);
    static final Map<String, ControlSigner> KEYS = Map.of("alice", ALICE, "bob", BOB);

    static Envelope command(String operator) {
        return Envelope.newBuilder()
                .setEventId("cmd-1")
                .setSource("riskplane-cli")
                .setEventTime(ProtoTime.fromMillis(1_700_000_000_000L))
                .setOperatorCommand(OperatorCommand.newBuilder()
                        .setCommandId("cmd-1")
                        .setAction(OperatorAction.OPERATOR_RESUME)
                        .setScope(Scope.newBuilder().setOrg("acme").setStrategy("momentum-btc"))
                        .setRuleId("pnl.drawdown.kill-switch")
                        .setOperatorId(operator)
                        .setReason("loss verified")
                        .setTicket("INC-7"))
                .build();
    }

    @Test
    void theSignatureIsTheOperatorsHmacOfTheEnvelopeWithoutIt() throws Exception {
        Envelope signed = OperatorCommands.sign(command("alice"), ALICE);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(ALICE_KEY, "HmacSHA256"));
        byte[] expected = mac.doFinal(command("alice").toByteArray()); // the same envelope, no signature field
        assertThat(signed.getOperatorCommand().getSignature().toByteArray()).isEqualTo(expected);
        assertThat(OperatorCommands.verify(signed, KEYS)).isEqualTo(OperatorCommands.Verdict.ACCEPTED);
        // Travels as bytes and still verifies.
        assertThat(OperatorCommands.verify(Envelope.parseFrom(signed.toByteArray()), KEYS))
                .isEqualTo(OperatorCommands.Verdict.ACCEPTED);
    }

    @Test
    void unsignedUnknownForgedAndAlteredCommandsAreRefused() {
        Envelope signed = OperatorCommands.sign(command("alice"), ALICE);
        assertThat(OperatorCommands.verify(command("alice"), KEYS)).isEqualTo(OperatorCommands.Verdict.UNSIGNED);
        assertThat(OperatorCommands.verify(signed, Map.of("bob", BOB)))
                .isEqualTo(OperatorCommands.Verdict.UNKNOWN_OPERATOR);
        // Bob signs a command that names Alice: it does not verify under Alice's key.
        Envelope.Builder forged = command("alice").toBuilder();
        forged.getOperatorCommandBuilder()
                .setSignature(ByteString.copyFrom(BOB.sign(OperatorCommands.signedBytes(command("alice")))));
        assertThat(OperatorCommands.verify(forged.build(), KEYS)).isEqualTo(OperatorCommands.Verdict.BAD_SIGNATURE);
        // Every field is covered: another scope, rule or event time under the same signature is refused.
        Envelope.Builder otherScope = signed.toBuilder();
        otherScope.getOperatorCommandBuilder().setScope(Scope.newBuilder().setOrg("acme"));
        assertThat(OperatorCommands.verify(otherScope.build(), KEYS)).isEqualTo(OperatorCommands.Verdict.BAD_SIGNATURE);
        Envelope.Builder allRules = signed.toBuilder();
        allRules.getOperatorCommandBuilder().clearRuleId();
        assertThat(OperatorCommands.verify(allRules.build(), KEYS)).isEqualTo(OperatorCommands.Verdict.BAD_SIGNATURE);
        Envelope later = signed.toBuilder()
                .setEventTime(ProtoTime.fromMillis(1_800_000_000_000L))
                .build();
        assertThat(OperatorCommands.verify(later, KEYS)).isEqualTo(OperatorCommands.Verdict.BAD_SIGNATURE);
    }

    @Test
    void aKeySignsOnlyItsOwnOperatorsCommands() {
        assertThatThrownBy(() -> OperatorCommands.sign(command("alice"), BOB))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bob");
    }
}
