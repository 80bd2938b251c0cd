package io.riskplane.rules.slo;

import io.riskplane.model.ControlRecord;
import io.riskplane.rules.RuleCandidates;
import io.riskplane.model.SloEvaluation;
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
 * Rules {@value #HALT_RULE_ID} and {@value #RESUME_RULE_ID} (v{@value #RULE_VERSION}): KILL_SWITCH /
 * HALT_NEW_ENTRIES for a venue's instrument or an adapter when its SLO breach is confirmed over confirm_evaluations
 * consecutive evaluations; RESUME / RESUME_TRADING after resume_evaluations consecutive healthy ones, where the
 * policy allows auto-resume (docs/rules.md).
 */
public final class SloRule {
    public static final String HALT_RULE_ID = "slo.breach.kill-switch";
    public static final String RESUME_RULE_ID = "slo.recovery.resume";
    public static final int RULE_VERSION = 1;

    private SloRule() {}

    /** The condition of the rule's one-event pattern. */
    static final SimpleCondition<SloEvaluation> FIRES = SimpleCondition.of(e -> e.entersHalt() || e.entersResume());

    public static Pattern<SloEvaluation, ?> pattern() {
        return Pattern.<SloEvaluation>begin("transition", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(FIRES);
    }

    public static DataStream<ControlRecord> apply(DataStream<SloEvaluation> evaluations) {
        return CEP.pattern(RuleCandidates.of(evaluations, FIRES).keyBy(SloEvaluation::scopeKey), pattern())
                .process(new Emit())
                .name("rules slo.breach / slo.recovery")
                .uid("rule-slo");
    }

    static final class Emit extends PatternProcessFunction<SloEvaluation, ControlRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processMatch(Map<String, List<SloEvaluation>> match, Context ctx, Collector<ControlRecord> out) {
            for (SloEvaluation e : match.get("transition")) {
                out.collect(SloControlEvents.of(e));
            }
        }
    }
}
