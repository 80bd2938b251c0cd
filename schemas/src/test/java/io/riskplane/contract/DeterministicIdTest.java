package io.riskplane.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DeterministicIdTest {
    /** SHA-256 over the parts, each followed by the unit separator, first 16 bytes as hex: computed here by hand. */
    private static String expected(String prefix, byte[] bytes, String... parts) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        if (bytes != null) {
            md.update(bytes);
            md.update((byte) 0x1e);
        }
        for (String p : parts) {
            md.update(p.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0x1f);
        }
        byte[] d = md.digest();
        return prefix + HexFormat.of().formatHex(d, 0, 16);
    }

    @Test
    void idsAreTheDigestOfTheirPartsAndDoNotCarryOverBetweenCalls() throws Exception {
        // The digest is reused per thread: each id must start from a fresh state, whatever came before.
        for (int round = 0; round < 3; round++) {
            assertThat(DeterministicId.of("pnl-", "strategy|acme|s1", 1_000))
                    .isEqualTo(expected("pnl-", null, "strategy|acme|s1", "1000"));
            assertThat(DeterministicId.ofBytes("dlq-", new byte[] {1, 2, 3}, "topic", 7))
                    .isEqualTo(expected("dlq-", new byte[] {1, 2, 3}, "topic", "7"));
            assertThat(DeterministicId.of("x-", "ü€", null)).isEqualTo(expected("x-", null, "ü€", "null"));
        }
    }

    @Test
    void threadsGetTheSameIds() throws Exception {
        String[] fromOther = new String[1];
        Thread t = new Thread(() -> fromOther[0] = DeterministicId.of("pnl-", "org|acme|", 42));
        t.start();
        t.join();
        assertThat(fromOther[0])
                .isEqualTo(DeterministicId.of("pnl-", "org|acme|", 42))
                .isEqualTo(expected("pnl-", null, "org|acme|", "42"));
    }
}
