package io.riskplane.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 over the exact bytes of a Kafka record value (a serialized Envelope), carried in the record headers
 * {@link #SIGNATURE_HEADER} (base64) and {@link #KEY_ID_HEADER}. Signing the bytes as sent, not a re-serialization,
 * leaves nothing to canonicalize: the verifier checks what it received.
 */
public final class ControlSigner {
    public static final String SIGNATURE_HEADER = "riskplane-signature";
    public static final String KEY_ID_HEADER = "riskplane-key-id";
    public static final String ALGORITHM = "HmacSHA256";
    /** A key shorter than the hash output would weaken HMAC-SHA256. */
    public static final int MIN_KEY_BYTES = 32;

    private final String keyId;
    private final SecretKeySpec key;

    public ControlSigner(String keyId, byte[] key) {
        if (keyId == null || keyId.isBlank()) {
            throw new IllegalArgumentException("a signing key needs a key id");
        }
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException(
                    "signing key '" + keyId + "' must have at least " + MIN_KEY_BYTES + " bytes");
        }
        this.keyId = keyId;
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
    }

    /** The key as stored in a file or environment variable: base64 text (e.g. `openssl rand -base64 32`). */
    public static byte[] decodeKey(String base64) {
        return Base64.getDecoder().decode(base64.trim());
    }

    public static ControlSigner fromFile(String keyId, Path file) throws IOException {
        return new ControlSigner(keyId, decodeKey(Files.readString(file, StandardCharsets.US_ASCII)));
    }

    public static ControlSigner fromEnvironment(String keyId, String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + variable + " holds no signing key");
        }
        return new ControlSigner(keyId, decodeKey(value));
    }

    public String keyId() {
        return keyId;
    }

    public byte[] sign(byte[] value) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(value);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    /**
     * Whether {@code signatureHeader} (the record's {@link #SIGNATURE_HEADER}, base64) is this key's signature of
     * {@code value}, compared in constant time; false for a header that is not base64.
     */
    public boolean verifies(byte[] value, byte[] signatureHeader) {
        byte[] claimed;
        try {
            claimed = Base64.getDecoder().decode(signatureHeader);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return java.security.MessageDigest.isEqual(claimed, sign(value));
    }

    /** The header value: base64 of the signature. */
    public byte[] signatureHeader(byte[] value) {
        return Base64.getEncoder().encode(sign(value));
    }
}
