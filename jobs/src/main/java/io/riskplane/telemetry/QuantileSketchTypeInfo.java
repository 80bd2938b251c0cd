package io.riskplane.telemetry;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Flink type information for {@link QuantileSketch}: its own compact encoding instead of Kryo. */
public final class QuantileSketchTypeInfo extends TypeInformation<QuantileSketch> {
    private static final long serialVersionUID = 1L;

    /** Picked up through the @TypeInfo annotation on QuantileSketch. */
    public static final class Factory extends TypeInfoFactory<QuantileSketch> {
        @Override
        public TypeInformation<QuantileSketch> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return new QuantileSketchTypeInfo();
        }
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<QuantileSketch> getTypeClass() {
        return QuantileSketch.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<QuantileSketch> createSerializer(SerializerConfig config) {
        return Serializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "QuantileSketch";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof QuantileSketchTypeInfo;
    }

    @Override
    public int hashCode() {
        return QuantileSketchTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof QuantileSketchTypeInfo;
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
