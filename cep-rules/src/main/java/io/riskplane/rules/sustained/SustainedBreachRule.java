package io.riskplane.rules.sustained;

import io.riskplane.model.ConditionEvaluation;
import io.riskplane.model.ControlRecord;
import io.riskplane.rules.RuleCandidates;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;

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

    /** The condition of the rule's one-event pattern. */
    static final SimpleCondition<ConditionEvaluation> FIRES = SimpleCondition.of(ConditionEvaluation::entersTrigger);

    public static Pattern<ConditionEvaluation, ?> pattern() {
        return Pattern.<ConditionEvaluation>begin("sustained", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(FIRES);
    }

    public static DataStream<ControlRecord> apply(DataStream<ConditionEvaluation> evaluations) {
        return CEP.pattern(RuleCandidates.of(evaluations, FIRES).keyBy(ConditionEvaluation::scopeKey), pattern())
                .process(new Emit())
                .name("rules route.fallback.rollback / signal.lag.halt-lanes")
                .uid("rule-sustained");
    }

    static final class Emit extends PatternProcessFunction<ConditionEvaluation, ControlRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processMatch(Map<String, List<ConditionEvaluation>> match, Context ctx,
                Collector<ControlRecord> out) {
            for (ConditionEvaluation e : match.get("sustained")) {
                out.collect(SustainedControlEvents.of(e));
            }
        }
    }
}
