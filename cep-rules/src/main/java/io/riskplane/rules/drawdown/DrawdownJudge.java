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
 * <p>Once halted, a scope stays halted while it stays in breach or falls back into it: no second kill switch for the
 * same episode. How the episode ends depends on the policies in force when the scope is back within its limits:
 * <ul>
 *   <li>when every one of them sets a recovery ({@link DrawdownRecovery}: drawdown at or below
 *       {@code drawdown_resume_below} for {@code drawdown_resume_after_s}), the halt lasts until the scope has met it
 *       on every snapshot of that span; then the evaluation resumes the scope (rule
 *       {@value DrawdownRecoveryRule#RULE_ID}) and the kill switch is armed again;</li>
 *   <li>otherwise the kill switch is armed again on the first snapshot within the limits and the halt itself is
 *       lifted by an operator (docs/rules.md): the plane does not learn of that lift, so it must not stay silent on
 *       the next breach.</li>
 * </ul>
 *
 * <p>Plain Java: the host (PnlScopeHost) keeps the policy versions (broadcast state), the scope's halt state and the
 * event-time order.
 */
public final class DrawdownJudge {
    /** TRUE while the scope is halted by this rule (state "in-breach", its name from when it meant only that). */
    private final StateValue<Boolean> halted;
    /** While halted: since when the scope has met its recovery without a break; absent otherwise. */
    private final StateValue<Long> calmSince;

    public DrawdownJudge(StateValue<Boolean> halted, StateValue<Long> calmSince) {
        this.halted = halted;
        this.calmSince = calmSince;
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
        boolean was = Boolean.TRUE.equals(halted.get());
        if (breached) {
            if (calmSince.get() != null) {
                calmSince.clear();
            }
            if (!was) {
                halted.set(Boolean.TRUE);
            }
            return new PolicyEvaluation(s, policy, true, !was, reason, null, 0);
        }
        if (!was) {
            return new PolicyEvaluation(s, policy, false, false, reason, null, 0);
        }
        DrawdownRecovery recovery = DrawdownRecovery.ofAll(policiesInForce(s, policies));
        if (recovery == null) {
            halted.clear();
            return new PolicyEvaluation(s, policy, false, false, reason, null, 0);
        }
        if (s.drawdown() > recovery.resumeBelow()) {
            if (calmSince.get() != null) {
                calmSince.clear();
            }
            return new PolicyEvaluation(s, policy, false, false, reason, recovery, 0);
        }
        Long since = calmSince.get();
        if (since == null) {
            since = s.eventTimeMillis();
            calmSince.set(since);
        }
        if (s.eventTimeMillis() - since < recovery.afterMillis()) {
            return new PolicyEvaluation(s, policy, false, false, reason, recovery, 0);
        }
        halted.clear();
        calmSince.clear();
        return new PolicyEvaluation(s, policy, false, false, reason, recovery, since);
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
