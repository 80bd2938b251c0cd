package io.riskplane.rules.drawdown;

/**
 * Rule {@value #RULE_ID} v{@value #RULE_VERSION}: KILL_SWITCH / HALT_NEW_ENTRIES for a strategy (or an org) whose
 * drawdown reaches the limit of the risk policy in force, or that has no policy at all (fail closed). It fires on
 * the evaluation that enters breach ({@link #fires}), so a scope that stays in breach, or falls back into it while
 * halted, is halted once, not on every tick. A drawdown halt resumes by itself only by a recovery every policy in force
 * sets ({@link DrawdownRecoveryRule}); otherwise an operator lifts it (docs/rules.md). The rule is a predicate inside the PnL host
 * (PnlScopeHost), which judges every snapshot of its scope in event-time order; the event is
 * {@link KillSwitchEvents#haltNewEntries}.
 */
public final class DrawdownKillSwitchRule {
    public static final String RULE_ID = "pnl.drawdown.kill-switch";
    public static final int RULE_VERSION = 1;

    private DrawdownKillSwitchRule() {}

    /** The rule's one-event condition. */
    public static boolean fires(DrawdownEvaluation e) {
        return e.entersBreach();
    }
}
