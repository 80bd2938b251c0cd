package io.riskplane.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Order;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The canonical JSON printer against Protobuf's own JsonFormat, the reference, on random envelopes of every kind. */
class EnvelopeJsonTest {
    private static final JsonFormat.Printer REFERENCE = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final String[] PIECES = {
        "a",
        "BTC-USD",
        "é",
        "日本",
        "\uD83D\uDE00",
        "\uD800",
        "<",
        ">",
        "&",
        "=",
        "'",
        "\"",
        "\\",
        "/",
        "\n",
        "\t",
        "\r",
        "\b",
        "\f",
        "\u0000",
        "\u0001",
        "\u001f",
        "\u007f",
        "\u2028",
        "\u2029",
        " ",
        "{}",
        "%s"
    };
    private static final double[] DOUBLES = {
        0.1,
        -0.0,
        1e-300,
        1e21,
        1e7,
        1e-3,
        123456.789,
        -42,
        Double.NaN,
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY,
        Double.MIN_VALUE,
        Double.MAX_VALUE,
        96_000.5,
        0.62
    };

    @Test
    void printsEveryRandomEnvelopeExactlyAsJsonFormat() throws Exception {
        Random random = new Random(20261205);
        assertThat(CanonicalJsonPrinter.supports(Envelope.getDescriptor())).isTrue();
        for (int i = 0; i < 20_000; i++) {
            Envelope e = (Envelope) fill(Envelope.newBuilder(), random, 0).build();
            String reference = REFERENCE.print(e);
            assertThat(CanonicalJsonPrinter.print(e))
                    .as("envelope %d: %s", i, e)
                    .isEqualTo(reference);
            assertThat(EnvelopeJson.print(e.toBuilder())).isEqualTo(reference);
        }
    }

    @Test
    void timestampsInEveryPrecision() throws Exception {
        long[] seconds = {-62_135_596_800L, 0, 1, 1_764_900_000L, 253_402_300_799L, 951_782_400L /* 2000-02-29 */};
        int[] nanos = {0, 1, 999_999_999, 1_000, 123_000, 1_000_000, 120_000_000, 100, 500_000_001};
        for (long s : seconds) {
            for (int n : nanos) {
                Envelope e = Envelope.newBuilder()
                        .setEventId("t")
                        .setEventTime(Timestamp.newBuilder().setSeconds(s).setNanos(n))
                        .build();
                assertThat(EnvelopeJson.print(e)).isEqualTo(REFERENCE.print(e));
            }
        }
        assertThat(EnvelopeJson.print(Envelope.newBuilder()
                        .setEventTime(Timestamp.newBuilder()
                                .setSeconds(1_764_900_000L)
                                .setNanos(5_000_000))
                        .build()))
                .isEqualTo("{\"eventTime\":\"2025-12-05T02:00:00.005Z\"}");
    }

    @Test
    void aTimestampJsonFormatRefusesIsRefusedTheSameWay() {
        Envelope outOfRange = Envelope.newBuilder()
                .setEventTime(Timestamp.newBuilder().setSeconds(253_402_300_800L))
                .build();
        Envelope negativeNanos = Envelope.newBuilder()
                .setEventTime(Timestamp.newBuilder().setSeconds(1).setNanos(-1))
                .build();
        assertThatThrownBy(() -> REFERENCE.print(outOfRange)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnvelopeJson.print(outOfRange)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnvelopeJson.print(negativeNanos)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnknownEnumNumberPrintsAsItsNumber() throws Exception {
        Envelope e = Envelope.newBuilder()
                .setOrder(Order.newBuilder().setSideValue(77))
                .build();
        assertThat(EnvelopeJson.print(e)).isEqualTo(REFERENCE.print(e)).contains("77");
    }

    @Test
    void roundTripsThroughTheParser() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            Envelope e = (Envelope) fill(Envelope.newBuilder(), random, 0).build();
            String json = EnvelopeJson.print(e);
            // NaN is not equal to itself; JsonFormat's parser reads -0.0 as 0.
            if (!json.contains("NaN") && !json.contains("-0.0")) {
                assertThat(EnvelopeJson.parse(json)).isEqualTo(e);
            }
        }
    }

    private static Message.Builder fill(Message.Builder b, Random random, int depth) {
        var type = b.getDescriptorForType();
        if (type.getFullName().equals("google.protobuf.Timestamp")) {
            long seconds = random.nextInt(4) == 0 ? 0 : 1_600_000_000L + random.nextInt(400_000_000);
            int nanos =
                    switch (random.nextInt(4)) {
                        case 0 -> 0;
                        case 1 -> random.nextInt(1000) * 1_000_000;
                        case 2 -> random.nextInt(1_000_000) * 1_000;
                        default -> random.nextInt(1_000_000_000);
                    };
            return b.setField(type.findFieldByName("seconds"), seconds).setField(type.findFieldByName("nanos"), nanos);
        }
        for (OneofDescriptor oneof : type.getRealOneofs()) {
            if (depth == 0 || random.nextBoolean()) {
                FieldDescriptor f = oneof.getField(random.nextInt(oneof.getFieldCount()));
                set(b, f, random, depth);
            }
        }
        for (FieldDescriptor f : type.getFields()) {
            if (f.getRealContainingOneof() == null && random.nextInt(3) != 0) {
                set(b, f, random, depth);
            }
        }
        return b;
    }

    private static void set(Message.Builder b, FieldDescriptor f, Random random, int depth) {
        if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth > 4) {
            return;
        }
        if (f.isMapField()) {
            for (int i = random.nextInt(4); i > 0; i--) {
                Message.Builder entry = b.newBuilderForField(f);
                var entryType = entry.getDescriptorForType();
                entry.setField(
                        entryType.findFieldByName("key"), value(entryType.findFieldByName("key"), random, b, depth));
                entry.setField(
                        entryType.findFieldByName("value"),
                        value(entryType.findFieldByName("value"), random, entry, depth));
                b.addRepeatedField(f, entry.build());
            }
        } else if (f.isRepeated()) {
            for (int i = random.nextInt(4); i > 0; i--) {
                b.addRepeatedField(f, value(f, random, b, depth));
            }
        } else {
            b.setField(f, value(f, random, b, depth));
        }
    }

    private static Object value(FieldDescriptor f, Random random, Message.Builder parent, int depth) {
        return switch (f.getJavaType()) {
            case INT -> random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(100);
            case LONG -> random.nextInt(3) == 0 ? random.nextLong() : (long) random.nextInt(1_000_000);
            case FLOAT -> (float) DOUBLES[random.nextInt(DOUBLES.length)];
            case DOUBLE -> random.nextBoolean() ? DOUBLES[random.nextInt(DOUBLES.length)] : random.nextDouble() * 1e4;
            case BOOLEAN -> random.nextBoolean();
            case STRING -> text(random);
            case BYTE_STRING -> ByteString.copyFrom(text(random).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            case ENUM -> {
                EnumDescriptor e = f.getEnumType();
                yield e.getValues().get(random.nextInt(e.getValues().size()));
            }
            case MESSAGE ->
                fill(parent.newBuilderForField(f), random, depth + 1).build();
        };
    }

    private static String text(Random random) {
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(5); i > 0; i--) {
            s.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return s.toString();
    }
}
