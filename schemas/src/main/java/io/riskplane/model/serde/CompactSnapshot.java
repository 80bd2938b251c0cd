package io.riskplane.model.serde;

import java.io.IOException;
import java.lang.reflect.Field;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The snapshot of a compact serializer: its format version, which Flink stores with every checkpoint and savepoint.
 * State written in the current version restores as is. When a record's fields change: bump the serializer's
 * version, and override {@link #readerFor} to return a serializer that reads the old format; Flink then reads the
 * old state with it and rewrites it in the new one (compatibleAfterMigration). A version without a reader is
 * refused (incompatible), never misread.
 *
 * <p>A type that lived in keyed state as a Flink POJO before it had a compact serializer names that predecessor
 * ({@link #CompactSnapshot(int, TypeSerializer, Class)}): a POJO snapshot of that class is then compatible after
 * migration, so Flink reads the old state with the POJO serializer restored from its snapshot and writes it with
 * this one, and savepoints taken before the change still restore.
 */
public abstract class CompactSnapshot<T> implements TypeSerializerSnapshot<T> {
    private final int currentVersion;
    private final TypeSerializer<T> current;
    private final Class<T> pojoPredecessor;
    private int version;

    protected CompactSnapshot(int currentVersion, TypeSerializer<T> current) {
        this(currentVersion, current, null);
    }

    /** For a type whose state was written by Flink's PojoSerializer of pojoPredecessor before. */
    protected CompactSnapshot(int currentVersion, TypeSerializer<T> current, Class<T> pojoPredecessor) {
        this.currentVersion = currentVersion;
        this.current = current;
        this.pojoPredecessor = pojoPredecessor;
        this.version = currentVersion;
    }

    /** A serializer for an older format version, or null when that version cannot be read. */
    protected TypeSerializer<T> readerFor(int oldVersion) {
        return null;
    }

    /** The format version this snapshot describes (the current one, or the one it was read with). */
    public final int version() {
        return version;
    }

    @Override
    public final int getCurrentVersion() {
        return currentVersion;
    }

    @Override
    public final void writeSnapshot(DataOutputView out) {
        // The version that Flink writes before this is the whole configuration.
    }

    @Override
    public final void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader)
            throws IOException {
        if (readVersion < 1 || readVersion > currentVersion) {
            throw new IOException(getClass().getName() + ": format version " + readVersion
                    + " is not known to this build (current " + currentVersion + ")");
        }
        version = readVersion;
    }

    @Override
    public final TypeSerializer<T> restoreSerializer() {
        TypeSerializer<T> s = version == currentVersion ? current : readerFor(version);
        if (s == null) {
            throw new IllegalStateException(getClass().getName() + ": no reader for format version " + version);
        }
        return s;
    }

    /** Called on the new serializer's snapshot with the one the state was written with. */
    @Override
    public final TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> old) {
        if (pojoPredecessor != null
                && old instanceof PojoSerializerSnapshot<T> pojo
                && pojoClass(pojo) == pojoPredecessor) {
            return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
        if (old == null || old.getClass() != getClass()) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        int oldVersion = ((CompactSnapshot<T>) old).version;
        if (oldVersion == currentVersion) {
            return TypeSerializerSchemaCompatibility.compatibleAsIs();
        }
        return readerFor(oldVersion) != null
                ? TypeSerializerSchemaCompatibility.compatibleAfterMigration()
                : TypeSerializerSchemaCompatibility.incompatible();
    }

    /** The class a POJO snapshot describes (Flink keeps it package-private), or null when it cannot be told. */
    private static Class<?> pojoClass(PojoSerializerSnapshot<?> pojo) {
        try {
            TypeSerializer<?> restored = pojo.restoreSerializer();
            if (!(restored instanceof PojoSerializer<?>)) {
                return null;
            }
            Field clazz = PojoSerializer.class.getDeclaredField("clazz");
            clazz.setAccessible(true);
            return (Class<?>) clazz.get(restored);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // refused as incompatible, never misread
        }
    }
}
