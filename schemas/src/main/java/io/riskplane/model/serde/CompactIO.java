package io.riskplane.model.serde;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The field encodings of the compact serializers. A string is a varint header and its UTF-8 bytes in one write
 * (Flink's StringSerializer writes it one character at a time); null, empty and non-ASCII strings, arrays, maps and
 * boxed doubles all round-trip exactly.
 */
public final class CompactIO {
    private CompactIO() {}

    // String header: 0 = null; 2*(n+1) = n bytes of UTF-8; 2*(n+1)+1 = n UTF-16 chars (a string with an unpaired
    // surrogate, which UTF-8 cannot carry: getBytes would replace it with '?').
    public static void writeString(DataOutputView out, String s) throws IOException {
        if (s == null) {
            out.writeByte(0);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (mayHaveReplaced(b) && hasUnpairedSurrogate(s)) {
            writeVarInt(out, 2 * (s.length() + 1) + 1);
            for (int i = 0; i < s.length(); i++) {
                out.writeChar(s.charAt(i));
            }
            return;
        }
        writeVarInt(out, 2 * (b.length + 1));
        out.write(b);
    }

    public static String readString(DataInputView in) throws IOException {
        int h = readVarInt(in);
        if (h == 0) {
            return null;
        }
        int n = (h >>> 1) - 1;
        if ((h & 1) != 0) {
            char[] c = new char[n];
            for (int i = 0; i < n; i++) {
                c[i] = in.readChar();
            }
            return new String(c);
        }
        if (n == 0) {
            return "";
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Copies one string from in to out without decoding it. */
    public static void copyString(DataInputView in, DataOutputView out) throws IOException {
        int h = readVarInt(in);
        writeVarInt(out, h);
        if (h != 0) {
            int n = (h >>> 1) - 1;
            out.write(in, (h & 1) != 0 ? 2 * n : n);
        }
    }

    /** String.getBytes replaces an unpaired surrogate with '?': only then is the slow check needed. */
    private static boolean mayHaveReplaced(byte[] b) {
        for (byte x : b) {
            if (x == '?') {
                return true;
            }
        }
        return false;
    }

    private static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** Count + items; null distinct from empty. */
    public static void writeStringArray(DataOutputView out, String[] a) throws IOException {
        if (a == null) {
            out.writeByte(0);
            return;
        }
        writeVarInt(out, a.length + 1);
        for (String s : a) {
            writeString(out, s);
        }
    }

    public static String[] readStringArray(DataInputView in) throws IOException {
        int h = readVarInt(in);
        if (h == 0) {
            return null;
        }
        String[] a = new String[h - 1];
        for (int i = 0; i < a.length; i++) {
            a[i] = readString(in);
        }
        return a;
    }

    public static void writeBytes(DataOutputView out, byte[] b) throws IOException {
        if (b == null) {
            out.writeByte(0);
            return;
        }
        writeVarInt(out, b.length + 1);
        out.write(b);
    }

    public static byte[] readBytes(DataInputView in) throws IOException {
        int h = readVarInt(in);
        if (h == 0) {
            return null;
        }
        byte[] b = new byte[h - 1];
        in.readFully(b);
        return b;
    }

    public static void writeNullableDouble(DataOutputView out, Double d) throws IOException {
        if (d == null) {
            out.writeBoolean(false);
        } else {
            out.writeBoolean(true);
            out.writeDouble(d);
        }
    }

    public static Double readNullableDouble(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readDouble() : null;
    }

    /** Count + (key, nullable value) pairs; read back as a HashMap, as Flink's MapSerializer does. */
    public static void writeDoubleMap(DataOutputView out, Map<String, Double> m) throws IOException {
        if (m == null) {
            out.writeByte(0);
            return;
        }
        writeVarInt(out, m.size() + 1);
        for (Map.Entry<String, Double> e : m.entrySet()) {
            writeString(out, e.getKey());
            writeNullableDouble(out, e.getValue());
        }
    }

    public static Map<String, Double> readDoubleMap(DataInputView in) throws IOException {
        int h = readVarInt(in);
        if (h == 0) {
            return null;
        }
        Map<String, Double> m = new HashMap<>(Math.max(4, (h - 1) * 4 / 3 + 1));
        for (int i = 0; i < h - 1; i++) {
            m.put(readString(in), readNullableDouble(in));
        }
        return m;
    }

    /** Unsigned LEB128: a length under 128 takes one byte. */
    public static void writeVarInt(DataOutputView out, int v) throws IOException {
        while ((v & ~0x7F) != 0) {
            out.writeByte((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.writeByte(v);
    }

    public static int readVarInt(DataInputView in) throws IOException {
        int v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            byte b = in.readByte();
            v |= (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new IOException("malformed varint");
    }
}
