package io.riskplane.verify;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.riskplane.v1.Envelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A payload that carries its own signature and the id of the key that made it: an operator command (signed by its
 * operator, {@link #OPERATOR_COMMAND}) or a risk policy (signed by the risk desk, {@link #RISK_POLICY}). The signature
 * is HMAC-SHA256, with the signer's key, over the envelope serialized with the payload's {@code signature} cleared:
 * it covers the event id, the event time and every field of the payload, and travels inside the payload, so that a
 * replay file (which has no Kafka headers) carries it too. The serialization is Protobuf's deterministic one: known
 * fields in field-number order, map entries in key order, which is what a signer in another language must produce.
 */
public final class SignedPayloads {
    /** Why a payload is refused, or ACCEPTED. */
    public enum Verdict {
        ACCEPTED,
        UNSIGNED,
        UNKNOWN_SIGNER,
        BAD_SIGNATURE
    }

    /** Operator commands: key id = operator_id. */
    public static final SignedPayloads OPERATOR_COMMAND = new SignedPayloads(
            "operator command",
            e -> e.getOperatorCommand().getOperatorId(),
            e -> e.getOperatorCommand().getSignature(),
            (b, s) -> b.getOperatorCommandBuilder().setSignature(s),
            (b, id) -> b.getOperatorCommandBuilder().setOperatorId(id));

    /** Risk policies: key id = signer_id (a risk-desk key, security.policy_keys). */
    public static final SignedPayloads RISK_POLICY = new SignedPayloads(
            "risk policy",
            e -> e.getRiskPolicy().getSignerId(),
            e -> e.getRiskPolicy().getSignature(),
            (b, s) -> b.getRiskPolicyBuilder().setSignature(s),
            (b, id) -> b.getRiskPolicyBuilder().setSignerId(id));

    private final String what;
    private final Function<Envelope, String> signer;
    private final Function<Envelope, ByteString> signature;
    private final BiConsumer<Envelope.Builder, ByteString> setSignature;
    private final BiConsumer<Envelope.Builder, String> setSigner;

    private SignedPayloads(
            String what,
            Function<Envelope, String> signer,
            Function<Envelope, ByteString> signature,
            BiConsumer<Envelope.Builder, ByteString> setSignature,
            BiConsumer<Envelope.Builder, String> setSigner) {
        this.what = what;
        this.signer = signer;
        this.signature = signature;
        this.setSignature = setSignature;
        this.setSigner = setSigner;
    }

    /** The id of the key the payload names as its signer. */
    public String signer(Envelope e) {
        return signer.apply(e);
    }

    /** The bytes the signature covers: the envelope with the signature cleared, serialized deterministically. */
    public byte[] signedBytes(Envelope e) {
        Envelope.Builder b = e.toBuilder();
        setSignature.accept(b, ByteString.EMPTY); // proto3: an empty bytes field is not serialized, as if cleared
        Envelope cleared = b.build();
        byte[] out = new byte[cleared.getSerializedSize()];
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        o.useDeterministicSerialization();
        try {
            cleared.writeTo(o);
            o.checkNoSpaceLeft();
        } catch (IOException e2) {
            throw new UncheckedIOException(e2);
        }
        return out;
    }

    /** The envelope with its payload signed by {@code key}, whose key id must be the signer the payload names. */
    public Envelope sign(Envelope e, ControlSigner key) {
        if (!key.keyId().equals(signer(e))) {
            throw new IllegalArgumentException(
                    "key '" + key.keyId() + "' cannot sign a " + what + " of signer '" + signer(e) + "'");
        }
        Envelope.Builder b = e.toBuilder();
        setSignature.accept(b, ByteString.copyFrom(key.sign(signedBytes(e))));
        return b.build();
    }

    /** The envelope with the payload's signer set to {@code key}'s id, then signed by it. */
    public Envelope signAs(Envelope e, ControlSigner key) {
        Envelope.Builder b = e.toBuilder();
        setSigner.accept(b, key.keyId());
        return sign(b.build(), key);
    }

    /** Checks the payload's signature against the signers' keys, by key id. */
    public Verdict verify(Envelope e, Map<String, ControlSigner> keys) {
        ByteString sig = signature.apply(e);
        if (sig.isEmpty()) {
            return Verdict.UNSIGNED;
        }
        ControlSigner key = keys.get(signer(e));
        if (key == null) {
            return Verdict.UNKNOWN_SIGNER;
        }
        return MessageDigest.isEqual(key.sign(signedBytes(e)), sig.toByteArray())
                ? Verdict.ACCEPTED
                : Verdict.BAD_SIGNATURE;
    }
}
