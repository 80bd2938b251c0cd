package io.riskplane.contract;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageOrBuilder;
import java.math.BigInteger;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prints a message exactly as {@code JsonFormat.printer().omittingInsignificantWhitespace()} does, at well under
 * half the cost (4.8% of the bench's profile samples against 11.7%). The plane prints every archived input event
 * this way, and JsonFormat spent most of its time on timestamps (a serialization round trip, SimpleDateFormat and
 * String.format per timestamp) and on Gson for each string. The same fields in the same order (getAllFields), the
 * same number forms (Double.toString, 64-bit integers quoted), Gson's HTML-safe string escaping, RFC 3339 timestamps
 * with 0, 3, 6 or 9 fractional digits.
 * {@link #supports} is false for messages that reach a well-known type other than Timestamp (Any, Struct, Duration,
 * wrappers, ...): those stay with JsonFormat. EnvelopeJsonTest compares the two byte for byte.
 */
final class CanonicalJsonPrinter {
    private static final String TIMESTAMP = "google.protobuf.Timestamp";
    /** Timestamps.toString's range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z. */
    private static final long MIN_SECONDS = -62_135_596_800L;

    private static final long MAX_SECONDS = 253_402_300_799L;
    private static final Map<Descriptor, Boolean> SUPPORTED = new ConcurrentHashMap<>();
    private static final String[] ESCAPES = new String[128];

    static {
        // Gson's HTML-safe replacements, which JsonFormat uses for every string.
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = String.format("\\u%04x", c);
        }
        ESCAPES['"'] = "\\\"";
        ESCAPES['\\'] = "\\\\";
        ESCAPES['\t'] = "\\t";
        ESCAPES['\b'] = "\\b";
        ESCAPES['\n'] = "\\n";
        ESCAPES['\r'] = "\\r";
        ESCAPES['\f'] = "\\f";
        ESCAPES['<'] = "\\u003c";
        ESCAPES['>'] = "\\u003e";
        ESCAPES['&'] = "\\u0026";
        ESCAPES['='] = "\\u003d";
        ESCAPES['\''] = "\\u0027";
    }

    private CanonicalJsonPrinter() {}

    /** Whether every message type reachable from {@code type} prints here (no well-known type but Timestamp). */
    static boolean supports(Descriptor type) {
        Boolean known = SUPPORTED.get(type);
        if (known == null) {
            known = supports(type, new java.util.HashSet<>());
            SUPPORTED.put(type, known);
        }
        return known;
    }

    private static boolean supports(Descriptor type, java.util.Set<Descriptor> seen) {
        if (!seen.add(type)) {
            return true;
        }
        String name = type.getFullName();
        if (name.equals(TIMESTAMP)) {
            return true;
        }
        if (name.startsWith("google.protobuf.")) {
            return false;
        }
        for (FieldDescriptor f : type.getFields()) {
            if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !supports(f.getMessageType(), seen)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The message's JSON, or null when JsonFormat must print it: a type {@link #supports} rejects, or a timestamp out
     * of Timestamps' range (JsonFormat refuses it, and the caller should see its error).
     */
    static String print(MessageOrBuilder message) {
        if (!supports(message.getDescriptorForType())) {
            return null;
        }
        StringBuilder out = new StringBuilder(256);
        return message(message, out) ? out.toString() : null;
    }

    private static boolean message(MessageOrBuilder message, StringBuilder out) {
        if (message.getDescriptorForType().getFullName().equals(TIMESTAMP)) {
            return timestamp(message, out);
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            FieldDescriptor field = e.getKey();
            out.append('"').append(field.getJsonName()).append("\":");
            if (field.isMapField()) {
                if (!map(field, (List<?>) e.getValue(), out)) {
                    return false;
                }
            } else if (field.isRepeated()) {
                out.append('[');
                boolean firstElement = true;
                for (Object element : (List<?>) e.getValue()) {
                    if (!firstElement) {
                        out.append(',');
                    }
                    firstElement = false;
                    if (!value(field, element, false, out)) {
                        return false;
                    }
                }
                out.append(']');
            } else if (!value(field, e.getValue(), false, out)) {
                return false;
            }
        }
        out.append('}');
        return true;
    }

    private static boolean map(FieldDescriptor field, List<?> entries, StringBuilder out) {
        Descriptor entryType = field.getMessageType();
        FieldDescriptor keyField = entryType.findFieldByName("key");
        FieldDescriptor valueField = entryType.findFieldByName("value");
        out.append('{');
        boolean first = true;
        for (Object element : entries) {
            MessageOrBuilder entry = (MessageOrBuilder) element;
            if (!first) {
                out.append(',');
            }
            first = false;
            value(keyField, entry.getField(keyField), true, out);
            out.append(':');
            if (!value(valueField, entry.getField(valueField), false, out)) {
                return false;
            }
        }
        out.append('}');
        return true;
    }

    private static boolean value(FieldDescriptor field, Object value, boolean quoted, StringBuilder out) {
        switch (field.getType()) {
            case INT32, SINT32, SFIXED32 -> quotedIf(quoted, out, Integer.toString((Integer) value));
            case INT64, SINT64, SFIXED64 ->
                out.append('"').append((long) (Long) value).append('"');
            case UINT32, FIXED32 -> quotedIf(quoted, out, Integer.toUnsignedString((Integer) value));
            case UINT64, FIXED64 ->
                out.append('"').append(unsigned((Long) value)).append('"');
            case BOOL -> quotedIf(quoted, out, ((Boolean) value) ? "true" : "false");
            case FLOAT -> {
                float f = (Float) value;
                if (Float.isNaN(f) || Float.isInfinite(f)) {
                    out.append(Float.isNaN(f) ? "\"NaN\"" : f < 0 ? "\"-Infinity\"" : "\"Infinity\"");
                } else {
                    quotedIf(quoted, out, Float.toString(f));
                }
            }
            case DOUBLE -> {
                double d = (Double) value;
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    out.append(Double.isNaN(d) ? "\"NaN\"" : d < 0 ? "\"-Infinity\"" : "\"Infinity\"");
                } else {
                    quotedIf(quoted, out, Double.toString(d));
                }
            }
            case STRING -> string((String) value, out);
            case BYTES ->
                out.append('"')
                        .append(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()))
                        .append('"');
            case ENUM -> {
                EnumValueDescriptor v = (EnumValueDescriptor) value;
                if (v.getIndex() == -1) {
                    out.append(v.getNumber()); // a number this schema does not know
                } else {
                    out.append('"').append(v.getName()).append('"');
                }
            }
            case MESSAGE, GROUP -> {
                return message((MessageOrBuilder) value, out);
            }
        }
        return true;
    }

    private static void quotedIf(boolean quoted, StringBuilder out, String text) {
        if (quoted) {
            out.append('"').append(text).append('"');
        } else {
            out.append(text);
        }
    }

    private static String unsigned(long value) {
        return value >= 0
                ? Long.toString(value)
                : BigInteger.valueOf(value & Long.MAX_VALUE).setBit(63).toString();
    }

    /** Gson's HTML-safe string form. */
    static void string(String s, StringBuilder out) {
        out.append('"');
        int last = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            String replacement;
            if (c < 128) {
                replacement = ESCAPES[c];
                if (replacement == null) {
                    continue;
                }
            } else if (c == '\u2028') {
                replacement = "\\u2028";
            } else if (c == '\u2029') {
                replacement = "\\u2029";
            } else {
                continue;
            }
            out.append(s, last, i).append(replacement);
            last = i + 1;
        }
        out.append(s, last, n).append('"');
    }

    private static boolean timestamp(MessageOrBuilder t, StringBuilder out) {
        long seconds;
        int nanos;
        if (t instanceof com.google.protobuf.TimestampOrBuilder ts) {
            seconds = ts.getSeconds();
            nanos = ts.getNanos();
        } else {
            Descriptor d = t.getDescriptorForType();
            seconds = (Long) t.getField(d.findFieldByName("seconds"));
            nanos = (Integer) t.getField(d.findFieldByName("nanos"));
        }
        if (seconds < MIN_SECONDS || seconds > MAX_SECONDS || nanos < 0 || nanos > 999_999_999) {
            return false;
        }
        LocalDateTime at = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        out.append('"');
        pad(out, at.getYear(), 4).append('-');
        pad(out, at.getMonthValue(), 2).append('-');
        pad(out, at.getDayOfMonth(), 2).append('T');
        pad(out, at.getHour(), 2).append(':');
        pad(out, at.getMinute(), 2).append(':');
        pad(out, at.getSecond(), 2);
        if (nanos != 0) {
            out.append('.');
            if (nanos % 1_000_000 == 0) {
                pad(out, nanos / 1_000_000, 3);
            } else if (nanos % 1_000 == 0) {
                pad(out, nanos / 1_000, 6);
            } else {
                pad(out, nanos, 9);
            }
        }
        out.append("Z\"");
        return true;
    }

    private static StringBuilder pad(StringBuilder out, int value, int width) {
        for (int limit = 10, digits = 1; digits < width; limit *= 10, digits++) {
            if (value < limit) {
                out.append('0');
            }
        }
        return out.append(value);
    }
}
