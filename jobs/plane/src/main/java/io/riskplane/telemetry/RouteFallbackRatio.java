package io.riskplane.telemetry;

import io.riskplane.contract.DeterministicId;
import io.riskplane.eventtime.EventTimeOrderedFunction;
import io.riskplane.eventtime.MinuteBuckets;
import io.riskplane.model.ConditionSample;
import io.riskplane.model.OrderRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * The fallback ratio of one route (the key: the adapter the router intended, expected_adapter): of the orders meant
 * for it that ended in the last 5 minutes, the share carried by another adapter. Measured at the end of every minute
 * while the window holds orders, for rule route.fallback.rollback. An order counts once, at its first terminal
 * transition. The execution telemetry's fallback ratio is by the adapter that carried the order; this one is by the
 * route that failed over, which is what a rollback disables.
 */
public class RouteFallbackRatio extends EventTimeOrderedFunction<String, OrderRecord, ConditionSample> {
    private static final long serialVersionUID = 1L;
    static final long MINUTE = MinuteBuckets.MINUTE;
    public static final int WINDOW_MINUTES = 5;

    /** Per minute: orders, fallbacks and reason=count pairs. */
    public record Minute(long orders, long fallbacks, Map<String, Long> reasons) {}

    private final MinuteBuckets<Minute> minutes =
            new MinuteBuckets<>("route-minutes", TypeInformation.of(Minute.class));
    private transient MapState<String, Long> counted;

    public RouteFallbackRatio() {
        super(TypeInformation.of(OrderRecord.class), (a, b) -> a.eventId().compareTo(b.eventId()));
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        minutes.open(getRuntimeContext());
        counted = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("route-orders-counted", Types.STRING, Types.LONG));
    }

    @Override
    protected long timestampOf(OrderRecord o) {
        return o.eventTimeMillis();
    }

    @Override
    protected void process(long ts, List<OrderRecord> orders, Context ctx, Collector<ConditionSample> out)
            throws Exception {
        long minute = MinuteBuckets.minuteOf(ts);
        Minute m = minutes.bucket(minute, () -> new Minute(0, 0, Map.of()), ctx.timerService());
        Map<String, Long> reasons = new TreeMap<>(m.reasons());
        long n = m.orders();
        long fb = m.fallbacks();
        for (OrderRecord o : orders) {
            if (counted.contains(o.orderId())) {
                continue;
            }
            counted.put(o.orderId(), minute);
            n++;
            if (isFallback(o)) {
                fb++;
                reasons.merge(o.fallbackReason().isEmpty() ? "unspecified" : o.fallbackReason(), 1L, Long::sum);
            }
        }
        minutes.put(minute, new Minute(n, fb, reasons));
    }

    static boolean isFallback(OrderRecord o) {
        return !o.actualAdapter().isEmpty() && !o.actualAdapter().equals(o.expectedAdapter());
    }

    @Override
    protected void onEventTime(long timestamp, OnTimerContext ctx, Collector<ConditionSample> out) throws Exception {
        if (!MinuteBuckets.closesMinute(timestamp)) {
            return;
        }
        long end = timestamp + 1;
        long start = end - WINDOW_MINUTES * MINUTE;
        long n = 0;
        long fb = 0;
        Map<String, Long> reasons = new TreeMap<>();
        for (Minute m : minutes.expireBefore(start).values()) {
            n += m.orders();
            fb += m.fallbacks();
            m.reasons().forEach((r, c) -> reasons.merge(r, c, Long::sum));
        }
        List<String> forgotten = new ArrayList<>();
        for (Map.Entry<String, Long> e : counted.entries()) {
            if (e.getValue() < start) {
                forgotten.add(e.getKey());
            }
        }
        for (String id : forgotten) {
            counted.remove(id);
        }
        if (n == 0) {
            return;
        }
        String route = ctx.getCurrentKey();
        StringBuilder detail = new StringBuilder();
        reasons.forEach((r, c) -> detail.append(detail.length() == 0 ? "" : ",")
                .append(r)
                .append('=')
                .append(c));
        String scope = String.join("|", ConditionSample.ROUTE_FALLBACK, route);
        out.collect(new ConditionSample(
                DeterministicId.of("cs-", scope, end),
                ConditionSample.ROUTE_FALLBACK,
                "",
                "",
                route,
                "",
                "",
                end,
                start,
                (double) fb / n,
                n,
                detail.toString(),
                new String[0]));
        if (!endOfInput(ctx)) {
            MinuteBuckets.armClose(end, ctx.timerService());
        }
    }
}
