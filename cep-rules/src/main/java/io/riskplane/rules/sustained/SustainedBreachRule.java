package io.riskplane.rules.sustained;

import io.riskplane.model.ConditionEvaluation;
import io.riskplane.model.ControlRecord;
import io.riskplane.rules.OneEventRule;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Rules {@value #ROUTE_RULE_ID} (ROLLBACK / DISABLE_ROUTE for an adapter whose fallback ratio stayed over budget for
 * the policy's duration) and {@value #SIGNAL_LAG_RULE_ID} (KILL_SWITCH / HALT_NEW_ENTRIES for a lane whose signal
 * source lagged beyond the limit for the policy's duration), both v{@value #RULE_VERSION} (docs/rules.md). Neither
 * resumes by itself: an operator re-enables the route or the lane.
 */
public final class SustainedBreachRule {
    public static final String ROUTE_RULE_ID = "route.fallback.rollback";
    public static final String SIGNAL_LAG_RULE_ID = "signal.lag.halt-lanes";
    public static final int RULE_VERSION = 1;

    private SustainedBreachRule() {}

    /** The rules' condition: the evaluation that enters the sustained breach. */
    public static boolean fires(ConditionEvaluation e) {
        return e.entersTrigger();
    }

    public static DataStream<ControlRecord> apply(DataStream<ConditionEvaluation> evaluations) {
        return OneEventRule.apply(
                evaluations,
                SustainedBreachRule::fires,
                SustainedControlEvents::of,
                "rules route.fallback.rollback / signal.lag.halt-lanes",
                "rule-sustained");
    }
}
