package io.riskplane.rules.slo;

import io.riskplane.model.ControlRecord;
import io.riskplane.model.SloEvaluation;
import io.riskplane.rules.OneEventRule;
import org.apache.flink.streaming.api.datastream.DataStream;

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

    /** The rules' condition: the evaluation that enters a halt or a resume. */
    public static boolean fires(SloEvaluation e) {
        return e.entersHalt() || e.entersResume();
    }

    public static DataStream<ControlRecord> apply(DataStream<SloEvaluation> evaluations) {
        return OneEventRule.apply(
                evaluations, SloRule::fires, SloControlEvents::of, "rules slo.breach / slo.recovery", "rule-slo");
    }
}
