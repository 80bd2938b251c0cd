package io.riskplane.serde;

import io.riskplane.model.BookEvent;
import io.riskplane.model.PnlBar;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.TelemetryWindow;
import io.riskplane.model.serde.BookEventSerializer;
import io.riskplane.model.serde.PnlBarSerializer;
import io.riskplane.model.serde.PnlSnapshotSerializer;
import io.riskplane.model.serde.TelemetryWindowSerializer;
import io.riskplane.pnl.EquityComponent;
import io.riskplane.pnl.EquityComponentSerializer;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.BasicArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.ByteArrayOutputStreamWithPos;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Serialized size and time per million round trips of the quote-path records, Flink's POJO serializer (what
 * TypeExtractor built for these records before they had compact serializers) against the compact ones. Run once
 * for docs/benchmark.md: {@code -Driskplane.footprint=true -Dtest=SerializerFootprintTest}. It asserts nothing.
 */
@EnabledIfSystemProperty(named = "riskplane.footprint", matches = "true")
class SerializerFootprintTest {
    private static final int ROUND_TRIPS = 1_000_000;

    @Test
    void printFootprint() throws Exception {
        BookEvent quote = BookEvent.quote(
                "q-coinbase-BTC-USD-000123456", 1_765_000_000_123L, "BTC-USD", "coinbase", 97_123.45, 97_125.10);
        BookEvent fill = BookEvent.fill(
                "f-acme-000004567",
                "fill-000004567",
                "ord-000004567",
                "kraken-rest",
                1_765_000_000_456L,
                "acme",
                "momentum-btc",
                "BTC-USD",
                "kraken",
                1,
                0.25,
                97_124.0,
                1.2);
        EquityComponent component = new EquityComponent(
                PnlSnapshot.STRATEGY,
                "acme",
                "momentum-btc",
                "BTC-USD",
                1_765_000_000_456L,
                1_234.5,
                12.25,
                -345.75,
                new String[] {"f-acme-000004567"});
        PnlSnapshot snapshot = new PnlSnapshot(
                "pnl-3f2a9c0d5e7b1a46",
                PnlSnapshot.STRATEGY,
                "acme",
                "momentum-btc",
                1_765_000_000_456L,
                "2026-12-05",
                1_234.5,
                12.25,
                -345.75,
                888.75,
                1_500.0,
                1_764_999_000_000L,
                611.25,
                0.4075,
                -120.5,
                1_009.25,
                new String[] {"f-acme-000004567"});
        System.out.println("record | serializer | bytes (network) | ns per round trip, network | "
                + "ns per round trip, checkpoint stream");
        run("BookEvent (quote)", quote, pojo(BookEvent.class), BookEventSerializer.INSTANCE);
        run("BookEvent (fill)", fill, pojo(BookEvent.class), BookEventSerializer.INSTANCE);
        run("EquityComponent", component, pojo(EquityComponent.class), EquityComponentSerializer.INSTANCE);
        run("PnlSnapshot", snapshot, pojo(PnlSnapshot.class), PnlSnapshotSerializer.INSTANCE);
        PnlBar bar = new PnlBar(
                "bar-3f2a9c0d5e7b1a46",
                PnlSnapshot.STRATEGY,
                "acme",
                "momentum-btc",
                1_765_000_000_000L,
                1_765_000_000_456L,
                false,
                "2026-12-05",
                1_000.0,
                1_100.5,
                990.25,
                1_050.0,
                110.25,
                0.1002,
                12.5,
                1.25,
                37.5,
                1_100.5,
                1_764_999_000_000L,
                50.5,
                0.0459,
                -3.5,
                1_053.5,
                7,
                "pnl-3f2a9c0d5e7b1a46",
                "pnl-9a1b2c3d4e5f6071",
                new String[] {"f-acme-000004567", "q-000123456"});
        run("PnlBar", bar, pojo(PnlBar.class), PnlBarSerializer.INSTANCE);
        TelemetryWindow window = new TelemetryWindow(
                "tw-3f2a9c0d5e7b1a46",
                "5m",
                1_765_000_000_000L,
                1_765_000_300_000L,
                "strategy",
                "acme",
                "momentum-btc",
                "",
                "",
                "",
                "",
                12,
                3.5,
                3.25,
                0.9286,
                9,
                1.5,
                1.25,
                4.75,
                -0.5,
                2.25,
                12.0,
                30.5,
                41.0,
                80.0,
                120.5,
                180.25,
                1,
                0.0833,
                "VENUE_REJECT=1",
                2,
                0.1667,
                "latency=1,unspecified=1",
                40,
                0.35,
                0.6,
                0.9,
                150.0,
                300.0,
                310.5,
                2.5,
                9.75);
        run("TelemetryWindow", window, pojo(TelemetryWindow.class), TelemetryWindowSerializer.INSTANCE);
    }

    private static final int WARM_UP_ROUNDS = 2;
    private static final int ROUNDS = 7;

    /** Alternates the two serializers; prints the median of the measured rounds (the machine is shared). */
    private static <T> void run(String name, T value, TypeSerializer<T> before, TypeSerializer<T> after)
            throws IOException {
        long[][] pojo = new long[2][ROUNDS];
        long[][] compact = new long[2][ROUNDS];
        for (int round = -WARM_UP_ROUNDS; round < ROUNDS; round++) {
            long[] p = measure(value, before);
            long[] c = measure(value, after);
            if (round >= 0) {
                pojo[0][round] = p[0];
                pojo[1][round] = p[1];
                compact[0][round] = c[0];
                compact[1][round] = c[1];
            }
        }
        print(name, "POJO", size(value, before), pojo);
        print(name, "compact", size(value, after), compact);
    }

    private static void print(String name, String kind, int size, long[][] nanos) {
        System.out.printf(
                "%s | %s | %d | %.0f | %.0f%n",
                name, kind, size, median(nanos[0]) / (double) ROUND_TRIPS, median(nanos[1]) / (double) ROUND_TRIPS);
    }

    private static long median(long[] v) {
        long[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }

    private static <T> int size(T value, TypeSerializer<T> s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(512);
        s.serialize(value, out);
        return out.length();
    }

    /** Nanoseconds for ROUND_TRIPS round trips: through a network buffer, and through a checkpoint stream. */
    private static <T> long[] measure(T value, TypeSerializer<T> s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(512);
        DataInputDeserializer in = new DataInputDeserializer();
        long sink = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < ROUND_TRIPS; i++) {
            out.clear();
            s.serialize(value, out);
            in.setBuffer(out.getSharedBuffer(), 0, out.length());
            sink += s.deserialize(in).hashCode();
        }
        long network = System.nanoTime() - t0;
        // Heap checkpoints write through a DataOutputStream wrapper, as the checkpoint streams do.
        ByteArrayOutputStreamWithPos bytes = new ByteArrayOutputStreamWithPos(512);
        DataOutputViewStreamWrapper stream = new DataOutputViewStreamWrapper(bytes);
        t0 = System.nanoTime();
        for (int i = 0; i < ROUND_TRIPS; i++) {
            bytes.reset();
            s.serialize(value, stream);
            in.setBuffer(bytes.getBuf(), 0, bytes.getPosition());
            sink += s.deserialize(in).hashCode();
        }
        long checkpoint = System.nanoTime() - t0;
        if (sink == 42) {
            System.out.print(""); // keeps the results alive for the JIT
        }
        return new long[] {network, checkpoint};
    }

    /** The POJO serializer that TypeExtractor derived for these records before they had a @TypeInfo. */
    @SuppressWarnings("unchecked")
    static <T> TypeSerializer<T> pojo(Class<T> type) {
        Map<String, TypeInformation<?>> fields = new LinkedHashMap<>();
        for (RecordComponent c : type.getRecordComponents()) {
            if (c.getName().equals("scopeKey")) {
                continue; // derived, and added with the compact serializers: the records had no such field before
            }
            fields.put(c.getName(), fieldType(c.getGenericType()));
        }
        return ((TypeInformation<T>) Types.POJO(type, fields)).createSerializer(new SerializerConfigImpl());
    }

    private static TypeInformation<?> fieldType(Type t) {
        if (t == int.class) {
            return Types.INT;
        } else if (t == long.class) {
            return Types.LONG;
        } else if (t == double.class || t == Double.class) {
            return Types.DOUBLE;
        } else if (t == boolean.class) {
            return Types.BOOLEAN;
        } else if (t == String.class) {
            return Types.STRING;
        } else if (t == String[].class) {
            return BasicArrayTypeInfo.STRING_ARRAY_TYPE_INFO;
        }
        throw new IllegalArgumentException("no POJO field type for " + t);
    }
}
