package io.riskplane.verify;

import io.riskplane.v1.Envelope;
import java.util.Map;

/**
 * How an operator command is signed and checked: {@link SignedPayloads#OPERATOR_COMMAND}, the key of the operator the
 * command names (key id = operator_id). The signature is HMAC-SHA256 over the envelope serialized with the command's
 * {@code signature} cleared: it covers the event id, the event time and every field of the command, and travels inside
 * the payload, so that a replay file (which has no Kafka headers) carries it too.
 */
public final class OperatorCommands {
    /** Why a command is refused, or ACCEPTED. */
    public enum Verdict {
        ACCEPTED,
        UNSIGNED,
        UNKNOWN_OPERATOR,
        BAD_SIGNATURE
    }

    private OperatorCommands() {}

    /** The bytes the signature covers. */
    public static byte[] signedBytes(Envelope e) {
        return SignedPayloads.OPERATOR_COMMAND.signedBytes(e);
    }

    /** The envelope with its command signed by {@code key} (whose key id must be the command's operator_id). */
    public static Envelope sign(Envelope e, ControlSigner key) {
        return SignedPayloads.OPERATOR_COMMAND.sign(e, key);
    }

    /** Checks the command's signature against the keys of the operators, by operator id. */
    public static Verdict verify(Envelope e, Map<String, ControlSigner> operatorKeys) {
        return switch (SignedPayloads.OPERATOR_COMMAND.verify(e, operatorKeys)) {
            case ACCEPTED -> Verdict.ACCEPTED;
            case UNSIGNED -> Verdict.UNSIGNED;
            case UNKNOWN_SIGNER -> Verdict.UNKNOWN_OPERATOR;
            case BAD_SIGNATURE -> Verdict.BAD_SIGNATURE;
        };
    }
}
