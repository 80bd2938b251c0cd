package io.riskplane.rules.drawdown;

import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.PolicyRecord;

/**
 * A PnL snapshot judged against the policy in force at its event time. policy is null when none applies, which
 * is itself a breach (fail closed). entersBreach is true only on the evaluation that moves the scope into breach.
 */
public record PolicyEvaluation(
        PnlSnapshot snapshot, PolicyRecord policy, boolean breached, boolean entersBreach, String reasonCode) {

    public String scopeKey() {
        return snapshot.scopeKey();
    }
}
