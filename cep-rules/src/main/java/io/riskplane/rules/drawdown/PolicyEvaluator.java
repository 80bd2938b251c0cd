package io.riskplane.rules.drawdown;

import io.riskplane.eventtime.PolicyVersionedFunction;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.PolicyRecord;
import io.riskplane.eventtime.PolicyScopes;
import java.util.ArrayList;
import java.util.List;
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
        PolicyRecord policy = null;
        String reason = DrawdownReason.POLICY_MISSING;
        // Among equally specific policies the strictest wins: the snapshot breaches when any of them says so.
        for (PolicyRecord p : policiesInForce(s, policies)) {
            String r = DrawdownLimits.judge(s, p);
            if (policy == null || (DrawdownReason.WITHIN_LIMITS.equals(reason)
                    && !DrawdownReason.WITHIN_LIMITS.equals(r))) {
                policy = p;
                reason = r;
            }
        }
        boolean breached = !DrawdownReason.WITHIN_LIMITS.equals(reason);
        boolean was = Boolean.TRUE.equals(inBreach.value());
        inBreach.update(breached);
        out.collect(new PolicyEvaluation(s, policy, breached, breached && !was, reason));
    }

    /**
     * The policies in force for a snapshot's scope: of each policy id its latest version effective by the snapshot
     * ({@link PolicyScopes#latestOfItsId}); the scope's own policies if any, else (for a strategy) the org's "*"
     * defaults. The most recent first (RECENCY), so that a snapshot within every limit names the latest.
     */
    static List<PolicyRecord> policiesInForce(PnlSnapshot s, Iterable<Map.Entry<String, PolicyRecord>> all) {
        String wanted = PnlSnapshot.ORG.equals(s.scopeType()) ? PolicyRecord.ORG_WIDE : s.strategy();
        List<PolicyRecord> own = new ArrayList<>();
        List<PolicyRecord> fallback = new ArrayList<>();
        for (Map.Entry<String, PolicyRecord> e : all) {
            PolicyRecord p = e.getValue();
            if (p.effectiveMillis() > s.eventTimeMillis() || !p.isPnlPolicy() || !p.org().equals(s.org())
                    || !PolicyScopes.latestOfItsId(all, p, s.eventTimeMillis())) {
                continue;
            }
            if (p.strategy().equals(wanted)) {
                own.add(p);
            } else if (PnlSnapshot.STRATEGY.equals(s.scopeType()) && PolicyRecord.EACH_STRATEGY.equals(p.strategy())) {
                fallback.add(p);
            }
        }
        List<PolicyRecord> tier = own.isEmpty() ? fallback : own;
        tier.sort(RECENCY.reversed());
        return tier;
    }
}
