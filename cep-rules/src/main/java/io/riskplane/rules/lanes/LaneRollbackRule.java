package io.riskplane.rules.lanes;

import static io.riskplane.rules.ControlEvents.metric;
import static io.riskplane.rules.ControlEvents.threshold;

import io.riskplane.contract.DeterministicId;
import io.riskplane.contract.ProtoTime;
import io.riskplane.model.ControlRecord;
import io.riskplane.rules.RuleCandidates;
import io.riskplane.model.LaneRunEvaluation;
import io.riskplane.model.LaneRunRecord;
import io.riskplane.rules.ControlEvents;
import io.riskplane.v1.ControlAction;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Evidence;
import io.riskplane.v1.Scope;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;

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

    /** The condition of the rule's one-event pattern. */
    static final SimpleCondition<LaneRunEvaluation> FIRES = SimpleCondition.of(LaneRunEvaluation::entersRollback);

    public static Pattern<LaneRunEvaluation, ?> pattern() {
        return Pattern.<LaneRunEvaluation>begin("rollback", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(FIRES);
    }

    public static DataStream<ControlRecord> apply(DataStream<LaneRunEvaluation> evaluations) {
        return CEP.pattern(RuleCandidates.of(evaluations, FIRES).keyBy(e -> e.run().lane()), pattern())
                .process(new Emit())
                .name("rule lane.failures.rollback")
                .uid("rule-lane-rollback");
    }

    public static ControlRecord controlEvent(LaneRunEvaluation e) {
        LaneRunRecord r = e.run();
        long at = r.eventTimeMillis();
        String controlId = DeterministicId.of("ctl-", RULE_ID, RULE_VERSION, r.lane(), REASON, e.policyId(),
                e.policyVersion(), at);
        Evidence.Builder ev = Evidence.newBuilder()
                .setWindowStart(ProtoTime.fromMillis(e.windowStartMillis()))
                .setWindowEnd(ProtoTime.fromMillis(at))
                .addAllTriggerEventIds(Arrays.asList(e.failedRunEventIds()))
                .addMetrics(metric("lane_failures", e.failures(), "count"))
                .addThresholds(threshold(LaneFailureEvaluator.MAX_FAILURES, e.maxFailures(), "count", ">="))
                .addThresholds(threshold(LaneFailureEvaluator.WINDOW_SECONDS, e.windowMillis() / 1000.0, "s",
                        "within"))
                .setSummary(String.format(Locale.ROOT, "lane %s failed %d runs within %.0f s (limit %d; last run %s "
                        + "on %s%s): lane disabled, %s (policy %s v%d)", r.lane(), e.failures(),
                        e.windowMillis() / 1000.0, e.maxFailures(), r.runId(), r.policyVersion(),
                        r.failedGates().isEmpty() ? "" : ", failed gates " + String.join(",", r.failedGates()),
                        e.rollbackTarget().isEmpty() ? "no earlier lane policy version known"
                                : "revert to " + e.rollbackTarget(),
                        e.policyId(), e.policyVersion()));
        ControlEvent c = ControlEvent.newBuilder()
                .setControlId(controlId)
                .setKind(ControlKind.ROLLBACK)
                .setAction(ControlAction.DISABLE_LANE)
                .setScope(Scope.newBuilder().setOrg(r.org()).setStrategy(r.strategy()).setLane(r.lane()))
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

    static final class Emit extends PatternProcessFunction<LaneRunEvaluation, ControlRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processMatch(Map<String, List<LaneRunEvaluation>> match, Context ctx,
                Collector<ControlRecord> out) {
            for (LaneRunEvaluation e : match.get("rollback")) {
                out.collect(controlEvent(e));
            }
        }
    }
}
