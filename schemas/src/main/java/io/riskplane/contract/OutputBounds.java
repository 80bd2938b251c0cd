package io.riskplane.contract;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The size bounds of what the plane writes (docs/contracts.md, "Size bounds"), so that no input can make an output
 * larger than its topic accepts (Kafka's default limit is 1 MiB a record) and put the job into a restart loop. A value
 * over its bound is cut to a prefix followed by its full length and SHA-256, from which the original can be found and
 * checked on the input topic, which keeps it whole.
 */
public final class OutputBounds {
    /**
     * A text column of a ClickHouse row: longer text is cut. It holds a dead letter's original in Base64 (87,384
     * characters for MAX_ORIGINAL_BYTES); JSON escaping may multiply text by six, which MAX_RECORD_BYTES still holds.
     */
    public static final int MAX_FIELD_CHARS = 100_000;
    /** What a cut text keeps. */
    public static final int CUT_PREFIX_CHARS = 2_048;
    /** The original bytes a dead letter carries. */
    public static final int MAX_ORIGINAL_BYTES = 65_536;
    /** A dead letter's detail text. */
    public static final int MAX_DETAIL_CHARS = 4_096;
    /**
     * Any record the plane writes to Kafka. A row over it even after its text was cut becomes an OUTPUT_REJECTED dead
     * letter instead (KafkaSinks): a writer never fails on one record's size.
     */
    public static final int MAX_RECORD_BYTES = 900 * 1024;

    private OutputBounds() {}

    /** The text itself when within {@code max} characters, else its prefix and a marker with its length and hash. */
    public static String cut(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        int end = Math.min(CUT_PREFIX_CHARS, max);
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--; // never split a surrogate pair
        }
        return s.substring(0, end) + marker(s.length() + " chars", s.getBytes(StandardCharsets.UTF_8));
    }

    /** The bytes themselves when within {@code max}, else their first {@code max} bytes. */
    public static byte[] prefix(byte[] b, int max) {
        return b.length <= max ? b : java.util.Arrays.copyOf(b, max);
    }

    /** " ...[cut: <size>, sha256 <hex>]": what a cut value carries in place of its rest. */
    public static String marker(String size, byte[] whole) {
        return " ...[cut: " + size + ", sha256 " + sha256Hex(whole) + "]";
    }

    public static String sha256Hex(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
