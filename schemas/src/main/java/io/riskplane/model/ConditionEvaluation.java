package io.riskplane.model;

/**
 * A ConditionSample judged against the policy in force at its time. status is BREACH, HEALTHY, INSUFFICIENT_DATA
 * (below the sample minimum: the breach run is neither extended nor cleared) or NO_POLICY. breachSinceMillis is the
 * time of the first sample of the current uninterrupted breach run (0 when none); entersTrigger marks the sample at
 * which the run has lasted the policy's duration, the one the rule acts on.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(io.riskplane.model.serde.ConditionEvaluationSerializer.Factory.class)
public record ConditionEvaluation(
        String evaluationId,
        ConditionSample sample,
        String status,
        String limitName,
        double limit,
        String durationName,
        long durationMillis,
        long minSamples,
        long breachSinceMillis,
        boolean triggered,
        boolean entersTrigger,
        String policyId,
        long policyVersion,
        String[] runSampleIds) {

    public static final String BREACH = "BREACH";
    public static final String HEALTHY = "HEALTHY";
    public static final String INSUFFICIENT_DATA = "INSUFFICIENT_DATA";
    public static final String NO_POLICY = "NO_POLICY";

    public String scopeKey() {
        return sample.scopeKey();
    }
}
