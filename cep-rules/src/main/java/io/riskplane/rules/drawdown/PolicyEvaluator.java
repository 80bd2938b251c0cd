package io.riskplane.rules.drawdown;

import io.riskplane.eventtime.EventTimeBuffer;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.PolicyRecord;
import java.util.Comparator;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Judges each PnL snapshot against the risk policy in force at the snapshot's event time. Policies arrive on a
 * broadcast stream and every version is kept, so a new version takes effect from its own event time without a
 * restart, and a replay applies exactly the versions that were in force. Snapshots wait for the watermark so that
 * a policy and a snapshot racing on different channels are always applied in event-time order.
 */
public class PolicyEvaluator
        extends KeyedBroadcastProcessFunction<String, PnlSnapshot, PolicyRecord, PolicyEvaluation> {
    private static final long serialVersionUID = 1L;

    /** Every policy version, keyed policyId@version. */
    public static final MapStateDescriptor<String, PolicyRecord> POLICIES =
            new MapStateDescriptor<>("risk-policies", Types.STRING, TypeInformation.of(PolicyRecord.class));

    private final EventTimeBuffer<PnlSnapshot> buffer = new EventTimeBuffer<>(
            "snapshots-by-event-time", TypeInformation.of(PnlSnapshot.class),
            (a, b) -> a.snapshotId().compareTo(b.snapshotId()));
    private transient ValueState<Boolean> inBreach;
    private transient Counter policyUpdates;

    @Override
    public void open(OpenContext openContext) {
        buffer.open(getRuntimeContext());
        inBreach = getRuntimeContext().getState(new ValueStateDescriptor<>("in-breach", Types.BOOLEAN));
        policyUpdates = getRuntimeContext().getMetricGroup().counter("policy_versions_received");
    }

    @Override
    public void processBroadcastElement(PolicyRecord policy, Context ctx, Collector<PolicyEvaluation> out)
            throws Exception {
        BroadcastState<String, PolicyRecord> state = ctx.getBroadcastState(POLICIES);
        state.put(policy.policyId() + "@" + policy.version(), policy);
        policyUpdates.inc();
    }

    @Override
    public void processElement(PnlSnapshot snapshot, ReadOnlyContext ctx, Collector<PolicyEvaluation> out)
            throws Exception {
        long ts = snapshot.eventTimeMillis();
        if (ts <= ctx.timerService().currentWatermark()) {
            evaluate(snapshot, ctx.getBroadcastState(POLICIES), out);
        } else {
            buffer.add(ts, snapshot, ctx.timerService());
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PolicyEvaluation> out) throws Exception {
        for (PnlSnapshot s : buffer.drain(timestamp)) {
            evaluate(s, ctx.getBroadcastState(POLICIES), out);
        }
    }

    private void evaluate(PnlSnapshot s, ReadOnlyBroadcastState<String, PolicyRecord> policies,
            Collector<PolicyEvaluation> out) throws Exception {
        PolicyRecord policy = policyInForce(s, policies.immutableEntries());
        String reason = DrawdownLimits.judge(s, policy);
        boolean breached = !DrawdownReason.WITHIN_LIMITS.equals(reason);
        boolean was = Boolean.TRUE.equals(inBreach.value());
        inBreach.update(breached);
        out.collect(new PolicyEvaluation(s, policy, breached, breached && !was, reason));
    }

    /**
     * The policy for a snapshot's scope with the latest effective time not after the snapshot; for a strategy, its
     * own policy first, else the org's "*" default. Ties go to the higher version, then the policy id.
     */
    static PolicyRecord policyInForce(PnlSnapshot s, Iterable<Map.Entry<String, PolicyRecord>> all) {
        String wanted = PnlSnapshot.ORG.equals(s.scopeType()) ? PolicyRecord.ORG_WIDE : s.strategy();
        PolicyRecord own = null;
        PolicyRecord fallback = null;
        for (Map.Entry<String, PolicyRecord> e : all) {
            PolicyRecord p = e.getValue();
            boolean pnlPolicy = p.venue().isEmpty() && p.adapter().isEmpty();
            if (!pnlPolicy || !p.org().equals(s.org()) || p.effectiveMillis() > s.eventTimeMillis()) {
                continue;
            }
            if (p.strategy().equals(wanted)) {
                own = newer(own, p);
            } else if (PnlSnapshot.STRATEGY.equals(s.scopeType()) && PolicyRecord.EACH_STRATEGY.equals(p.strategy())) {
                fallback = newer(fallback, p);
            }
        }
        return own != null ? own : fallback;
    }

    private static final Comparator<PolicyRecord> RECENCY = Comparator.comparingLong(PolicyRecord::effectiveMillis)
            .thenComparingLong(PolicyRecord::version)
            .thenComparing(PolicyRecord::policyId);

    private static PolicyRecord newer(PolicyRecord a, PolicyRecord b) {
        return a == null || RECENCY.compare(b, a) > 0 ? b : a;
    }
}
