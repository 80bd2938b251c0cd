package io.riskplane.telemetry;

import static io.riskplane.model.serde.CompactIO.readString;
import static io.riskplane.model.serde.CompactIO.writeString;

import io.riskplane.model.serde.CompactSnapshot;
import io.riskplane.model.serde.CompactTypeInfo;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link TelemetryBucket}, every field in declaration order, the sketches in their own length-prefixed encoding
 * (QuantileSketchTypeInfo). Not a CompactSerializer: a bucket is mutable (accumulated in place), so a copy is a deep
 * one. The buckets live in ExecutionTelemetry's keyed MapState ("minute-buckets"), written by Flink's POJO
 * serializer before: its snapshot migrates. A change of DDSketch's encoding is a change of this format too.
 */
public final class TelemetryBucketSerializer extends TypeSerializerSingleton<TelemetryBucket> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;
    public static final TelemetryBucketSerializer INSTANCE = new TelemetryBucketSerializer();
    private static final QuantileSketchTypeInfo.Serializer SKETCH = QuantileSketchTypeInfo.Serializer.INSTANCE;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TelemetryBucket createInstance() {
        return new TelemetryBucket();
    }

    @Override
    public TelemetryBucket copy(TelemetryBucket from) {
        TelemetryBucket b = new TelemetryBucket();
        b.orders = from.orders;
        b.orderedQuantity = from.orderedQuantity;
        b.filledQuantity = from.filledQuantity;
        b.fills = from.fills;
        b.slippageSamples = from.slippageSamples;
        b.slippageSum = from.slippageSum;
        b.slippage = from.slippage.copy();
        b.sumX = from.sumX;
        b.sumXX = from.sumXX;
        b.sumXY = from.sumXY;
        b.nX = from.nX;
        b.sumYforX = from.sumYforX;
        b.sumT = from.sumT;
        b.sumTT = from.sumTT;
        b.sumTY = from.sumTY;
        b.nT = from.nT;
        b.sumYforT = from.sumYforT;
        b.ackLatency = from.ackLatency.copy();
        b.fillLatency = from.fillLatency.copy();
        b.rejected = from.rejected;
        b.errorCategories = from.errorCategories;
        b.fallbacks = from.fallbacks;
        b.fallbackReasons = from.fallbackReasons;
        b.signals = from.signals;
        b.confidence = from.confidence.copy();
        b.signalLag = from.signalLag.copy();
        b.signalLagMax = from.signalLagMax;
        b.ingestLatency = from.ingestLatency.copy();
        return b;
    }

    @Override
    public TelemetryBucket copy(TelemetryBucket from, TelemetryBucket reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(TelemetryBucket b, DataOutputView out) throws IOException {
        out.writeLong(b.orders);
        out.writeDouble(b.orderedQuantity);
        out.writeDouble(b.filledQuantity);
        out.writeLong(b.fills);
        out.writeLong(b.slippageSamples);
        out.writeDouble(b.slippageSum);
        SKETCH.serialize(b.slippage, out);
        out.writeDouble(b.sumX);
        out.writeDouble(b.sumXX);
        out.writeDouble(b.sumXY);
        out.writeLong(b.nX);
        out.writeDouble(b.sumYforX);
        out.writeDouble(b.sumT);
        out.writeDouble(b.sumTT);
        out.writeDouble(b.sumTY);
        out.writeLong(b.nT);
        out.writeDouble(b.sumYforT);
        SKETCH.serialize(b.ackLatency, out);
        SKETCH.serialize(b.fillLatency, out);
        out.writeLong(b.rejected);
        writeString(out, b.errorCategories);
        out.writeLong(b.fallbacks);
        writeString(out, b.fallbackReasons);
        out.writeLong(b.signals);
        SKETCH.serialize(b.confidence, out);
        SKETCH.serialize(b.signalLag, out);
        out.writeDouble(b.signalLagMax);
        SKETCH.serialize(b.ingestLatency, out);
    }

    @Override
    public TelemetryBucket deserialize(DataInputView in) throws IOException {
        TelemetryBucket b = new TelemetryBucket();
        b.orders = in.readLong();
        b.orderedQuantity = in.readDouble();
        b.filledQuantity = in.readDouble();
        b.fills = in.readLong();
        b.slippageSamples = in.readLong();
        b.slippageSum = in.readDouble();
        b.slippage = SKETCH.deserialize(in);
        b.sumX = in.readDouble();
        b.sumXX = in.readDouble();
        b.sumXY = in.readDouble();
        b.nX = in.readLong();
        b.sumYforX = in.readDouble();
        b.sumT = in.readDouble();
        b.sumTT = in.readDouble();
        b.sumTY = in.readDouble();
        b.nT = in.readLong();
        b.sumYforT = in.readDouble();
        b.ackLatency = SKETCH.deserialize(in);
        b.fillLatency = SKETCH.deserialize(in);
        b.rejected = in.readLong();
        b.errorCategories = readString(in);
        b.fallbacks = in.readLong();
        b.fallbackReasons = readString(in);
        b.signals = in.readLong();
        b.confidence = SKETCH.deserialize(in);
        b.signalLag = SKETCH.deserialize(in);
        b.signalLagMax = in.readDouble();
        b.ingestLatency = SKETCH.deserialize(in);
        return b;
    }

    @Override
    public TelemetryBucket deserialize(TelemetryBucket reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<TelemetryBucket> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<TelemetryBucket> {
        public Snapshot() {
            super(VERSION, INSTANCE, TelemetryBucket.class);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<TelemetryBucket> {
        public Factory() {
            super(TelemetryBucket.class, INSTANCE);
        }
    }
}
