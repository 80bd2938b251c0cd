package io.riskplane.model.serde;

import static io.riskplane.model.serde.CompactIO.readNullableDouble;
import static io.riskplane.model.serde.CompactIO.readString;
import static io.riskplane.model.serde.CompactIO.readStringArray;
import static io.riskplane.model.serde.CompactIO.writeNullableDouble;
import static io.riskplane.model.serde.CompactIO.writeString;
import static io.riskplane.model.serde.CompactIO.writeStringArray;

import io.riskplane.model.PnlSnapshot;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** {@link PnlSnapshot}, every field in declaration order (the scope key is rebuilt, not written). */
public final class PnlSnapshotSerializer extends CompactSerializer<PnlSnapshot> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;

    public static final PnlSnapshotSerializer INSTANCE = new PnlSnapshotSerializer();

    @Override
    public void serialize(PnlSnapshot s, DataOutputView out) throws IOException {
        writeString(out, s.snapshotId());
        writeString(out, s.scopeType());
        writeString(out, s.org());
        writeString(out, s.strategy());
        out.writeLong(s.eventTimeMillis());
        writeString(out, s.tradingDay());
        out.writeDouble(s.realizedPnl());
        out.writeDouble(s.fees());
        out.writeDouble(s.unrealizedPnl());
        out.writeDouble(s.equity());
        out.writeDouble(s.peakEquity());
        out.writeLong(s.peakTimeMillis());
        out.writeDouble(s.drawdown());
        writeNullableDouble(out, s.drawdownFraction());
        out.writeDouble(s.dailyPnl());
        out.writeDouble(s.dayStartEquity());
        writeStringArray(out, s.triggerEventIds());
    }

    @Override
    public PnlSnapshot deserialize(DataInputView in) throws IOException {
        return new PnlSnapshot(
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                in.readLong(),
                readString(in),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readLong(),
                in.readDouble(),
                readNullableDouble(in),
                in.readDouble(),
                in.readDouble(),
                readStringArray(in));
    }

    @Override
    public PnlSnapshot createInstance() {
        return new PnlSnapshot("", "", "", "", 0, "", 0, 0, 0, 0, 0, 0, 0, null, 0, 0, new String[0]);
    }

    @Override
    public TypeSerializerSnapshot<PnlSnapshot> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<PnlSnapshot> {
        public Snapshot() {
            super(VERSION, INSTANCE);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<PnlSnapshot> {
        public Factory() {
            super(PnlSnapshot.class, INSTANCE);
        }
    }
}
