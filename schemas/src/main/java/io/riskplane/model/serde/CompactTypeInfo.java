package io.riskplane.model.serde;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink type information of a record with a compact serializer: an atomic type (not a POJO), so Flink neither
 * analyses its fields nor falls back to Kryo. A record gets it through {@code @TypeInfo(XSerializer.Factory.class)},
 * which TypeExtractor honours wherever TypeInformation.of(X.class), Types.LIST(...), a function's generic output
 * type or a POJO field of type X is resolved.
 */
public final class CompactTypeInfo<T> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final TypeSerializer<T> serializer;

    public CompactTypeInfo(Class<T> type, TypeSerializer<T> serializer) {
        this.type = type;
        this.serializer = serializer;
    }

    /** The factory that @TypeInfo names; each record's serializer has a no-arg subclass. */
    public abstract static class Factory<T> extends TypeInfoFactory<T> {
        private final CompactTypeInfo<T> info;

        protected Factory(Class<T> type, TypeSerializer<T> serializer) {
            this.info = new CompactTypeInfo<>(type, serializer);
        }

        @Override
        public TypeInformation<T> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return info;
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
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return serializer;
    }

    @Override
    public String toString() {
        return "Compact<" + type.getSimpleName() + ">";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof CompactTypeInfo<?> o && o.type == type && o.serializer.equals(serializer);
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof CompactTypeInfo;
    }
}
