package io.riskplane.telemetry;

import io.riskplane.model.serde.CompactTypeInfo;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink type information for {@link QuantileSketch}: its own compact encoding instead of Kryo, as an atomic type like
 * every record with a compact serializer ({@link CompactTypeInfo}).
 */
public final class QuantileSketchTypeInfo {
    private QuantileSketchTypeInfo() {}

    /** Picked up through the @TypeInfo annotation on QuantileSketch. */
    public static final class Factory extends CompactTypeInfo.Factory<QuantileSketch> {
        public Factory() {
            super(QuantileSketch.class, Serializer.INSTANCE);
        }
    }

    /** The type information the factory gives. */
    public static TypeInformation<QuantileSketch> typeInfo() {
        return new CompactTypeInfo<>(QuantileSketch.class, Serializer.INSTANCE);
    }

    /** Length-prefixed DDSketch encoding. */
    public static final class Serializer extends TypeSerializerSingleton<QuantileSketch> {
        private static final long serialVersionUID = 1L;
        static final Serializer INSTANCE = new Serializer();

        @Override
        public boolean isImmutableType() {
            return false;
        }

        @Override
        public QuantileSketch createInstance() {
            return new QuantileSketch();
        }

        @Override
        public QuantileSketch copy(QuantileSketch from) {
            return from.copy();
        }

        @Override
        public QuantileSketch copy(QuantileSketch from, QuantileSketch reuse) {
            return from.copy();
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(QuantileSketch record, DataOutputView target) throws IOException {
            byte[] b = record.toBytes();
            target.writeInt(b.length);
            target.write(b);
        }

        @Override
        public QuantileSketch deserialize(DataInputView source) throws IOException {
            byte[] b = new byte[source.readInt()];
            source.readFully(b);
            return QuantileSketch.fromBytes(b);
        }

        @Override
        public QuantileSketch deserialize(QuantileSketch reuse, DataInputView source) throws IOException {
            return deserialize(source);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            int n = source.readInt();
            target.writeInt(n);
            target.write(source, n);
        }

        @Override
        public TypeSerializerSnapshot<QuantileSketch> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    /** Serializer snapshot; the encoding is DDSketch's own, versioned by the library. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<QuantileSketch> {
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
