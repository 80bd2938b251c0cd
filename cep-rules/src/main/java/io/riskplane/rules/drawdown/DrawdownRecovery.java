package io.riskplane.rules.drawdown;

import io.riskplane.model.PolicyRecord;
import java.util.List;

/**
 * How a scope halted for its drawdown may resume by itself: its drawdown at or below {@code drawdown_resume_below}
 * (currency) on every snapshot for {@code drawdown_resume_after_s} seconds. A policy sets both or neither (the input
 * refuses one alone, and a resume level at or above its max_drawdown). Without it a drawdown halt is lifted by an
 * operator only.
 */
public record DrawdownRecovery(double resumeBelow, long afterMillis) {
    public static final String RESUME_BELOW = "drawdown_resume_below";
    public static final String RESUME_AFTER_S = "drawdown_resume_after_s";

    /** The policy's recovery, or null when it sets none. */
    public static DrawdownRecovery of(PolicyRecord p) {
        if (!p.hasThreshold(RESUME_BELOW) || !p.hasThreshold(RESUME_AFTER_S)) {
            return null;
        }
        return new DrawdownRecovery(p.threshold(RESUME_BELOW, 0), Math.round(p.threshold(RESUME_AFTER_S, 0) * 1000));
    }

    /**
     * The recovery of several policies in force together: only when every one sets one, and then the strictest of
     * each (the lowest level, the longest span). Null when any sets none or none is in force, so that no policy can
     * resume a halt that another one in force would keep.
     */
    public static DrawdownRecovery ofAll(List<PolicyRecord> policies) {
        DrawdownRecovery all = null;
        for (PolicyRecord p : policies) {
            DrawdownRecovery r = of(p);
            if (r == null) {
                return null;
            }
            all = all == null
                    ? r
                    : new DrawdownRecovery(
                            Math.min(all.resumeBelow, r.resumeBelow), Math.max(all.afterMillis, r.afterMillis));
        }
        return all;
    }
}
