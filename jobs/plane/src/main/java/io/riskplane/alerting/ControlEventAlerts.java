package io.riskplane.alerting;

import io.riskplane.v1.Alert;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Severity;

/**
 * The alert of a control event, for on-call (docs/alerting.md): its severity, labels and runbook. Deterministic, like
 * the control event it comes from: the alert id is derived from the control id. Which control events raise an alert,
 * and when it ends, is the halt ledger's (io.riskplane.halts.HaltLedger: one alert per halt episode).
 */
public final class ControlEventAlerts {
    public static final String SOURCE = "riskplane";

    private ControlEventAlerts() {}

    /**
     * Page for what stops trading until someone acts (kill-switch, rollback); warning for a cooldown, which lifts
     * itself; info for a resume.
     */
    public static Severity severityOf(ControlKind kind) {
        return switch (kind) {
            case KILL_SWITCH, ROLLBACK -> Severity.PAGE;
            case COOLDOWN -> Severity.WARNING;
            case RESUME -> Severity.INFO;
            default -> Severity.CRITICAL; // a kind this version does not know: make sure a human looks
        };
    }

    public static Alert alertOf(ControlEvent c, AlertSettings settings) {
        Alert.Builder a = Alert.newBuilder()
                .setAlertId("alt-" + c.getControlId())
                .setSeverity(severityOf(c.getKind()))
                .setRuleId(c.getRuleId())
                .setScope(c.getScope())
                .setSummary(c.getEvidence().getSummary())
                .setRunbookUrl(settings.runbookOf(c.getRuleId()))
                .setControlId(c.getControlId())
                .putLabels("team", settings.teamOf(c.getScope().getOrg()))
                .putLabels("kind", c.getKind().name())
                .putLabels("action", c.getAction().name())
                .putLabels("reason_code", c.getReasonCode());
        if (!c.getPolicyId().isEmpty()) {
            a.putLabels("policy", c.getPolicyId() + "@" + c.getPolicyVersion());
        }
        if (!c.getRollbackTarget().isEmpty()) {
            a.putLabels("rollback_target", c.getRollbackTarget());
        }
        return a.build();
    }
}
