package io.riskplane.serde;

import io.riskplane.model.BookEvent;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.serde.BookEventSerializer;
import io.riskplane.model.serde.PnlSnapshotSerializer;
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
        BookEvent quote = BookEvent.quote("q-coinbase-BTC-USD-000123456", 1_765_000_000_123L, "BTC-USD", "coinbase",
                97_123.45, 97_125.10);
        BookEvent fill = BookEvent.fill("f-acme-000004567", "fill-000004567", "ord-000004567", "kraken-rest",
                1_765_000_000_456L, "acme", "momentum-btc", "BTC-USD", "kraken", 1, 0.25, 97_124.0, 1.2);
        EquityComponent component = new EquityComponent(PnlSnapshot.STRATEGY, "acme", "momentum-btc", "BTC-USD",
                1_765_000_000_456L, 1_234.5, 12.25, -345.75, new String[] {"f-acme-000004567"});
        PnlSnapshot snapshot = new PnlSnapshot("pnl-3f2a9c0d5e7b1a46", PnlSnapshot.STRATEGY, "acme", "momentum-btc",
                1_765_000_000_456L, "2026-12-05", 1_234.5, 12.25, -345.75, 888.75, 1_500.0, 1_764_999_000_000L,
                611.25, 0.4075, -120.5, 1_009.25, new String[] {"f-acme-000004567"});
        System.out.println("record | serializer | bytes (network) | ns per round trip, network | "
                + "ns per round trip, checkpoint stream");
        run("BookEvent (quote)", quote, pojo(BookEvent.class), BookEventSerializer.INSTANCE);
        run("BookEvent (fill)", fill, pojo(BookEvent.class), BookEventSerializer.INSTANCE);
        run("EquityComponent", component, pojo(EquityComponent.class), EquityComponentSerializer.INSTANCE);
        run("PnlSnapshot", snapshot, pojo(PnlSnapshot.class), PnlSnapshotSerializer.INSTANCE);
    }

    private static <T> void run(String name, T value, TypeSerializer<T> before, TypeSerializer<T> after)
            throws IOException {
        for (int round = 0; round < 3; round++) { // the last round is printed: the first ones warm the JIT
            boolean print = round == 2;
            measure(name, "POJO", value, before, print);
            measure(name, "compact", value, after, print);
        }
    }

    private static <T> void measure(String name, String kind, T value, TypeSerializer<T> s, boolean print)
            throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(512);
        DataInputDeserializer in = new DataInputDeserializer();
        s.serialize(value, out);
        int size = out.length();
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
        if (print) {
            System.out.printf("%s | %s | %d | %.0f | %.0f   (%d)%n", name, kind, size,
                    network / (double) ROUND_TRIPS, checkpoint / (double) ROUND_TRIPS, sink & 1);
        }
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
