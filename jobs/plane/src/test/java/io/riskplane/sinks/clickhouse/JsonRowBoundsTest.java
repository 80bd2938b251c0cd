package io.riskplane.sinks.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** A row's text columns are bounded: long text is cut to a prefix with its length and SHA-256. */
class JsonRowBoundsTest {
    record Note(String id, String detail) {}

    static final ClickHouseTable<Note> NOTES = ClickHouseTable.builder("notes", Note.class)
            .text("id", Note::id)
            .text("detail", Note::detail)
            .build();

    @Test
    void longTextIsCutWithItsLengthAndHash() throws Exception {
        String detail = "\u0001".repeat(160_000);
        byte[] json = NOTES.jsonRow(new Note("e1", detail));
        assertThat(NOTES.json(NOTES.rowBinary(new Note("e1", detail))))
                .as("the RowBinary row, cut the same")
                .isEqualTo(new String(json, StandardCharsets.UTF_8));
        assertThat(json.length).isLessThan(20_000); // 1,120,509 bytes before
        String cut = new ObjectMapper().readTree(json).get("detail").asText();
        String sha = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(detail.getBytes(StandardCharsets.UTF_8)));
        assertThat(cut).startsWith("\u0001".repeat(2_048) + " ...[cut: 160000 chars, sha256 " + sha + "]");
        // short text is untouched, and null is the empty string
        byte[] small = NOTES.jsonRow(new Note("x".repeat(100_000), null));
        assertThat(new ObjectMapper().readTree(small).get("id").asText()).hasSize(100_000);
        assertThat(new String(small, StandardCharsets.UTF_8)).endsWith(",\"detail\":\"\"}");
    }

    @Test
    void aColumnIsBoundOnce() {
        var b = ClickHouseTable.builder("notes", Note.class).text("id", Note::id);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.text("id", Note::detail))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("id");
    }
}
