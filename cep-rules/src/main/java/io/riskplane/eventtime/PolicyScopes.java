package io.riskplane.eventtime;

import io.riskplane.model.PolicyRecord;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Picks the policy version in force for one scope at one event time. Candidates are the versions effective by then
 * that set the threshold the caller needs; {@code rank} says how specifically a policy names the scope (negative: it
 * does not apply). The most specific wins, then {@link PolicyVersionedFunction#RECENCY}.
 */
public final class PolicyScopes {
    private PolicyScopes() {}

    public static PolicyRecord inForce(Iterable<Map.Entry<String, PolicyRecord>> all, long atMillis,
            String thresholdName, ToIntFunction<PolicyRecord> rank) {
        PolicyRecord best = null;
        int bestRank = -1;
        for (Map.Entry<String, PolicyRecord> e : all) {
            PolicyRecord p = e.getValue();
            if (p.effectiveMillis() > atMillis || !p.hasThreshold(thresholdName)) {
                continue;
            }
            int r = rank.applyAsInt(p);
            if (r < 0) {
                continue;
            }
            if (best == null || r > bestRank
                    || (r == bestRank && PolicyVersionedFunction.RECENCY.compare(p, best) > 0)) {
                best = p;
                bestRank = r;
            }
        }
        return best;
    }

    /** 1 when the policy names the value exactly, 0 for the wildcard "*", -1 otherwise (and for an unset field). */
    public static int named(String policyValue, String wanted) {
        return policyValue.isEmpty() ? -1 : policyValue.equals(wanted) ? 1 : "*".equals(policyValue) ? 0 : -1;
    }

    /**
     * For org/strategy scopes (PnL and guardrail policies): the org must match; a policy for the strategy itself ranks
     * 2, the org's default for each strategy ("*") 1, the org as a whole ("") 0. For the org level (strategy ""), only
     * org-wide policies apply.
     */
    public static int orgStrategy(PolicyRecord p, String org, String strategy) {
        if (!p.isPnlPolicy() || !p.org().equals(org)) {
            return -1;
        }
        if (strategy.isEmpty()) {
            return p.strategy().isEmpty() ? 0 : -1;
        }
        return p.strategy().equals(strategy) ? 2 : PolicyRecord.EACH_STRATEGY.equals(p.strategy()) ? 1
                : p.strategy().isEmpty() ? 0 : -1;
    }
}
