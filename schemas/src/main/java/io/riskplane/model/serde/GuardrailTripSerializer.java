package io.riskplane.model.serde;

import static io.riskplane.model.serde.CompactIO.readString;
import static io.riskplane.model.serde.CompactIO.readStringArray;
import static io.riskplane.model.serde.CompactIO.writeString;
import static io.riskplane.model.serde.CompactIO.writeStringArray;

import io.riskplane.model.GuardrailTrip;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link GuardrailTrip}, every field in declaration order. An output: it only crosses exchanges, never lives in keyed
 * state, and exchanges are not in savepoints, so there is no POJO state to migrate.
 */
public final class GuardrailTripSerializer extends CompactSerializer<GuardrailTrip> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;

    public static final GuardrailTripSerializer INSTANCE = new GuardrailTripSerializer();

    @Override
    public void serialize(GuardrailTrip r, DataOutputView out) throws IOException {
        writeString(out, r.tripId());
        writeString(out, r.level());
        writeString(out, r.org());
        writeString(out, r.strategy());
        writeString(out, r.instrument());
        writeString(out, r.check());
        out.writeLong(r.atMillis());
        out.writeLong(r.windowStartMillis());
        out.writeDouble(r.value());
        writeString(out, r.limitName());
        out.writeDouble(r.limit());
        out.writeInt(r.tripsInWindow());
        out.writeLong(r.tripWindowMillis());
        out.writeLong(r.cooldownMillis());
        out.writeLong(r.cooldownUntilMillis());
        out.writeInt(r.killTrips());
        out.writeBoolean(r.entersKill());
        writeString(out, r.policyId());
        out.writeLong(r.policyVersion());
        writeStringArray(out, r.triggerEventIds());
    }

    @Override
    public GuardrailTrip deserialize(DataInputView in) throws IOException {
        return new GuardrailTrip(
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                in.readLong(),
                in.readLong(),
                in.readDouble(),
                readString(in),
                in.readDouble(),
                in.readInt(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readInt(),
                in.readBoolean(),
                readString(in),
                in.readLong(),
                readStringArray(in));
    }

    @Override
    public GuardrailTrip createInstance() {
        return new GuardrailTrip("", "", "", "", "", "", 0, 0, 0, "", 0, 0, 0, 0, 0, 0, false, "", 0, new String[0]);
    }

    @Override
    public TypeSerializerSnapshot<GuardrailTrip> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<GuardrailTrip> {
        public Snapshot() {
            super(VERSION, INSTANCE);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<GuardrailTrip> {
        public Factory() {
            super(GuardrailTrip.class, INSTANCE);
        }
    }
}
