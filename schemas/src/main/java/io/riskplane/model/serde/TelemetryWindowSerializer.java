package io.riskplane.model.serde;

import static io.riskplane.model.serde.CompactIO.readNullableDouble;
import static io.riskplane.model.serde.CompactIO.readString;
import static io.riskplane.model.serde.CompactIO.writeNullableDouble;
import static io.riskplane.model.serde.CompactIO.writeString;

import io.riskplane.model.TelemetryWindow;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link TelemetryWindow}, every field in declaration order. Only an output that crosses exchanges, never in keyed
 * state: exchanges are not in savepoints, so no POJO state to migrate.
 */
public final class TelemetryWindowSerializer extends CompactSerializer<TelemetryWindow> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;

    public static final TelemetryWindowSerializer INSTANCE = new TelemetryWindowSerializer();

    @Override
    public void serialize(TelemetryWindow r, DataOutputView out) throws IOException {
        writeString(out, r.windowId());
        writeString(out, r.windowSize());
        out.writeLong(r.windowStartMillis());
        out.writeLong(r.windowEndMillis());
        writeString(out, r.level());
        writeString(out, r.org());
        writeString(out, r.strategy());
        writeString(out, r.instrument());
        writeString(out, r.venue());
        writeString(out, r.adapter());
        writeString(out, r.source());
        out.writeLong(r.orders());
        out.writeDouble(r.orderedQuantity());
        out.writeDouble(r.filledQuantity());
        writeNullableDouble(out, r.fillEfficiency());
        out.writeLong(r.fills());
        writeNullableDouble(out, r.slippageAvgBps());
        writeNullableDouble(out, r.slippageP50Bps());
        writeNullableDouble(out, r.slippageP95Bps());
        writeNullableDouble(out, r.slippageVsConfidenceSlope());
        writeNullableDouble(out, r.slippageVsLatencySlope());
        writeNullableDouble(out, r.ackLatencyP50Ms());
        writeNullableDouble(out, r.ackLatencyP95Ms());
        writeNullableDouble(out, r.ackLatencyP99Ms());
        writeNullableDouble(out, r.fillLatencyP50Ms());
        writeNullableDouble(out, r.fillLatencyP95Ms());
        writeNullableDouble(out, r.fillLatencyP99Ms());
        out.writeLong(r.rejected());
        writeNullableDouble(out, r.rejectionRate());
        writeString(out, r.errorCategories());
        out.writeLong(r.fallbacks());
        writeNullableDouble(out, r.fallbackRatio());
        writeString(out, r.fallbackReasons());
        out.writeLong(r.signals());
        writeNullableDouble(out, r.confidenceP10());
        writeNullableDouble(out, r.confidenceP50());
        writeNullableDouble(out, r.confidenceP90());
        writeNullableDouble(out, r.signalLagP50Ms());
        writeNullableDouble(out, r.signalLagP99Ms());
        writeNullableDouble(out, r.signalLagMaxMs());
        writeNullableDouble(out, r.ingestLatencyP50Ms());
        writeNullableDouble(out, r.ingestLatencyP99Ms());
    }

    @Override
    public TelemetryWindow deserialize(DataInputView in) throws IOException {
        return new TelemetryWindow(
                readString(in),
                readString(in),
                in.readLong(),
                in.readLong(),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                in.readLong(),
                in.readDouble(),
                in.readDouble(),
                readNullableDouble(in),
                in.readLong(),
                readNullableDouble(in),
                readNullableDouble(in),
                readNullableDouble(in),
                readNullableDouble(in),
                readNullableDouble(in),
                readNullableDouble(in),
                readNullableDouble(in),
                readNullableDouble(in),
                readNullableDouble(in),
                readNullableDouble(in),
                readNullableDouble(in),
                in.readLong(),
                readNullableDouble(in),
                readString(in),
                in.readLong(),
                readNullableDouble(in),
                readString(in),
                in.readLong(),
                readNullableDouble(in),
                readNullableDouble(in),
                readNullableDouble(in),
                readNullableDouble(in),
                readNullableDouble(in),
                readNullableDouble(in),
                readNullableDouble(in),
                readNullableDouble(in));
    }

    @Override
    public TelemetryWindow createInstance() {
        return new TelemetryWindow(
                "", "", 0, 0, "", "", "", "", "", "", "", 0, 0, 0, null, 0, null, null, null, null, null, null, null,
                null, null, null, null, 0, null, "", 0, null, "", 0, null, null, null, null, null, null, null, null);
    }

    @Override
    public TypeSerializerSnapshot<TelemetryWindow> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<TelemetryWindow> {
        public Snapshot() {
            super(VERSION, INSTANCE);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<TelemetryWindow> {
        public Factory() {
            super(TelemetryWindow.class, INSTANCE);
        }
    }
}
