package io.riskplane.rules.drawdown;

/**
 * Rule {@value #RULE_ID} v{@value #RULE_VERSION}: RESUME / RESUME_TRADING for a strategy (or an org) that rule
 * {@value DrawdownKillSwitchRule#RULE_ID} halted, once its drawdown has stayed at or below the policy's
 * {@code drawdown_resume_below} for {@code drawdown_resume_after_s} ({@link DrawdownRecovery}), when every policy in
 * force sets such a recovery. Without one a drawdown halt is lifted by an operator only (docs/rules.md). A predicate
 * inside the PnL host, as the kill switch; the event is {@link KillSwitchEvents#resume}.
 */
public final class DrawdownRecoveryRule {
    public static final String RULE_ID = "pnl.recovery.resume";
    public static final int RULE_VERSION = 1;

    private DrawdownRecoveryRule() {}

    /** The rule's one-event condition. */
    public static boolean fires(DrawdownEvaluation e) {
        return e.resumes();
    }
}
