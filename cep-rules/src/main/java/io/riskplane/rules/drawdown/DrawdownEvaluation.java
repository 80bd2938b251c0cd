package io.riskplane.rules.drawdown;

import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.PolicyRecord;

/**
 * A PnL snapshot judged against the policy in force at its event time. policy is null when none applies, which
 * is itself a breach (fail closed). entersBreach is true only on the evaluation that halts the scope; a scope already
 * halted does not enter breach again until the halt ends. recovery is the recovery the policies in force set while
 * the scope is halted (null when none or not halted); resumesFromMillis is, on the evaluation that ends the halt by
 * that recovery, the event time since which the scope met it, and 0 on every other evaluation.
 */
public record DrawdownEvaluation(
        PnlSnapshot snapshot,
        PolicyRecord policy,
        boolean breached,
        boolean entersBreach,
        String reasonCode,
        DrawdownRecovery recovery,
        long resumesFromMillis) {

    public String scopeKey() {
        return snapshot.scopeKey();
    }

    /** True on the evaluation whose snapshot ends a halt by the policy's recovery. */
    public boolean resumes() {
        return resumesFromMillis != 0;
    }
}
