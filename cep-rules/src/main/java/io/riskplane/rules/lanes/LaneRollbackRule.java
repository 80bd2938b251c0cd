package io.riskplane.rules.lanes;

import static io.riskplane.rules.ControlEvents.metric;
import static io.riskplane.rules.ControlEvents.threshold;

import io.riskplane.contract.DeterministicId;
import io.riskplane.contract.ProtoTime;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.LaneRunEvaluation;
import io.riskplane.model.LaneRunRecord;
import io.riskplane.rules.ControlEvents;
import io.riskplane.rules.OneEventRule;
import io.riskplane.v1.ControlAction;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Evidence;
import io.riskplane.v1.Scope;
import java.util.Arrays;
import java.util.Locale;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Rule {@value #RULE_ID} v{@value #RULE_VERSION}: an autonomous lane that fails lane_max_failures times within
 * lane_failure_window_s gets ROLLBACK / DISABLE_LANE, with rollback_target naming the lane policy version to revert
 * to (docs/rules.md).
 */
public final class LaneRollbackRule {
    public static final String RULE_ID = "lane.failures.rollback";
    public static final int RULE_VERSION = 1;
    public static final String REASON = "LANE_REPEATED_FAILURES";

    private LaneRollbackRule() {}

    /** The rule's condition: the evaluation that enters a rollback. */
    public static boolean fires(LaneRunEvaluation e) {
        return e.entersRollback();
    }

    public static DataStream<ControlRecord> apply(DataStream<LaneRunEvaluation> evaluations) {
        return OneEventRule.apply(
                evaluations,
                LaneRollbackRule::fires,
                LaneRollbackRule::controlEvent,
                "rule lane.failures.rollback",
                "rule-lane-rollback");
    }

    public static ControlRecord controlEvent(LaneRunEvaluation e) {
        LaneRunRecord r = e.run();
        long at = r.eventTimeMillis();
        String controlId = DeterministicId.of(
                "ctl-", RULE_ID, RULE_VERSION, r.lane(), REASON, e.policyId(), e.policyVersion(), at);
        Evidence.Builder ev = Evidence.newBuilder()
                .setWindowStart(ProtoTime.fromMillis(e.windowStartMillis()))
                .setWindowEnd(ProtoTime.fromMillis(at))
                .addAllTriggerEventIds(Arrays.asList(e.failedRunEventIds()))
                .addMetrics(metric("lane_failures", e.failures(), "count"))
                .addThresholds(threshold(LaneFailureEvaluator.MAX_FAILURES, e.maxFailures(), "count", ">="))
                .addThresholds(threshold(LaneFailureEvaluator.WINDOW_SECONDS, e.windowMillis() / 1000.0, "s", "within"))
                .setSummary(String.format(
                        Locale.ROOT,
                        "lane %s failed %d runs within %.0f s (limit %d; last run %s "
                                + "on %s%s): lane disabled, %s (policy %s v%d)",
                        r.lane(),
                        e.failures(),
                        e.windowMillis() / 1000.0,
                        e.maxFailures(),
                        r.runId(),
                        r.policyVersion(),
                        r.failedGates().isEmpty() ? "" : ", failed gates " + String.join(",", r.failedGates()),
                        e.rollbackTarget().isEmpty()
                                ? "no earlier lane policy version known"
                                : "revert to " + e.rollbackTarget(),
                        e.policyId(),
                        e.policyVersion()));
        ControlEvent c = ControlEvent.newBuilder()
                .setControlId(controlId)
                .setKind(ControlKind.ROLLBACK)
                .setAction(ControlAction.DISABLE_LANE)
                .setScope(Scope.newBuilder()
                        .setOrg(r.org())
                        .setStrategy(r.strategy())
                        .setLane(r.lane()))
                .setReasonCode(REASON)
                .setRuleId(RULE_ID)
                .setRuleVersion(RULE_VERSION)
                .setPolicyId(e.policyId())
                .setPolicyVersion(e.policyVersion())
                .setEvidence(ev)
                .setDecidedAt(ProtoTime.fromMillis(at))
                .setRollbackTarget(e.rollbackTarget())
                .build();
        return ControlEvents.record(c, "lane|" + r.lane());
    }
}
