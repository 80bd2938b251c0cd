package io.riskplane.rules.drawdown;

import io.riskplane.eventtime.PolicyScopes;
import io.riskplane.eventtime.PolicyVersionedFunction;
import io.riskplane.eventtime.StateValue;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.PolicyRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Judges a scope's PnL snapshots, in event-time order, against the risk policy in force at each snapshot's event
 * time, and marks the evaluation that enters breach (rule {@value DrawdownKillSwitchRule#RULE_ID} fires on it). No
 * policy is a breach (fail closed); among equally specific policies the snapshot breaches when any of them says so.
 *
 * <p>Plain Java: the host (PnlScopeHost) keeps the policy versions (broadcast state), the scope's breach state and
 * the event-time order.
 */
public final class DrawdownJudge {
    private final StateValue<Boolean> inBreach;

    public DrawdownJudge(StateValue<Boolean> inBreach) {
        this.inBreach = inBreach;
    }

    /** Judges one snapshot with every policy version received so far (keyed policyId@version). */
    public PolicyEvaluation judge(PnlSnapshot s, Iterable<Map.Entry<String, PolicyRecord>> policies)
            throws Exception {
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
        boolean was = Boolean.TRUE.equals(inBreach.get());
        if (breached != was) {
            inBreach.set(breached ? Boolean.TRUE : null);
        }
        return new PolicyEvaluation(s, policy, breached, breached && !was, reason);
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
        tier.sort(PolicyVersionedFunction.RECENCY.reversed());
        return tier;
    }
}
