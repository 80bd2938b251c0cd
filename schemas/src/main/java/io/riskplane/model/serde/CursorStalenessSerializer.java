package io.riskplane.model.serde;

import static io.riskplane.model.serde.CompactIO.readNullableDouble;
import static io.riskplane.model.serde.CompactIO.readString;
import static io.riskplane.model.serde.CompactIO.readStringArray;
import static io.riskplane.model.serde.CompactIO.writeNullableDouble;
import static io.riskplane.model.serde.CompactIO.writeString;
import static io.riskplane.model.serde.CompactIO.writeStringArray;

import io.riskplane.model.CursorStaleness;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link CursorStaleness}, every field in declaration order. An output: it only crosses exchanges, never lives in keyed
 * state, and exchanges are not in savepoints, so there is no POJO state to migrate.
 */
public final class CursorStalenessSerializer extends CompactSerializer<CursorStaleness> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;

    public static final CursorStalenessSerializer INSTANCE = new CursorStalenessSerializer();

    @Override
    public void serialize(CursorStaleness r, DataOutputView out) throws IOException {
        writeString(out, r.stalenessId());
        out.writeLong(r.measuredAtMillis());
        writeString(out, r.source());
        writeString(out, r.consumerId());
        writeString(out, r.lane());
        writeString(out, r.calendar());
        out.writeBoolean(r.sessionOpen());
        out.writeLong(r.tailSequence());
        out.writeLong(r.tailSignalMillis());
        out.writeLong(r.tailEventMillis());
        out.writeLong(r.cursorSequence());
        out.writeLong(r.cursorTimeMillis());
        writeNullableDouble(out, r.signalLagSeconds());
        writeNullableDouble(out, r.cursorLagSeconds());
        out.writeBoolean(r.cursorAheadOfStream());
        out.writeBoolean(r.cursorTailStable());
        out.writeBoolean(r.noSignalsInWindow());
        out.writeInt(r.aheadStreak());
        out.writeInt(r.tailStableStreak());
        out.writeInt(r.noSignalsStreak());
        writeString(out, r.status());
        writeStringArray(out, r.triggerEventIds());
        writeString(out, r.storeReason());
    }

    @Override
    public CursorStaleness deserialize(DataInputView in) throws IOException {
        return new CursorStaleness(
                readString(in),
                in.readLong(),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                in.readBoolean(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                readNullableDouble(in),
                readNullableDouble(in),
                in.readBoolean(),
                in.readBoolean(),
                in.readBoolean(),
                in.readInt(),
                in.readInt(),
                in.readInt(),
                readString(in),
                readStringArray(in),
                readString(in));
    }

    @Override
    public CursorStaleness createInstance() {
        return new CursorStaleness(
                "",
                0,
                "",
                "",
                "",
                "",
                false,
                0,
                0,
                0,
                0,
                0,
                null,
                null,
                false,
                false,
                false,
                0,
                0,
                0,
                "",
                new String[0],
                "");
    }

    @Override
    public TypeSerializerSnapshot<CursorStaleness> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<CursorStaleness> {
        public Snapshot() {
            super(VERSION, INSTANCE);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<CursorStaleness> {
        public Factory() {
            super(CursorStaleness.class, INSTANCE);
        }
    }
}
