package io.riskplane.model;

/**
 * A lane run judged against the lane policy in force: failures counts the lane's FAILED runs within the policy window
 * ending at this run (this one included); entersRollback marks the run at which failures reaches the policy's K. The
 * rollback target is the lane policy version the lane ran before its current one ("" when none was seen).
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(io.riskplane.model.serde.LaneRunEvaluationSerializer.Factory.class)
public record LaneRunEvaluation(
        String evaluationId,
        LaneRunRecord run,
        int failures,
        int maxFailures,
        long windowMillis,
        long windowStartMillis,
        boolean entersRollback,
        String rollbackTarget,
        String policyId,
        long policyVersion,
        String[] failedRunEventIds) {}
