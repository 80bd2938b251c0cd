package io.riskplane.verify;

import io.riskplane.v1.Envelope;
import io.riskplane.v1.OperatorCommand;
import java.security.MessageDigest;
import java.util.Map;

/**
 * How an operator command is signed and checked. The signature is HMAC-SHA256, with the key of the operator the
 * command names, over the envelope serialized with the command's {@code signature} cleared: it covers the event id,
 * the event time and every field of the command, and travels inside the payload, so that a replay file (which has no
 * Kafka headers) carries it too. Protobuf serializes a message's known fields in field-number order, which is what a
 * signer in another language must produce.
 */
public final class OperatorCommands {
    /** Why a command is refused, or ACCEPTED. */
    public enum Verdict { ACCEPTED, UNSIGNED, UNKNOWN_OPERATOR, BAD_SIGNATURE }

    private OperatorCommands() {}

    /** The bytes the signature covers. */
    public static byte[] signedBytes(Envelope e) {
        Envelope.Builder b = e.toBuilder();
        b.getOperatorCommandBuilder().clearSignature();
        return b.build().toByteArray();
    }

    /** The envelope with its command signed by {@code key} (whose key id must be the command's operator_id). */
    public static Envelope sign(Envelope e, ControlSigner key) {
        if (!key.keyId().equals(e.getOperatorCommand().getOperatorId())) {
            throw new IllegalArgumentException("key '" + key.keyId() + "' cannot sign a command of operator '"
                    + e.getOperatorCommand().getOperatorId() + "'");
        }
        Envelope.Builder b = e.toBuilder();
        b.getOperatorCommandBuilder().setSignature(com.google.protobuf.ByteString.copyFrom(key.sign(signedBytes(e))));
        return b.build();
    }

    /** Checks the command's signature against the keys of the operators, by operator id. */
    public static Verdict verify(Envelope e, Map<String, ControlSigner> operatorKeys) {
        OperatorCommand c = e.getOperatorCommand();
        if (c.getSignature().isEmpty()) {
            return Verdict.UNSIGNED;
        }
        ControlSigner key = operatorKeys.get(c.getOperatorId());
        if (key == null) {
            return Verdict.UNKNOWN_OPERATOR;
        }
        return MessageDigest.isEqual(key.sign(signedBytes(e)), c.getSignature().toByteArray()) ? Verdict.ACCEPTED
                : Verdict.BAD_SIGNATURE;
    }
}
