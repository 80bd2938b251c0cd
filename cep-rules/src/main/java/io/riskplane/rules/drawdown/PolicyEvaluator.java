package io.riskplane.rules.drawdown;

import io.riskplane.eventtime.PolicyVersionedFunction;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.PolicyRecord;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * Judges each PnL snapshot against the risk policy in force at the snapshot's event time (see
 * {@link PolicyVersionedFunction} for how versions and ordering work) and marks the evaluation that enters breach.
 */
public class PolicyEvaluator extends PolicyVersionedFunction<PnlSnapshot, PolicyEvaluation> {
    private static final long serialVersionUID = 1L;

    /** Every policy version, keyed policyId@version. */
    public static final MapStateDescriptor<String, PolicyRecord> POLICIES =
            PolicyVersionedFunction.policiesDescriptor("risk-policies");

    private transient ValueState<Boolean> inBreach;

    public PolicyEvaluator() {
        super(POLICIES, TypeInformation.of(PnlSnapshot.class), (a, b) -> a.snapshotId().compareTo(b.snapshotId()));
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        inBreach = getRuntimeContext().getState(new ValueStateDescriptor<>("in-breach", Types.BOOLEAN));
    }

    @Override
    protected long timestampOf(PnlSnapshot s) {
        return s.eventTimeMillis();
    }

    @Override
    protected void judge(PnlSnapshot s, Iterable<Map.Entry<String, PolicyRecord>> policies,
            Collector<PolicyEvaluation> out) throws Exception {
        PolicyRecord policy = policyInForce(s, policies);
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
            boolean pnlPolicy = p.isPnlPolicy();
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


    private static PolicyRecord newer(PolicyRecord a, PolicyRecord b) {
        return a == null || RECENCY.compare(b, a) > 0 ? b : a;
    }
}
