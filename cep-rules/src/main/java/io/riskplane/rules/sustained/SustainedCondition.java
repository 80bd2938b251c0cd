package io.riskplane.rules.sustained;

import io.riskplane.eventtime.PolicyScopes;
import io.riskplane.model.ConditionSample;
import io.riskplane.model.PolicyRecord;

/**
 * The conditions a sustained-breach rule watches: the policy thresholds that govern each (names are part of the
 * policy contract, docs/rules.md) and which policies apply to a sample's scope.
 */
public enum SustainedCondition {
    /** Route fallback ratio of an adapter over its budget: adapter policies (scope.adapter a name or "*"). */
    ROUTE_FALLBACK(
            ConditionSample.ROUTE_FALLBACK,
            "fallback_ratio_budget",
            "fallback_budget_for_s",
            180,
            "fallback_min_samples",
            10),
    /** Signal lag a lane sees from its source over the limit: lane policies (scope.lane a name or "*"). */
    SIGNAL_LAG(ConditionSample.SIGNAL_LAG, "signal_lag_max_s", "signal_lag_for_s", 30, "", 0);

    private final String condition;
    private final String limitName;
    private final String durationName;
    private final double defaultDurationSeconds;
    private final String minSamplesName;
    private final double defaultMinSamples;

    SustainedCondition(
            String condition,
            String limitName,
            String durationName,
            double defaultDurationSeconds,
            String minSamplesName,
            double defaultMinSamples) {
        this.condition = condition;
        this.limitName = limitName;
        this.durationName = durationName;
        this.defaultDurationSeconds = defaultDurationSeconds;
        this.minSamplesName = minSamplesName;
        this.defaultMinSamples = defaultMinSamples;
    }

    public static SustainedCondition of(String condition) {
        for (SustainedCondition c : values()) {
            if (c.condition.equals(condition)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown condition " + condition);
    }

    public String limitName() {
        return limitName;
    }

    public String durationName() {
        return durationName;
    }

    public double defaultDurationSeconds() {
        return defaultDurationSeconds;
    }

    public String minSamplesName() {
        return minSamplesName;
    }

    public double defaultMinSamples() {
        return defaultMinSamples;
    }

    int rank(PolicyRecord p, ConditionSample s) {
        if (this == ROUTE_FALLBACK) {
            return p.venue().isEmpty() && p.lane().isEmpty() ? PolicyScopes.named(p.adapter(), s.adapter()) : -1;
        }
        return p.venue().isEmpty() && p.adapter().isEmpty() ? PolicyScopes.named(p.lane(), s.lane()) : -1;
    }
}
