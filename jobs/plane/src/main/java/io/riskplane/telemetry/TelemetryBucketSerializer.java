package io.riskplane.telemetry;

import static io.riskplane.model.serde.CompactIO.readBytes;
import static io.riskplane.model.serde.CompactIO.readString;
import static io.riskplane.model.serde.CompactIO.readVarInt;
import static io.riskplane.model.serde.CompactIO.writeBytes;
import static io.riskplane.model.serde.CompactIO.writeString;
import static io.riskplane.model.serde.CompactIO.writeVarInt;

import io.riskplane.model.serde.CompactSnapshot;
import io.riskplane.model.serde.CompactTypeInfo;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
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
public class TelemetryBucketSerializer extends TypeSerializerSingleton<TelemetryBucket> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 3;

    public static final TelemetryBucketSerializer INSTANCE = new TelemetryBucketSerializer();

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
        from.foldPojoSums();
        TelemetryBucket b = new TelemetryBucket();
        b.orders = from.orders;
        b.orderedQuantityExact = from.orderedQuantityExact.copy();
        b.filledQuantityExact = from.filledQuantityExact.copy();
        b.fills = from.fills;
        b.slippageSamples = from.slippageSamples;
        b.slippageSumExact = from.slippageSumExact.copy();
        b.slippage = from.slippage.copy();
        b.sumXExact = from.sumXExact.copy();
        b.sumXXExact = from.sumXXExact.copy();
        b.sumXYExact = from.sumXYExact.copy();
        b.nX = from.nX;
        b.sumYforXExact = from.sumYforXExact.copy();
        b.sumTExact = from.sumTExact.copy();
        b.sumTTExact = from.sumTTExact.copy();
        b.sumTYExact = from.sumTYExact.copy();
        b.nT = from.nT;
        b.sumYforTExact = from.sumYforTExact.copy();
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

    /**
     * Version 3: which of the numbers are non-zero and which sketches are non-empty (one mask), then only those: the
     * counts as varints, the exact sums as their number of terms (a varint) and the terms
     * ({@link ExactSum#terms()}), the maximum as a double, the sketches without DDSketch's index mapping (always
     * {@link QuantileSketch}'s); a bucket of a quiet minute or of one kind of fact (orders or signals) is mostly zeros
     * and empty sketches. The strings always. Version 2 ({@link V2}) wrote each sum as one double; version 1
     * ({@link V1}) every field at full width and every sketch with its mapping.
     */
    @Override
    public void serialize(TelemetryBucket b, DataOutputView out) throws IOException {
        b.foldPojoSums();
        long[] counts = counts(b);
        ExactSum[] sums = sums(b);
        QuantileSketch[] sketches = sketches(b);
        int mask = 0;
        for (int i = 0; i < counts.length; i++) {
            mask |= counts[i] != 0 ? 1 << i : 0;
        }
        for (int i = 0; i < sums.length; i++) {
            mask |= !sums[i].isZero() ? 1 << (COUNTS + i) : 0;
        }
        // Raw bits: NaN (before any signal) is kept exactly.
        mask |= Double.doubleToRawLongBits(b.signalLagMax) != 0 ? 1 << (COUNTS + SUMS) : 0;
        for (int i = 0; i < sketches.length; i++) {
            mask |= !sketches[i].isEmpty() ? 1 << (COUNTS + SUMS + 1 + i) : 0;
        }
        writeVarInt(out, mask);
        for (int i = 0; i < counts.length; i++) {
            if ((mask & 1 << i) != 0) {
                writeVarLong(out, counts[i]);
            }
        }
        for (int i = 0; i < sums.length; i++) {
            if ((mask & 1 << (COUNTS + i)) != 0) {
                double[] terms = sums[i].terms();
                writeVarInt(out, terms.length);
                for (double t : terms) {
                    out.writeDouble(t);
                }
            }
        }
        if ((mask & 1 << (COUNTS + SUMS)) != 0) {
            out.writeDouble(b.signalLagMax);
        }
        for (int i = 0; i < sketches.length; i++) {
            if ((mask & 1 << (COUNTS + SUMS + 1 + i)) != 0) {
                writeBytes(out, sketches[i].toStoreBytes());
            }
        }
        writeString(out, b.errorCategories);
        writeString(out, b.fallbackReasons);
    }

    @Override
    public TelemetryBucket deserialize(DataInputView in) throws IOException {
        int mask = readVarInt(in);
        TelemetryBucket b = new TelemetryBucket();
        long[] counts = new long[COUNTS];
        for (int i = 0; i < COUNTS; i++) {
            counts[i] = (mask & 1 << i) != 0 ? readVarLong(in) : 0;
        }
        ExactSum[] sums = new ExactSum[SUMS];
        for (int i = 0; i < SUMS; i++) {
            sums[i] = (mask & 1 << (COUNTS + i)) != 0 ? readSum(in) : new ExactSum();
        }
        b.signalLagMax = (mask & 1 << (COUNTS + SUMS)) != 0 ? in.readDouble() : 0.0;
        QuantileSketch[] sketches = new QuantileSketch[SKETCHES];
        for (int i = 0; i < SKETCHES; i++) {
            sketches[i] = (mask & 1 << (COUNTS + SUMS + 1 + i)) != 0
                    ? QuantileSketch.fromStoreBytes(readBytes(in))
                    : new QuantileSketch();
        }
        b.orders = counts[0];
        b.fills = counts[1];
        b.slippageSamples = counts[2];
        b.nX = counts[3];
        b.nT = counts[4];
        b.rejected = counts[5];
        b.fallbacks = counts[6];
        b.signals = counts[7];
        b.orderedQuantityExact = sums[0];
        b.filledQuantityExact = sums[1];
        b.slippageSumExact = sums[2];
        b.sumXExact = sums[3];
        b.sumXXExact = sums[4];
        b.sumXYExact = sums[5];
        b.sumYforXExact = sums[6];
        b.sumTExact = sums[7];
        b.sumTTExact = sums[8];
        b.sumTYExact = sums[9];
        b.sumYforTExact = sums[10];
        b.slippage = sketches[0];
        b.ackLatency = sketches[1];
        b.fillLatency = sketches[2];
        b.confidence = sketches[3];
        b.signalLag = sketches[4];
        b.ingestLatency = sketches[5];
        b.errorCategories = readString(in);
        b.fallbackReasons = readString(in);
        return b;
    }

    /** One exact sum as this version wrote it. */
    ExactSum readSum(DataInputView in) throws IOException {
        double[] terms = new double[readVarInt(in)];
        for (int i = 0; i < terms.length; i++) {
            terms[i] = in.readDouble();
        }
        return ExactSum.ofTerms(terms);
    }

    private static final int COUNTS = 8;
    /** The exact sums; the mask has one more bit after them, for signalLagMax. */
    private static final int SUMS = 11;

    private static final int SKETCHES = 6;

    private static long[] counts(TelemetryBucket b) {
        return new long[] {b.orders, b.fills, b.slippageSamples, b.nX, b.nT, b.rejected, b.fallbacks, b.signals};
    }

    private static ExactSum[] sums(TelemetryBucket b) {
        return new ExactSum[] {
            b.orderedQuantityExact,
            b.filledQuantityExact,
            b.slippageSumExact,
            b.sumXExact,
            b.sumXXExact,
            b.sumXYExact,
            b.sumYforXExact,
            b.sumTExact,
            b.sumTTExact,
            b.sumTYExact,
            b.sumYforTExact
        };
    }

    private static QuantileSketch[] sketches(TelemetryBucket b) {
        return new QuantileSketch[] {b.slippage, b.ackLatency, b.fillLatency, b.confidence, b.signalLag, b.ingestLatency
        };
    }

    /** Zigzag LEB128: the counts are small and never negative, but a negative one is kept too. */
    private static void writeVarLong(DataOutputView out, long v) throws IOException {
        long z = (v << 1) ^ (v >> 63);
        while ((z & ~0x7FL) != 0) {
            out.writeByte((int) (z & 0x7F) | 0x80);
            z >>>= 7;
        }
        out.writeByte((int) z);
    }

    private static long readVarLong(DataInputView in) throws IOException {
        long z = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            byte b = in.readByte();
            z |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return (z >>> 1) ^ -(z & 1);
            }
        }
        throw new IOException("malformed varint");
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

        @Override
        protected TypeSerializer<TelemetryBucket> readerFor(int oldVersion) {
            return oldVersion == 1 ? V1.INSTANCE : oldVersion == 2 ? V2.INSTANCE : null;
        }
    }

    /**
     * Reads version 2 of the format (savepoints from 2026-12-06, session 4, until the buckets took facts in arrival
     * order): the same layout as version 3, but with each sum as one double, and the mask's bit for signalLagMax
     * among them (so the bit positions match).
     */
    static final class V2 extends TelemetryBucketSerializer {
        private static final long serialVersionUID = 1L;
        static final V2 INSTANCE = new V2();

        @Override
        public void serialize(TelemetryBucket b, DataOutputView out) {
            throw new UnsupportedOperationException("version 2 is only read");
        }

        @Override
        ExactSum readSum(DataInputView in) throws IOException {
            return ExactSum.of(in.readDouble());
        }
    }

    /**
     * Reads version 1 of the format, which buckets in savepoints from before 2026-12-06 (session 4) are in: every
     * field at full width, every sketch with its index mapping. Flink reads such state with it and writes it in
     * the current version.
     */
    static final class V1 extends TelemetryBucketSerializer {
        private static final long serialVersionUID = 1L;
        static final V1 INSTANCE = new V1();

        @Override
        public void serialize(TelemetryBucket b, DataOutputView out) {
            throw new UnsupportedOperationException("version 1 is only read");
        }

        @Override
        public TelemetryBucket deserialize(DataInputView in) throws IOException {
            TelemetryBucket b = new TelemetryBucket();
            b.orders = in.readLong();
            b.orderedQuantityExact = ExactSum.of(in.readDouble());
            b.filledQuantityExact = ExactSum.of(in.readDouble());
            b.fills = in.readLong();
            b.slippageSamples = in.readLong();
            b.slippageSumExact = ExactSum.of(in.readDouble());
            b.slippage = QuantileSketchTypeInfo.Serializer.INSTANCE.deserialize(in);
            b.sumXExact = ExactSum.of(in.readDouble());
            b.sumXXExact = ExactSum.of(in.readDouble());
            b.sumXYExact = ExactSum.of(in.readDouble());
            b.nX = in.readLong();
            b.sumYforXExact = ExactSum.of(in.readDouble());
            b.sumTExact = ExactSum.of(in.readDouble());
            b.sumTTExact = ExactSum.of(in.readDouble());
            b.sumTYExact = ExactSum.of(in.readDouble());
            b.nT = in.readLong();
            b.sumYforTExact = ExactSum.of(in.readDouble());
            b.ackLatency = QuantileSketchTypeInfo.Serializer.INSTANCE.deserialize(in);
            b.fillLatency = QuantileSketchTypeInfo.Serializer.INSTANCE.deserialize(in);
            b.rejected = in.readLong();
            b.errorCategories = readString(in);
            b.fallbacks = in.readLong();
            b.fallbackReasons = readString(in);
            b.signals = in.readLong();
            b.confidence = QuantileSketchTypeInfo.Serializer.INSTANCE.deserialize(in);
            b.signalLag = QuantileSketchTypeInfo.Serializer.INSTANCE.deserialize(in);
            b.signalLagMax = in.readDouble();
            b.ingestLatency = QuantileSketchTypeInfo.Serializer.INSTANCE.deserialize(in);
            return b;
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<TelemetryBucket> {
        public Factory() {
            super(TelemetryBucket.class, INSTANCE);
        }
    }
}
