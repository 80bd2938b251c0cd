package io.riskplane.rules.drawdown;

import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.PolicyRecord;

/** The drawdown rule's arithmetic, apart from Flink so that it can be tested by hand-computed cases. */
public final class DrawdownLimits {
    private DrawdownLimits() {}

    /**
     * The first limit the snapshot breaches, in a fixed order, or WITHIN_LIMITS. A limit is breached when the
     * measured value reaches it (>=). No policy is a breach: missing data blocks, never allows.
     */
    public static String judge(PnlSnapshot s, PolicyRecord p) {
        if (p == null) {
            return DrawdownReason.POLICY_MISSING;
        }
        // Every comparison with NaN is false: a non-finite measure would read as "within limits". It is a breach.
        if (!Double.isFinite(s.drawdown())
                || !Double.isFinite(s.dailyPnl())
                || !Double.isFinite(s.equity())
                || !Double.isFinite(s.peakEquity())) {
            return DrawdownReason.NON_FINITE_MEASURE;
        }
        if (s.drawdown() >= p.maxDrawdown()) {
            return DrawdownReason.DRAWDOWN_LIMIT_BREACHED;
        }
        Double fraction = fraction(s, p);
        if (p.maxDrawdownFraction() > 0 && fraction != null && fraction >= p.maxDrawdownFraction()) {
            return DrawdownReason.DRAWDOWN_FRACTION_BREACHED;
        }
        if (p.maxDailyLoss() > 0 && -s.dailyPnl() >= p.maxDailyLoss()) {
            return DrawdownReason.DAILY_LOSS_LIMIT_BREACHED;
        }
        return DrawdownReason.WITHIN_LIMITS;
    }

    /**
     * Drawdown as a fraction of the peak account value. With a capital base in the policy the peak account value
     * is capital_base + peak equity (what a trader means by "down 5% from the high"); without one it is the peak
     * PnL equity alone, as in the snapshot, and undefined (null) while that peak is not positive.
     */
    public static Double fraction(PnlSnapshot s, PolicyRecord p) {
        if (p != null && p.capitalBase() > 0) {
            double base = p.capitalBase() + s.peakEquity();
            return base > 0 ? s.drawdown() / base : null;
        }
        return s.drawdownFraction();
    }
}
