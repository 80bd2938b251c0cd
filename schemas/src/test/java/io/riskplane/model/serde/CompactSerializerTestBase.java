package io.riskplane.model.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.testutils.DeeplyEqualsChecker;
import org.junit.jupiter.api.Test;

/**
 * Flink's serializer test suite (copy, duplicate, serialize individually and as a sequence, snapshot and restore,
 * Java serializability) for a compact serializer, plus every format version: a snapshot and a value written by each
 * version, kept as files under src/test/resources/serde, must restore (the current one as is, older ones after
 * migration) and read back to the expected value. A format change without a version bump fails here. To write the
 * files of a new version once: {@code -Driskplane.writeSerdeFixtures=DIR} (with only that serializer's test).
 */
public abstract class CompactSerializerTestBase<T> extends SerializerTestBase<T> {

    protected CompactSerializerTestBase() {
        this(new DeeplyEqualsChecker());
    }

    /** With the checks a type that is not a record needs (records compare component by component already). */
    protected CompactSerializerTestBase(DeeplyEqualsChecker checker) {
        super(checker.withCustomCheck(
                (a, b) -> a instanceof Record && b instanceof Record, (a, b, c) -> recordsEqual(a, b, c)));
    }

    /** The value written into the fixture of the current format version. */
    protected abstract T fixtureValue();

    /** What the fixture of an older format version reads back as today (by default the same value). */
    protected T fixtureValue(int version) {
        return fixtureValue();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected boolean allowNullInstances(TypeSerializer<T> serializer) {
        return false;
    }

    @Test
    void everyFormatVersionRestoresAndReadsItsData() throws Exception {
        int current = createSerializer().snapshotConfiguration().getCurrentVersion();
        String dir = System.getProperty("riskplane.writeSerdeFixtures");
        if (dir != null) {
            writeFixture(Path.of(dir), getTypeClass().getSimpleName() + "-v" + current);
        }
        for (int version = 1; version <= current; version++) {
            String name = getTypeClass().getSimpleName() + "-v" + version;
            DataInputDeserializer snapshotIn = new DataInputDeserializer(resource(name + ".snapshot"));
            TypeSerializerSnapshot<T> old = TypeSerializerSnapshot.readVersionedSnapshot(
                    snapshotIn, getClass().getClassLoader());
            assertThat(old.getClass())
                    .isEqualTo(createSerializer().snapshotConfiguration().getClass());
            TypeSerializerSchemaCompatibility<T> compat =
                    createSerializer().snapshotConfiguration().resolveSchemaCompatibility(old);
            if (version == current) {
                assertThat(compat.isCompatibleAsIs())
                        .as("version " + version + " state restores as is")
                        .isTrue();
            } else {
                assertThat(compat.isCompatibleAfterMigration())
                        .as("version " + version + " state migrates")
                        .isTrue();
            }
            T read = old.restoreSerializer().deserialize(new DataInputDeserializer(resource(name + ".data")));
            deepEquals(
                    "value written by version " + version,
                    version == current ? fixtureValue() : fixtureValue(version),
                    read);
        }
    }

    @Test
    void aLaterFormatVersionIsRefusedNotMisread() {
        TypeSerializerSnapshot<T> snapshot = createSerializer().snapshotConfiguration();
        int later = snapshot.getCurrentVersion() + 1;
        assertThatThrownBy(() -> snapshot.readSnapshot(
                        later,
                        new DataInputDeserializer(new byte[0]),
                        getClass().getClassLoader()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void anotherSerializersSnapshotIsIncompatible() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeSerializerSnapshot<T> other = (TypeSerializerSnapshot) new ForeignSnapshot();
        assertThat(createSerializer()
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(other)
                        .isIncompatible())
                .isTrue();
    }

    private void writeFixture(Path dir, String name) throws IOException {
        DataOutputSerializer snapshot = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(
                snapshot, createSerializer().snapshotConfiguration());
        DataOutputSerializer data = new DataOutputSerializer(256);
        createSerializer().serialize(fixtureValue(), data);
        Files.createDirectories(dir);
        Files.write(dir.resolve(name + ".snapshot"), snapshot.getCopyOfBuffer());
        Files.write(dir.resolve(name + ".data"), data.getCopyOfBuffer());
    }

    private byte[] resource(String file) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/serde/" + file)) {
            assertThat(in).as("test resource serde/" + file).isNotNull();
            return in.readAllBytes();
        }
    }

    /** Records compare arrays by reference; values read back are equal when every component is, deeply. */
    private static boolean recordsEqual(Object a, Object b, DeeplyEqualsChecker checker) {
        if (a.getClass() != b.getClass()) {
            return false;
        }
        try {
            for (RecordComponent c : a.getClass().getRecordComponents()) {
                Object x = c.getAccessor().invoke(a);
                Object y = c.getAccessor().invoke(b);
                if (!Objects.deepEquals(x, y) && !checker.deepEquals(x, y)) {
                    return false;
                }
            }
            return true;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** A snapshot of some other serializer. */
    public static final class ForeignSnapshot extends CompactSnapshot<String> {
        public ForeignSnapshot() {
            super(1, org.apache.flink.api.common.typeutils.base.StringSerializer.INSTANCE);
        }
    }
}
