package io.riskplane.rules.drawdown;

/** Reason codes of the drawdown rule: part of the public contract (docs/rules.md). */
public final class DrawdownReason {
    public static final String WITHIN_LIMITS = "WITHIN_LIMITS";
    public static final String DRAWDOWN_LIMIT_BREACHED = "DRAWDOWN_LIMIT_BREACHED";
    public static final String DRAWDOWN_FRACTION_BREACHED = "DRAWDOWN_FRACTION_BREACHED";
    public static final String DAILY_LOSS_LIMIT_BREACHED = "DAILY_LOSS_LIMIT_BREACHED";
    public static final String POLICY_MISSING = "POLICY_MISSING";
    /** Equity, peak, drawdown or daily PnL is not a finite number: the judgement cannot be trusted, so it halts. */
    public static final String NON_FINITE_MEASURE = "NON_FINITE_MEASURE";
    /** Rule pnl.recovery.resume: the drawdown stayed at or below the policy's resume level for its span. */
    public static final String DRAWDOWN_RECOVERED = "DRAWDOWN_RECOVERED";

    private DrawdownReason() {}
}
