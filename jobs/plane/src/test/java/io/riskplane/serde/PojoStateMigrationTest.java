package io.riskplane.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.pnl.PnlBarBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Keyed state written before a type had a compact serializer still restores: the fixtures
 * (src/test/resources/serde/NAME-pojo.snapshot and .data) were written at 28bd649 by the PojoSerializer that Flink
 * derived for the state's type then. Flink resolves the state's new serializer against the stored snapshot; after
 * migration means it reads the state with the serializer restored from that snapshot and writes it with the new one,
 * which is what this does.
 */
class PojoStateMigrationTest {

    @Test
    void pnlBarStateWrittenByThePojoSerializerMigrates() throws Exception {
        // PnlScopeHost's "pnl-bars" state: a POJO (the record State) whose field is a PnlBar, compact now.
        assertMigrates("PnlBarBuilder.State", PnlBarBuilder.State.class, PojoStateValues.barStates());
    }

    @Test
    void openDislocationEpisodeWrittenByThePojoSerializerMigrates() throws Exception {
        // InstrumentHost's "open-episode" state.
        assertMigrates("DislocationEpisode", io.riskplane.model.DislocationEpisode.class, PojoStateValues.episodes());
    }

    @Test
    void telemetryBucketsWrittenByThePojoSerializerMigrate() throws Exception {
        // ExecutionTelemetry's "minute-buckets" MapState values.
        assertMigrates("TelemetryBucket", io.riskplane.telemetry.TelemetryBucket.class, PojoStateValues.buckets());
    }

    @Test
    void aPojoSnapshotOfAnotherClassIsIncompatible() throws Exception {
        TypeSerializerSnapshot<PnlBarBuilder.State> state = pojoSnapshot("PnlBarBuilder.State");
        // The PnlBar serializer must not take the State's POJO snapshot for its own predecessor.
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeSerializerSnapshot<io.riskplane.model.PnlBar> foreign = (TypeSerializerSnapshot) state;
        assertThat(io.riskplane.model.serde.PnlBarSerializer.INSTANCE
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(foreign)
                        .isIncompatible())
                .isTrue();
    }

    static <T> void assertMigrates(String name, Class<T> type, List<T> expected) throws Exception {
        TypeSerializerSnapshot<T> old = pojoSnapshot(name);
        TypeSerializer<T> now = TypeInformation.of(type).createSerializer(new SerializerConfigImpl());

        TypeSerializerSchemaCompatibility<T> compat =
                now.snapshotConfiguration().resolveSchemaCompatibility(old);
        assertThat(compat.isCompatibleAfterMigration())
                .as(name + ": POJO state migrates")
                .isTrue();

        // Read with the serializer restored from the old snapshot, as Flink does.
        TypeSerializer<T> reader = old.restoreSerializer();
        DataInputDeserializer in = new DataInputDeserializer(resource(name + "-pojo.data"));
        List<T> read = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            // The state backend hands the value to the job, whose first use of it goes through the new type's
            // methods; copying with the new serializer is such a use (a TelemetryBucket folds its POJO sums).
            read.add(now.copy(reader.deserialize(in)));
        }
        assertThat(in.available()).isZero();
        assertEqual(read, expected);

        // Written with the new one, and read back.
        DataOutputSerializer out = new DataOutputSerializer(256);
        for (T v : read) {
            now.serialize(v, out);
        }
        DataInputDeserializer again = new DataInputDeserializer(out.getCopyOfBuffer());
        List<T> migrated = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            migrated.add(now.deserialize(again));
        }
        assertThat(again.available()).isZero();
        assertEqual(migrated, expected);
        // And the state written now restores as is.
        assertThat(now.snapshotConfiguration()
                        .resolveSchemaCompatibility(now.snapshotConfiguration())
                        .isCompatibleAsIs())
                .isTrue();
    }

    static <T> void assertEqual(List<T> actual, List<T> expected) {
        assertThat(actual)
                .usingRecursiveFieldByFieldElementComparator(
                        org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration.builder()
                                .withStrictTypeChecking(true)
                                // Exact: NaN equals NaN, -0.0 differs from 0.0 (AssertJ's default compares within
                                // 1e-15).
                                .withComparatorForType(Double::compare, Double.class)
                                .withComparatorForType(
                                        PojoStateValues.SKETCHES, io.riskplane.telemetry.QuantileSketch.class)
                                // A sum restored from the POJO serializer's one double equals the exact sum it rounds.
                                .withComparatorForType(
                                        java.util.Comparator.comparingDouble(io.riskplane.telemetry.ExactSum::value),
                                        io.riskplane.telemetry.ExactSum.class)
                                .build())
                .containsExactlyElementsOf(expected);
    }

    @SuppressWarnings("unchecked")
    static <T> TypeSerializerSnapshot<T> pojoSnapshot(String name) throws IOException {
        TypeSerializerSnapshot<T> old = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(resource(name + "-pojo.snapshot")),
                PojoStateMigrationTest.class.getClassLoader());
        assertThat(old).as("fixture written by Flink's POJO serializer").isInstanceOf(PojoSerializerSnapshot.class);
        return old;
    }

    private static byte[] resource(String file) throws IOException {
        try (InputStream in = PojoStateMigrationTest.class.getResourceAsStream("/serde/" + file)) {
            assertThat(in).as("test resource serde/" + file).isNotNull();
            return in.readAllBytes();
        }
    }
}
