package io.riskplane.guardrails;

import io.riskplane.eventtime.PolicyVersionedFunction;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.PolicyRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The order-rate guardrail judged on arrival (rule {@value EarlyOrderRateRule#RULE_ID}), keyed by input partition
 * and scope: one key sees its orders in offset order, the same order live, after recovery and in a replay of the
 * same partition, so its decisions are deterministic without waiting for the watermark. When more than
 * max_orders_{level} of them fall within order_rate_window_s ending at the newest order's event time, the scope is
 * halted for cooldown_base_s at once; later trips of that key within the cooldown are left to the confirmed rules,
 * which escalate. Policies are the versions received so far (a policy must reach the plane before the orders it
 * governs for the early lane to apply it).
 */
public class EarlyOrderRateGuard
        extends KeyedBroadcastProcessFunction<String, EarlyOrderRateGuard.ArrivedOrder, PolicyRecord, ControlRecord> {
    private static final long serialVersionUID = 1L;

    public static final MapStateDescriptor<String, PolicyRecord> POLICIES =
            PolicyVersionedFunction.policiesDescriptor("early-guardrail-policies");

    /** Order ids cited as evidence: the latest ones in the window. */
    static final int EVIDENCE_ORDERS = 20;

    /** A new order at one guardrail level, with the input partition that delivered it ("topic/partition"). */
    public record ArrivedOrder(String topicPartition, GuardrailInput input) {
        public String key() {
            return topicPartition + "|" + input.scopeKey();
        }
    }

    /**
     * One key's recent order times (ascending, ids alongside), the end of its early cooldown, the newest order time,
     * and the event time after which the key needs nothing it holds.
     */
    public record Recent(List<Long> times, List<String> ids, long cooldownUntil, long newest, long forgetAt) {}

    private transient ValueState<Recent> recent;
    private transient Counter trips;

    @Override
    public void open(OpenContext openContext) {
        recent = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("early-order-rate", TypeInformation.of(Recent.class)));
        trips = getRuntimeContext().getMetricGroup().counter("guardrail_early_trips");
    }

    @Override
    public void processBroadcastElement(PolicyRecord policy, Context ctx, Collector<ControlRecord> out)
            throws Exception {
        PolicyVersionedFunction.keepFirst(ctx.getBroadcastState(POLICIES), policy);
    }

    @Override
    public void processElement(ArrivedOrder arrived, ReadOnlyContext ctx, Collector<ControlRecord> out)
            throws Exception {
        GuardrailInput in = arrived.input();
        long at = in.atMillis();
        String limitName = GuardrailMonitor.maxOrders(in.level());
        PolicyRecord p = GuardrailMonitor.policy(ctx.getBroadcastState(POLICIES).immutableEntries(), in, limitName);
        long window = GuardrailMonitor.orderRateWindowMillis(p);
        Recent r = recent.value();
        if (r == null) {
            r = new Recent(List.of(), List.of(), Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE);
        }
        long newest = Math.max(r.newest(), at);
        // Keep two windows behind the newest order: an order that arrives up to a window late still finds its peers.
        List<Long> times = new ArrayList<>(r.times().size() + 1);
        List<String> ids = new ArrayList<>(r.ids().size() + 1);
        for (int i = 0; i < r.times().size(); i++) {
            if (r.times().get(i) > newest - 2 * window) {
                times.add(r.times().get(i));
                ids.add(r.ids().get(i));
            }
        }
        // The new order goes in its place by time, then id, so that the list stays in event-time order.
        int pos = 0;
        while (pos < times.size()
                && (times.get(pos) < at || (times.get(pos) == at && ids.get(pos).compareTo(in.eventId()) <= 0))) {
            pos++;
        }
        times.add(pos, at);
        ids.add(pos, in.eventId());
        long cooldownUntil = r.cooldownUntil();
        if (p != null && at >= cooldownUntil) {
            List<String> inWindow = new ArrayList<>();
            for (int i = 0; i < times.size(); i++) {
                if (times.get(i) > at - window && times.get(i) <= at) {
                    inWindow.add(ids.get(i));
                }
            }
            double limit = p.threshold(limitName, Double.MAX_VALUE);
            if (inWindow.size() > limit) {
                long cooldown = (long)
                        (p.threshold(GuardrailMonitor.COOLDOWN_BASE, GuardrailMonitor.DEFAULT_COOLDOWN_BASE_S) * 1000);
                cooldownUntil = at + cooldown;
                trips.inc();
                out.collect(EarlyOrderRateRule.controlEvent(new EarlyOrderRateRule.Trip(
                        in.level(),
                        in.org(),
                        in.strategy(),
                        in.instrument(),
                        in.eventId(),
                        at,
                        window,
                        inWindow.size(),
                        limitName,
                        limit,
                        cooldownUntil,
                        p.policyId(),
                        p.version(),
                        List.copyOf(
                                inWindow.subList(Math.max(0, inWindow.size() - EVIDENCE_ORDERS), inWindow.size())))));
            }
        }
        // Forget the key once the watermark has passed everything it could still need.
        long forgetAt = Math.max(newest + 2 * window, cooldownUntil);
        recent.update(new Recent(List.copyOf(times), List.copyOf(ids), cooldownUntil, newest, forgetAt));
        ctx.timerService().registerEventTimeTimer(forgetAt);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ControlRecord> out) throws Exception {
        Recent r = recent.value();
        if (r != null && timestamp >= r.forgetAt()) { // earlier timers find a newer order or a later cooldown
            recent.clear();
        }
    }
}
