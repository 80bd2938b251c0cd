package io.riskplane.rules.drawdown;

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
 * Rule {@value #RULE_ID} v{@value #RULE_VERSION}: KILL_SWITCH / HALT_NEW_ENTRIES for a strategy (or an org) whose
 * drawdown reaches the limit of the risk policy in force, or that has no policy at all (fail closed). It fires on
 * the evaluation that enters breach, so a scope that stays in breach is halted once, not on every tick. A drawdown
 * halt never resumes by itself (docs/rules.md).
 */
public final class DrawdownKillSwitchRule {
    public static final String RULE_ID = "pnl.drawdown.kill-switch";
    public static final int RULE_VERSION = 1;

    private DrawdownKillSwitchRule() {}

    /** The condition of the rule's one-event pattern. */
    static final SimpleCondition<PolicyEvaluation> FIRES = SimpleCondition.of(PolicyEvaluation::entersBreach);

    public static Pattern<PolicyEvaluation, ?> pattern() {
        return Pattern.<PolicyEvaluation>begin("breach", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(FIRES);
    }

    /** Applies the rule in event time per scope. */
    public static DataStream<ControlRecord> apply(DataStream<PolicyEvaluation> evaluations) {
        return CEP.pattern(RuleCandidates.of(evaluations, FIRES).keyBy(PolicyEvaluation::scopeKey), pattern())
                .process(new EmitKillSwitch())
                .name("rule " + RULE_ID)
                .uid("rule-" + RULE_ID);
    }

    static final class EmitKillSwitch extends PatternProcessFunction<PolicyEvaluation, ControlRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processMatch(Map<String, List<PolicyEvaluation>> match, Context ctx, Collector<ControlRecord> out) {
            for (PolicyEvaluation e : match.get("breach")) {
                out.collect(KillSwitchEvents.haltNewEntries(e));
            }
        }
    }
}
