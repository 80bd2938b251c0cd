package io.riskplane.model.serde;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The snapshot of a compact serializer: its format version, which Flink stores with every checkpoint and savepoint.
 * State written in the current version restores as is. When a record's fields change: bump the serializer's
 * version, and override {@link #readerFor} to return a serializer that reads the old format; Flink then reads the
 * old state with it and rewrites it in the new one (compatibleAfterMigration). A version without a reader is
 * refused (incompatible), never misread.
 */
public abstract class CompactSnapshot<T> implements TypeSerializerSnapshot<T> {
    private final int currentVersion;
    private final TypeSerializer<T> current;
    private int version;

    protected CompactSnapshot(int currentVersion, TypeSerializer<T> current) {
        this.currentVersion = currentVersion;
        this.current = current;
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
        if (old == null || old.getClass() != getClass()) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        int oldVersion = ((CompactSnapshot<T>) old).version;
        if (oldVersion == currentVersion) {
            return TypeSerializerSchemaCompatibility.compatibleAsIs();
        }
        return readerFor(oldVersion) != null ? TypeSerializerSchemaCompatibility.compatibleAfterMigration()
                : TypeSerializerSchemaCompatibility.incompatible();
    }
}
