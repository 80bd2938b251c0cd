package io.riskplane.telemetry;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A mergeable quantile sketch (DDSketch, 1% relative accuracy) for latencies, slippage and confidence. DDSketch is
 * order-independent (a histogram over logarithmic bins), so the same events give the same percentiles whatever order
 * they were merged in: percentiles in control-event evidence stay byte-identical in replay.
 */
@TypeInfo(QuantileSketchTypeInfo.Factory.class)
public final class QuantileSketch {
    public static final double RELATIVE_ACCURACY = 0.01;
    /** The index mapping of every sketch (DDSketch.balanced at RELATIVE_ACCURACY): the stores alone need it back. */
    private static final IndexMapping MAPPING =
            DDSketch.balanced(RELATIVE_ACCURACY).getIndexMapping();

    private final DDSketch sketch;

    public QuantileSketch() {
        this(DDSketch.balanced(RELATIVE_ACCURACY));
    }

    private QuantileSketch(DDSketch sketch) {
        this.sketch = sketch;
    }

    public void add(double value) {
        if (Double.isFinite(value)) {
            sketch.accept(value);
        }
    }

    public void merge(QuantileSketch other) {
        // isEmpty is O(1); the count sums every bin, and merging was the telemetry's hottest call.
        if (!other.sketch.isEmpty()) {
            sketch.mergeWith(other.sketch);
        }
    }

    /** True when nothing was added (O(1)). */
    public boolean isEmpty() {
        return sketch.isEmpty();
    }

    public long count() {
        return Math.round(sketch.getCount());
    }

    /** The value at quantile q in [0, 1], or null when the sketch is empty. */
    public Double quantile(double q) {
        return sketch.isEmpty() ? null : sketch.getValueAtQuantile(q);
    }

    /**
     * DDSketch's own binary encoding, which {@link #fromBytes} decodes. (Not {@code serialize()}: that is the protobuf
     * form, which {@code DDSketch.decode} cannot read; using it made every non-empty sketch unrestorable from a
     * checkpoint, found by the crash-recovery drill.)
     */
    public byte[] toBytes() {
        return encode(false);
    }

    public static QuantileSketch fromBytes(byte[] bytes) {
        return decode(bytes, false);
    }

    /**
     * The stores alone, without the index mapping (17 bytes, the same for every sketch): the form of the telemetry
     * buckets in state. {@link #fromStoreBytes} reads it.
     */
    public byte[] toStoreBytes() {
        return encode(true);
    }

    public static QuantileSketch fromStoreBytes(byte[] bytes) {
        return decode(bytes, true);
    }

    private byte[] encode(boolean omitMapping) {
        GrowingByteArrayOutput out = GrowingByteArrayOutput.withDefaultInitialCapacity();
        try {
            sketch.encode(out, omitMapping);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a quantile sketch", e);
        }
        return out.trimmedCopy();
    }

    private static QuantileSketch decode(byte[] bytes, boolean mappingOmitted) {
        try {
            return new QuantileSketch(
                    mappingOmitted
                            ? DDSketch.decode(ByteArrayInput.wrap(bytes), UnboundedSizeDenseStore::new, MAPPING)
                            : DDSketch.decode(ByteArrayInput.wrap(bytes), UnboundedSizeDenseStore::new));
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt quantile sketch", e);
        }
    }

    public QuantileSketch copy() {
        return new QuantileSketch(sketch.copy());
    }
}
