package io.riskplane.model;

/**
 * One run of an autonomous lane: outcome is the LaneOutcome name; failedGates lists the gates that did not pass, in
 * the order the run reported them.
 */
public record LaneRunRecord(
        String eventId,
        long eventTimeMillis,
        String lane,
        String runId,
        String outcome,
        String policyVersion,
        String org,
        String strategy,
        java.util.List<String> failedGates) {

    public boolean failed() {
        // ABORTED is a stop by an operator or the scheduler, not a verdict on the lane.
        return "FAILED".equals(outcome);
    }
}
