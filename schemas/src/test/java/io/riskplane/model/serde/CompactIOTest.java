package io.riskplane.model.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The byte layout of the field encodings, written out by hand. */
class CompactIOTest {
    private interface Write {
        void to(DataOutputSerializer out) throws IOException;
    }

    private static byte[] bytes(Write w) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(16);
        w.to(out);
        return out.getCopyOfBuffer();
    }

    private static byte[] b(int... v) {
        byte[] r = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = (byte) v[i];
        }
        return r;
    }

    @Test
    void stringsAreAHeaderAndTheirUtf8Bytes() throws IOException {
        assertThat(bytes(o -> CompactIO.writeString(o, null))).containsExactly(b(0));
        assertThat(bytes(o -> CompactIO.writeString(o, ""))).containsExactly(b(2));
        assertThat(bytes(o -> CompactIO.writeString(o, "ab"))).containsExactly(b(6, 'a', 'b'));
        assertThat(bytes(o -> CompactIO.writeString(o, "é"))).containsExactly(b(6, 0xC3, 0xA9));
        // An unpaired surrogate cannot be UTF-8: its chars are written as UTF-16 (odd header).
        assertThat(bytes(o -> CompactIO.writeString(o, "?\uD800"))).containsExactly(b(7, 0, '?', 0xD8, 0x00));
        // 100 bytes: header 2 * 101 = 202 takes two varint bytes.
        assertThat(bytes(o -> CompactIO.writeString(o, "x".repeat(100))))
                .startsWith(b(0xCA, 0x01, 'x'))
                .hasSize(102);
    }

    @Test
    void everyStringComesBackUnchanged() throws IOException {
        String[] strings = {null, "", "a", "?", "é", "適配器", "\uD83D\uDE00", "\uD800", "a\uDC00?", "x".repeat(70_000)};
        DataOutputSerializer out = new DataOutputSerializer(16);
        for (String s : strings) {
            CompactIO.writeString(out, s);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        for (String s : strings) {
            assertThat(CompactIO.readString(in)).isEqualTo(s);
        }
        assertThat(in.available()).isZero();
    }

    @Test
    void arraysMapsBytesAndBoxedDoubles() throws IOException {
        assertThat(bytes(o -> CompactIO.writeStringArray(o, null))).containsExactly(b(0));
        assertThat(bytes(o -> CompactIO.writeStringArray(o, new String[0]))).containsExactly(b(1));
        assertThat(bytes(o -> CompactIO.writeStringArray(o, new String[] {"a", null})))
                .containsExactly(b(3, 4, 'a', 0));
        assertThat(bytes(o -> CompactIO.writeBytes(o, new byte[] {9}))).containsExactly(b(2, 9));
        assertThat(bytes(o -> CompactIO.writeNullableDouble(o, null))).containsExactly(b(0));
        assertThat(bytes(o -> CompactIO.writeNullableDouble(o, 1.0)))
                .containsExactly(b(1, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0));

        Map<String, Double> m = new HashMap<>();
        m.put("k", null);
        m.put("é", Double.NaN);
        DataOutputSerializer out = new DataOutputSerializer(16);
        CompactIO.writeDoubleMap(out, m);
        CompactIO.writeDoubleMap(out, null);
        CompactIO.writeDoubleMap(out, Map.of());
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        assertThat(CompactIO.readDoubleMap(in)).isEqualTo(m);
        assertThat(CompactIO.readDoubleMap(in)).isNull();
        assertThat(CompactIO.readDoubleMap(in)).isEmpty();
    }

    @Test
    void varIntsUpToTheLargestInt() throws IOException {
        int[] values = {0, 1, 127, 128, 16_383, 16_384, Integer.MAX_VALUE};
        DataOutputSerializer out = new DataOutputSerializer(16);
        for (int v : values) {
            CompactIO.writeVarInt(out, v);
        }
        assertThat(out.length()).isEqualTo(1 + 1 + 1 + 2 + 2 + 3 + 5);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        for (int v : values) {
            assertThat(CompactIO.readVarInt(in)).isEqualTo(v);
        }
    }
}
