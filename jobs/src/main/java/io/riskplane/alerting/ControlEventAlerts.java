package io.riskplane.alerting;

import io.riskplane.model.AlertRecord;
import io.riskplane.model.ControlRecord;
import io.riskplane.v1.Alert;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Severity;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * One alert per control event, for on-call (docs/alerting.md). Deterministic, like the control event it comes from:
 * the alert id is derived from the control id, its time is the decision's event time. Also counts control events per
 * rule and kind ({@code control_events}), since every control event passes here.
 */
public class ControlEventAlerts extends RichMapFunction<ControlRecord, AlertRecord> {
    private static final long serialVersionUID = 1L;
    public static final String SOURCE = "riskplane";

    private final AlertSettings settings;
    private transient Map<String, Counter> counters;

    public ControlEventAlerts(AlertSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        counters = new HashMap<>();
    }

    @Override
    public AlertRecord map(ControlRecord r) throws Exception {
        Envelope control = Envelope.parseFrom(r.envelope());
        ControlEvent c = control.getControl();
        counters.computeIfAbsent(c.getRuleId() + "|" + c.getKind(), k -> getRuntimeContext().getMetricGroup()
                .addGroup("rule_id", c.getRuleId()).addGroup("kind", c.getKind().name()).counter("control_events"))
                .inc();
        Alert alert = alertOf(c, settings);
        Envelope envelope = Envelope.newBuilder()
                .setEventId(alert.getAlertId())
                .setSource(SOURCE)
                .setEventTime(control.getEventTime())
                .setAlert(alert)
                .build();
        return new AlertRecord(alert.getAlertId(), c.getControlId(), r.scopeKey(), r.decidedAtMillis(),
                c.getRuleId(), alert.getSeverity().name(), envelope.toByteArray());
    }

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
