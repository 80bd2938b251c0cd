package io.riskplane.model;

import java.util.Map;

/**
 * An SLO measurement judged against the policy in force at its time, with the streaks that confirm a breach or a
 * recovery. status is BREACH, HEALTHY, INSUFFICIENT_DATA (below the sample minimum: streaks unchanged) or NO_POLICY
 * (no threshold for this SLO and scope: not monitored). entersHalt / entersResume mark the transitions the rules act
 * on (docs/rules.md). storeReason says why storage keeps this evaluation: STATUS_CHANGE (status or halt changed, or
 * the scope's first), PERIODIC (the first of a minute of event time), or "" (judged but not stored; docs/storage.md).
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(io.riskplane.model.serde.SloEvaluationSerializer.Factory.class)
public record SloEvaluation(
        String evaluationId,
        SloMeasurement measurement,
        String status,
        String thresholdName,
        double threshold,
        int breachStreak,
        int healthyStreak,
        boolean halted,
        boolean entersHalt,
        boolean entersResume,
        String policyId,
        long policyVersion,
        int confirmEvaluations,
        int resumeEvaluations,
        boolean autoResume,
        Map<String, Double> derived,
        String[] streakMeasurementIds,
        String storeReason) {

    public static final String BREACH = "BREACH";
    public static final String HEALTHY = "HEALTHY";
    public static final String INSUFFICIENT_DATA = "INSUFFICIENT_DATA";
    public static final String NO_POLICY = "NO_POLICY";

    public String scopeKey() {
        return measurement.scopeKey();
    }

    /** Whether storage keeps this evaluation (the rules judge every one). */
    public boolean stored() {
        return !storeReason.isEmpty();
    }
}
