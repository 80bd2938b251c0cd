package io.riskplane.eventtime;

import io.riskplane.model.PolicyRecord;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Picks the policy version in force for one scope at one event time. Of each policy id only its latest version
 * effective by then counts ({@link PolicyVersionedFunction#RECENCY}: a new version replaces the old one, also when it
 * no longer sets a threshold or names another scope). Candidates are those that set the threshold the caller needs;
 * {@code rank} says how specifically a policy names the scope (negative: it does not apply). The most specific wins;
 * among equally specific policies (different ids) the strictest value of the threshold wins
 * ({@link PolicyThresholds}), so that adding a policy can never loosen a limit that another one sets. Equal values go
 * to RECENCY.
 */
public final class PolicyScopes {
    private PolicyScopes() {}

    public static PolicyRecord inForce(
            Iterable<Map.Entry<String, PolicyRecord>> all,
            long atMillis,
            String thresholdName,
            ToIntFunction<PolicyRecord> rank) {
        PolicyThresholds.Spec spec = PolicyThresholds.spec(thresholdName);
        PolicyRecord best = null;
        int bestRank = -1;
        for (Map.Entry<String, PolicyRecord> e : all) {
            PolicyRecord p = e.getValue();
            if (p.effectiveMillis() > atMillis || !p.hasThreshold(thresholdName)) {
                continue;
            }
            int r = rank.applyAsInt(p);
            if (r < 0 || (best != null && r < bestRank) || !latestOfItsId(all, p, atMillis)) {
                continue;
            }
            if (best == null || r > bestRank || preferred(p, best, thresholdName, spec)) {
                best = p;
                bestRank = r;
            }
        }
        return best;
    }

    /**
     * Whether {@code p} is its policy id's latest version effective at {@code atMillis}. Policies are few: a second
     * pass over them costs less than collecting them (this runs for every judged input).
     */
    public static boolean latestOfItsId(Iterable<Map.Entry<String, PolicyRecord>> all, PolicyRecord p, long atMillis) {
        for (Map.Entry<String, PolicyRecord> e : all) {
            PolicyRecord q = e.getValue();
            if (q != p
                    && q.effectiveMillis() <= atMillis
                    && q.policyId().equals(p.policyId())
                    && PolicyVersionedFunction.RECENCY.compare(q, p) > 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean preferred(PolicyRecord p, PolicyRecord best, String name, PolicyThresholds.Spec spec) {
        double a = p.threshold(name, Double.NaN);
        double b = best.threshold(name, Double.NaN);
        if (spec != null && a != b) {
            return spec.stricter(a, b);
        }
        return PolicyVersionedFunction.RECENCY.compare(p, best) > 0;
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
        return p.strategy().equals(strategy)
                ? 2
                : PolicyRecord.EACH_STRATEGY.equals(p.strategy())
                        ? 1
                        : p.strategy().isEmpty() ? 0 : -1;
    }
}
