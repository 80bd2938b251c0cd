package io.riskplane.model.serde;

import static io.riskplane.model.serde.CompactIO.readNullableDouble;
import static io.riskplane.model.serde.CompactIO.readString;
import static io.riskplane.model.serde.CompactIO.readStringArray;
import static io.riskplane.model.serde.CompactIO.writeNullableDouble;
import static io.riskplane.model.serde.CompactIO.writeString;
import static io.riskplane.model.serde.CompactIO.writeStringArray;

import io.riskplane.model.PnlBar;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link PnlBar}, every field in declaration order. A bar crosses the exchange from the PnL hosts to storage, and the
 * open bar lives in the hosts' keyed state (inside PnlBarBuilder.State): that state was written by Flink's POJO
 * serializer before, so the snapshot migrates it.
 */
public final class PnlBarSerializer extends CompactSerializer<PnlBar> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;

    public static final PnlBarSerializer INSTANCE = new PnlBarSerializer();

    @Override
    public void serialize(PnlBar b, DataOutputView out) throws IOException {
        writeString(out, b.barId());
        writeString(out, b.scopeType());
        writeString(out, b.org());
        writeString(out, b.strategy());
        out.writeLong(b.barStartMillis());
        out.writeLong(b.eventTimeMillis());
        out.writeBoolean(b.fillRow());
        writeString(out, b.tradingDay());
        out.writeDouble(b.openEquity());
        out.writeDouble(b.highEquity());
        out.writeDouble(b.lowEquity());
        out.writeDouble(b.closeEquity());
        out.writeDouble(b.maxDrawdown());
        writeNullableDouble(out, b.maxDrawdownFraction());
        out.writeDouble(b.realizedPnl());
        out.writeDouble(b.fees());
        out.writeDouble(b.unrealizedPnl());
        out.writeDouble(b.peakEquity());
        out.writeLong(b.peakTimeMillis());
        out.writeDouble(b.drawdown());
        writeNullableDouble(out, b.drawdownFraction());
        out.writeDouble(b.dailyPnl());
        out.writeDouble(b.dayStartEquity());
        out.writeInt(b.snapshotCount());
        writeString(out, b.firstSnapshotId());
        writeString(out, b.lastSnapshotId());
        writeStringArray(out, b.triggerEventIds());
    }

    @Override
    public PnlBar deserialize(DataInputView in) throws IOException {
        return new PnlBar(
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                in.readLong(),
                in.readLong(),
                in.readBoolean(),
                readString(in),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                readNullableDouble(in),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readLong(),
                in.readDouble(),
                readNullableDouble(in),
                in.readDouble(),
                in.readDouble(),
                in.readInt(),
                readString(in),
                readString(in),
                readStringArray(in));
    }

    @Override
    public PnlBar createInstance() {
        return new PnlBar(
                "",
                "",
                "",
                "",
                0,
                0,
                false,
                "",
                0,
                0,
                0,
                0,
                0,
                null,
                0,
                0,
                0,
                0,
                0,
                0,
                null,
                0,
                0,
                0,
                "",
                "",
                new String[0]);
    }

    @Override
    public TypeSerializerSnapshot<PnlBar> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<PnlBar> {
        public Snapshot() {
            super(VERSION, INSTANCE, PnlBar.class);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<PnlBar> {
        public Factory() {
            super(PnlBar.class, INSTANCE);
        }
    }
}
