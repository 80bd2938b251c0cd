package io.riskplane.telemetry;

import io.riskplane.contract.DeterministicId;
import io.riskplane.eventtime.MinuteBuckets;
import io.riskplane.eventtime.OrderFreeKeyedFunction;
import io.riskplane.model.TelemetryWindow;
import java.io.Serializable;
import java.util.List;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;

/**
 * Rolling execution telemetry of one scope (the key): facts accumulate in one-minute buckets as they arrive (a bucket
 * does not depend on the order of its facts); at the end of every minute, for each configured window length, the
 * buckets inside the window are merged and reported. Reporting
 * continues each minute while any bucket of the longest window remains, so a quiet scope's windows roll down too.
 */
public class ExecutionTelemetry extends OrderFreeKeyedFunction<String, ExecutionFact, TelemetryWindow> {
    private static final long serialVersionUID = 1L;
    static final long MINUTE = MinuteBuckets.MINUTE;

    /** A window length in whole minutes, with its label ("1m", "5m", "1h"). */
    public record WindowLength(String label, int minutes) implements Serializable {}

    public static final List<WindowLength> DEFAULT_WINDOWS =
            List.of(new WindowLength("1m", 1), new WindowLength("5m", 5), new WindowLength("1h", 60));

    private final List<WindowLength> windows;
    private final int longest;
    private final MinuteBuckets<TelemetryBucket> buckets =
            new MinuteBuckets<>("minute-buckets", TypeInformation.of(TelemetryBucket.class));
    /** Any fact of the scope: its dimensions label the windows. */
    private transient ValueState<ExecutionFact> dims;

    public ExecutionTelemetry(List<WindowLength> windows) {
        super(TypeInformation.of(ExecutionFact.class));
        this.windows = List.copyOf(windows);
        this.longest = windows.stream().mapToInt(WindowLength::minutes).max().orElse(1);
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        buckets.open(getRuntimeContext());
        dims = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("scope-dims", TypeInformation.of(ExecutionFact.class)));
    }

    @Override
    protected long timestampOf(ExecutionFact f) {
        return f.eventTimeMillis();
    }

    @Override
    protected void add(long ts, ExecutionFact f, Context ctx, Collector<TelemetryWindow> out) throws Exception {
        long minute = MinuteBuckets.minuteOf(ts);
        TelemetryBucket b = buckets.bucket(minute, TelemetryBucket::new, ctx.timerService());
        b.add(f);
        buckets.put(minute, b);
        if (dims.value() == null) {
            dims.update(f); // any fact: the key is all of its dimensions
        }
    }

    @Override
    protected void onEventTime(long timestamp, OnTimerContext ctx, Collector<TelemetryWindow> out) throws Exception {
        if (!MinuteBuckets.closesMinute(timestamp)) {
            return;
        }
        long end = timestamp + 1;
        TreeMap<Long, TelemetryBucket> kept = buckets.expireBefore(end - longest * MINUTE);
        if (kept.headMap(end).isEmpty()) {
            if (kept.isEmpty()) { // else facts ahead of the watermark: their minute's own timer reports them
                dims.clear();
            }
            return;
        }
        ExecutionFact d = dims.value();
        for (WindowLength w : windows) {
            long start = end - w.minutes() * MINUTE;
            TelemetryBucket merged = new TelemetryBucket();
            boolean any = false;
            for (long m = start; m < end; m += MINUTE) {
                TelemetryBucket b = buckets.get(m);
                if (b != null) {
                    merged.merge(b);
                    any = true;
                }
            }
            if (any) {
                out.collect(window(w.label(), start, end, d, merged));
            }
        }
        // Keep rolling next minute even without new facts, unless a bounded input has ended.
        if (!endOfInput(ctx)) {
            MinuteBuckets.armClose(end, ctx.timerService());
        }
    }

    static TelemetryWindow window(String size, long start, long end, ExecutionFact d, TelemetryBucket b) {
        double ordered = b.orderedQuantityExact.value();
        double filled = b.filledQuantityExact.value();
        return new TelemetryWindow(
                DeterministicId.of("tw-", d.scopeKey(), size, end),
                size,
                start,
                end,
                d.level(),
                d.org(),
                d.strategy(),
                d.instrument(),
                d.venue(),
                d.adapter(),
                d.source(),
                b.orders,
                ordered,
                filled,
                ordered > 0 ? filled / ordered : null,
                b.fills,
                b.slippageSamples > 0 ? b.slippageSumExact.value() / b.slippageSamples : null,
                b.slippage.quantile(0.5),
                b.slippage.quantile(0.95),
                TelemetryBucket.slope(b.nX, b.sumXExact, b.sumXXExact, b.sumXYExact, b.sumYforXExact),
                TelemetryBucket.slope(b.nT, b.sumTExact, b.sumTTExact, b.sumTYExact, b.sumYforTExact),
                b.ackLatency.quantile(0.5),
                b.ackLatency.quantile(0.95),
                b.ackLatency.quantile(0.99),
                b.fillLatency.quantile(0.5),
                b.fillLatency.quantile(0.95),
                b.fillLatency.quantile(0.99),
                b.rejected,
                b.orders > 0 ? (double) b.rejected / b.orders : null,
                b.errorCategories,
                b.fallbacks,
                b.orders > 0 ? (double) b.fallbacks / b.orders : null,
                b.fallbackReasons,
                b.signals,
                b.confidence.quantile(0.1),
                b.confidence.quantile(0.5),
                b.confidence.quantile(0.9),
                b.signalLag.quantile(0.5),
                b.signalLag.quantile(0.99),
                Double.isNaN(b.signalLagMax) ? null : b.signalLagMax,
                b.ingestLatency.quantile(0.5),
                b.ingestLatency.quantile(0.99));
    }
}
