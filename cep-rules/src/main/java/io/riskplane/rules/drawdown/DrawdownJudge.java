package io.riskplane.rules.drawdown;

import io.riskplane.eventtime.OperatorResumes;
import io.riskplane.eventtime.PolicyScopes;
import io.riskplane.eventtime.PolicyVersionedFunction;
import io.riskplane.eventtime.StateValue;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.PolicyRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Judges a scope's PnL snapshots, in event-time order, against the risk policy in force at each snapshot's event
 * time, and marks the evaluation that enters breach (rule {@value DrawdownKillSwitchRule#RULE_ID} fires on it). No
 * policy is a breach (fail closed); among equally specific policies the snapshot breaches when any of them says so.
 *
 * <p>Once halted, a scope stays halted while it stays in breach or falls back into it: no second kill switch, no
 * second page for the same episode. The episode ends, and the kill switch is armed again, by whichever comes first:
 * <ul>
 *   <li>an operator's resume of exactly this scope that lifts this rule (or every rule), at or after the halt
 *       (rule operator.resume; the host finds the latest in its broadcast state): armed from the resume on, so a
 *       scope resumed while still in breach is halted again on its next snapshot (fail closed);</li>
 *   <li>the policies' recovery, when every policy in force sets one ({@link DrawdownRecovery}: drawdown at or below
 *       {@code drawdown_resume_below} for {@code drawdown_resume_after_s}): then the evaluation resumes the scope
 *       itself (rule {@value DrawdownRecoveryRule#RULE_ID}).</li>
 * </ul>
 * Without either the halt stays, however the drawdown moves: lift it with {@code riskplane control resume}, which the
 * plane sees; a lift on the execution side alone leaves the rule latched (docs/rules.md).
 *
 * <p>Plain Java: the host (PnlScopeHost) keeps the policy versions (broadcast state), the scope's halt state and the
 * event-time order.
 */
public final class DrawdownJudge {
    /** TRUE while the scope is halted by this rule (state "in-breach", its name from when it meant only that). */
    private final StateValue<Boolean> halted;
    /** While halted: since when the scope has met its recovery without a break; absent otherwise. */
    private final StateValue<Long> calmSince;
    /**
     * While halted: the earliest time of an operator's resume that lifts the halt (the halt's time, or one past the
     * resume that re-armed the rule when the scope halted again at that very millisecond); absent for a halt from
     * before this state existed, which any resume lifts.
     */
    private final StateValue<Long> resumableFrom;

    public DrawdownJudge(StateValue<Boolean> halted, StateValue<Long> calmSince, StateValue<Long> resumableFrom) {
        this.halted = halted;
        this.calmSince = calmSince;
        this.resumableFrom = resumableFrom;
    }

    /** Judges one snapshot, with no operator resume. */
    public DrawdownEvaluation judge(PnlSnapshot s, Iterable<Map.Entry<String, PolicyRecord>> policies)
            throws Exception {
        return judge(s, policies, () -> Long.MIN_VALUE);
    }

    /**
     * Judges one snapshot with every policy version received so far (keyed policyId@version) and the time of the
     * latest operator resume of its scope at or before it (Long.MIN_VALUE when none), looked up only while the scope
     * is halted: every mark is judged, and most scopes are not halted.
     */
    public DrawdownEvaluation judge(
            PnlSnapshot s, Iterable<Map.Entry<String, PolicyRecord>> policies, LongSupplier lastResume)
            throws Exception {
        PolicyRecord policy = null;
        String reason = DrawdownReason.POLICY_MISSING;
        // Among equally specific policies the strictest wins: the snapshot breaches when any of them says so.
        for (PolicyRecord p : policiesInForce(s, policies)) {
            String r = DrawdownLimits.judge(s, p);
            if (policy == null
                    || (DrawdownReason.WITHIN_LIMITS.equals(reason) && !DrawdownReason.WITHIN_LIMITS.equals(r))) {
                policy = p;
                reason = r;
            }
        }
        boolean breached = !DrawdownReason.WITHIN_LIMITS.equals(reason);
        boolean was = Boolean.TRUE.equals(halted.get());
        long rearmedAt = Long.MIN_VALUE;
        if (was) {
            long resumed = lastResume.getAsLong();
            if (OperatorResumes.lifts(resumed, resumableFrom.get())) {
                // An operator resumed the scope after the halt: the rule is armed again from the resume on.
                halted.clear();
                calmSince.clear();
                resumableFrom.clear();
                was = false;
                rearmedAt = resumed;
            }
        }
        if (breached) {
            if (calmSince.get() != null) {
                calmSince.clear();
            }
            if (!was) {
                halted.set(Boolean.TRUE);
                resumableFrom.set(OperatorResumes.resumableFrom(s.eventTimeMillis(), rearmedAt));
            }
            return new DrawdownEvaluation(s, policy, true, !was, reason, null, 0);
        }
        if (!was) {
            return new DrawdownEvaluation(s, policy, false, false, reason, null, 0);
        }
        DrawdownRecovery recovery = DrawdownRecovery.ofAll(policiesInForce(s, policies));
        if (recovery == null) {
            return new DrawdownEvaluation(s, policy, false, false, reason, null, 0); // halted until an operator resumes
        }
        if (s.drawdown() > recovery.resumeBelow()) {
            if (calmSince.get() != null) {
                calmSince.clear();
            }
            return new DrawdownEvaluation(s, policy, false, false, reason, recovery, 0);
        }
        Long since = calmSince.get();
        if (since == null) {
            since = s.eventTimeMillis();
            calmSince.set(since);
        }
        if (s.eventTimeMillis() - since < recovery.afterMillis()) {
            return new DrawdownEvaluation(s, policy, false, false, reason, recovery, 0);
        }
        halted.clear();
        calmSince.clear();
        resumableFrom.clear();
        return new DrawdownEvaluation(s, policy, false, false, reason, recovery, since);
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
            if (p.effectiveMillis() > s.eventTimeMillis()
                    || !p.isPnlPolicy()
                    || !p.org().equals(s.org())
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
