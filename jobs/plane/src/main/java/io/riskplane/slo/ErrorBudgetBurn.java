package io.riskplane.slo;

import io.riskplane.contract.DeterministicId;
import io.riskplane.eventtime.MinuteBuckets;
import io.riskplane.eventtime.OrderFreeKeyedFunction;
import io.riskplane.model.SloMeasurement;
import io.riskplane.telemetry.ExecutionFact;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;

/**
 * Good and bad orders per adapter (the key) per minute; at the end of every minute, the bad and total counts over the
 * 5m, 30m, 1h and 6h windows that multiwindow, multi-burn-rate alerting pairs (5m with 1h, 30m with 6h). A terminal
 * order is bad when rejected or errored. The burn rates need the SLO target, so the evaluator computes them. Counts
 * do not depend on the order of the facts, so they are counted on arrival (no event-time buffer).
 */
public class ErrorBudgetBurn extends OrderFreeKeyedFunction<String, ExecutionFact, SloMeasurement> {
    private static final long serialVersionUID = 1L;
    static final long MINUTE = MinuteBuckets.MINUTE;
    public static final int[] WINDOW_MINUTES = {5, 30, 60, 360};
    public static final String[] WINDOW_LABELS = {"5m", "30m", "1h", "6h"};

    private final MinuteBuckets<long[]> minutes =
            new MinuteBuckets<>("minute-good-bad", TypeInformation.of(long[].class));

    public ErrorBudgetBurn() {
        super(TypeInformation.of(ExecutionFact.class));
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        minutes.open(getRuntimeContext());
    }

    @Override
    protected long timestampOf(ExecutionFact f) {
        return f.eventTimeMillis();
    }

    @Override
    protected void add(long ts, ExecutionFact f, Context ctx, Collector<SloMeasurement> out) throws Exception {
        long minute = MinuteBuckets.minuteOf(ts);
        long[] counts = minutes.bucket(minute, () -> new long[2], ctx.timerService());
        counts[0]++;
        if (f.rejected() || !f.errorCategory().isEmpty()) {
            counts[1]++;
        }
        minutes.put(minute, counts);
    }

    @Override
    protected void onEventTime(long timestamp, OnTimerContext ctx, Collector<SloMeasurement> out) throws Exception {
        if (!MinuteBuckets.closesMinute(timestamp)) {
            return;
        }
        long end = timestamp + 1;
        long longest = WINDOW_MINUTES[WINDOW_MINUTES.length - 1] * MINUTE;
        // Later minutes hold facts ahead of the watermark: their own timers report them.
        Map<Long, long[]> kept = minutes.expireBefore(end - longest).headMap(end);
        if (kept.isEmpty()) {
            return;
        }
        Map<String, Double> values = new TreeMap<>();
        for (int i = 0; i < WINDOW_MINUTES.length; i++) {
            long total = 0;
            long bad = 0;
            for (Map.Entry<Long, long[]> e : kept.entrySet()) {
                if (e.getKey() >= end - WINDOW_MINUTES[i] * MINUTE) {
                    total += e.getValue()[0];
                    bad += e.getValue()[1];
                }
            }
            values.put("total_" + WINDOW_LABELS[i], (double) total);
            values.put("bad_" + WINDOW_LABELS[i], (double) bad);
        }
        String adapter = ctx.getCurrentKey();
        String scope = String.join("|", SloMeasurement.ERROR_BUDGET_BURN, adapter);
        out.collect(new SloMeasurement(
                DeterministicId.of("slo-", scope, end),
                SloMeasurement.ERROR_BUDGET_BURN,
                SloMeasurement.ADAPTER,
                "",
                "",
                adapter,
                end,
                end - longest,
                null,
                values.get("total_6h").longValue(),
                values,
                new String[0]));
        if (!endOfInput(ctx)) {
            MinuteBuckets.armClose(end, ctx.timerService());
        }
    }
}
