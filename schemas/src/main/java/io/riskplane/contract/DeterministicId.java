package io.riskplane.contract;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Ids derived only from content, so that the same input gives the same id in a replay, after recovery and at any
 * parallelism. SHA-256 over the parts joined by a unit separator, first 128 bits as hex.
 */
public final class DeterministicId {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private DeterministicId() {}

    public static String of(String prefix, Object... parts) {
        return digest(prefix, null, parts);
    }

    /** Id over raw bytes (for records that could not be decoded) plus where they came from. */
    public static String ofBytes(String prefix, byte[] bytes, Object... parts) {
        return digest(prefix, bytes, parts);
    }

    /**
     * One digest per thread, reset after each id: looking the algorithm up among the security providers for every id
     * cost as much as hashing (the PnL hosts make an id per snapshot).
     */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private static String digest(String prefix, byte[] bytes, Object[] parts) {
        MessageDigest md = SHA_256.get();
        md.reset();
        if (bytes != null) {
            md.update(bytes);
            md.update((byte) 0x1e);
        }
        for (Object p : parts) {
            md.update(String.valueOf(p).getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0x1f);
        }
        return prefix + hex(md.digest(), 16);
    }

    private static String hex(byte[] digest, int n) {
        char[] out = new char[n * 2];
        for (int i = 0; i < n; i++) {
            out[2 * i] = HEX[(digest[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[digest[i] & 0xf];
        }
        return new String(out);
    }
}
