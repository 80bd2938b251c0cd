package io.riskplane.sinks.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** A row's text columns are bounded: long text is cut to a prefix with its length and SHA-256. */
class JsonRowBoundsTest {
    @Test
    void longTextIsCutWithItsLengthAndHash() throws Exception {
        String detail = "\u0001".repeat(160_000);
        JsonRow row = new JsonRow(new String[] {"id", "detail"});
        row.setString(1, "e1");
        row.setString(2, detail);
        byte[] json = row.toJson();
        assertThat(json.length).isLessThan(20_000); // 1,120,509 bytes before
        String cut = new ObjectMapper().readTree(json).get("detail").asText();
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(detail.getBytes(StandardCharsets.UTF_8)));
        assertThat(cut).startsWith("\u0001".repeat(2_048) + " ...[cut: 160000 chars, sha256 " + sha + "]");
        // short text is untouched
        JsonRow small = new JsonRow(new String[] {"id"});
        small.setString(1, "x".repeat(100_000));
        assertThat(new ObjectMapper().readTree(small.toJson()).get("id").asText()).hasSize(100_000);
    }
}
