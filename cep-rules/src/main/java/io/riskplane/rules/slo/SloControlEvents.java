package io.riskplane.rules.slo;

import static io.riskplane.rules.ControlEvents.metric;
import static io.riskplane.rules.ControlEvents.threshold;

import io.riskplane.contract.DeterministicId;
import io.riskplane.contract.ProtoTime;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.SloEvaluation;
import io.riskplane.model.SloMeasurement;
import io.riskplane.rules.ControlEvents;
import io.riskplane.v1.ControlAction;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Evidence;
import io.riskplane.v1.Scope;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Builds the SLO halt and resume control events with their evidence; everything derives from event data. */
public final class SloControlEvents {
    private SloControlEvents() {}

    public static String reasonCode(SloEvaluation e) {
        if (e.entersResume()) {
            return "SLO_RECOVERED";
        }
        switch (e.measurement().slo()) {
            case SloMeasurement.QUOTE_FRESHNESS:
                return "QUOTE_STALE";
            case SloMeasurement.REJECTION_RATE:
                return "REJECTION_RATE_BREACHED";
            case SloMeasurement.LATENCY_P95:
                return "LATENCY_P95_BREACHED";
            default:
                return "ERROR_BUDGET_BURN";
        }
    }

    public static ControlRecord of(SloEvaluation e) {
        SloMeasurement m = e.measurement();
        boolean resume = e.entersResume();
        String ruleId = resume ? SloRule.RESUME_RULE_ID : SloRule.HALT_RULE_ID;
        String reason = reasonCode(e);
        Scope.Builder scope = Scope.newBuilder();
        String who;
        if (SloMeasurement.VENUE_INSTRUMENT.equals(m.scopeType())) {
            scope.setVenue(m.venue()).setInstrument(m.instrument());
            who = m.instrument() + " on " + m.venue();
        } else {
            scope.setAdapter(m.adapter());
            who = "adapter " + m.adapter();
        }
        String controlId = DeterministicId.of(
                "ctl-",
                ruleId,
                SloRule.RULE_VERSION,
                e.scopeKey(),
                reason,
                e.policyId(),
                e.policyVersion(),
                m.measuredAtMillis());
        String unit = m.slo().equals(SloMeasurement.REJECTION_RATE)
                ? "ratio"
                : m.slo().equals(SloMeasurement.ERROR_BUDGET_BURN) ? "ratio" : "ms";
        Evidence.Builder ev = Evidence.newBuilder()
                .setWindowStart(ProtoTime.fromMillis(m.windowStartMillis()))
                .setWindowEnd(ProtoTime.fromMillis(m.measuredAtMillis()))
                .addAllTriggerEventIds(Arrays.asList(e.streakMeasurementIds()))
                .addAllTriggerEventIds(Arrays.asList(m.triggerEventIds()));
        if (m.value() != null) {
            ev.addMetrics(metric(m.slo(), m.value(), unit));
        }
        ev.addMetrics(metric("samples", m.samples(), "count"));
        ev.addMetrics(
                resume
                        ? metric("healthy_streak", e.healthyStreak(), "evaluations")
                        : metric("breach_streak", e.breachStreak(), "evaluations"));
        // Sorted: maps come back from Flink's serializer in no particular order.
        for (Map.Entry<String, Double> d : new TreeMap<>(e.derived()).entrySet()) {
            ev.addMetrics(metric(d.getKey(), d.getValue(), "ratio"));
        }
        for (Map.Entry<String, Double> d : new TreeMap<>(m.values()).entrySet()) {
            ev.addMetrics(metric(d.getKey(), d.getValue(), "count"));
        }
        ev.addThresholds(threshold(
                e.thresholdName(),
                e.threshold(),
                unit,
                m.slo().equals(SloMeasurement.ERROR_BUDGET_BURN) ? "target" : ">"));
        ev.addThresholds(
                resume
                        ? threshold(SloJudge.RESUME_EVALUATIONS, e.resumeEvaluations(), "evaluations", ">=")
                        : threshold(SloJudge.CONFIRM_EVALUATIONS, e.confirmEvaluations(), "evaluations", ">="));
        ev.setSummary(
                resume
                        ? String.format(
                                Locale.ROOT,
                                "%s healthy on %s for %d consecutive evaluations: trading resumed "
                                        + "(policy %s v%d allows auto-resume)",
                                who,
                                m.slo(),
                                e.healthyStreak(),
                                e.policyId(),
                                e.policyVersion())
                        : String.format(
                                Locale.ROOT,
                                "%s breached %s (%s) for %d consecutive evaluations: new entries "
                                        + "halted (policy %s v%d)",
                                who,
                                m.slo(),
                                comparison(e, unit),
                                e.breachStreak(),
                                e.policyId(),
                                e.policyVersion()));

        ControlEvent c = ControlEvent.newBuilder()
                .setControlId(controlId)
                .setKind(resume ? ControlKind.RESUME : ControlKind.KILL_SWITCH)
                .setAction(resume ? ControlAction.RESUME_TRADING : ControlAction.HALT_NEW_ENTRIES)
                .setScope(scope)
                .setReasonCode(reason)
                .setRuleId(ruleId)
                .setRuleVersion(SloRule.RULE_VERSION)
                .setPolicyId(e.policyId())
                .setPolicyVersion(e.policyVersion())
                .setEvidence(ev)
                .setDecidedAt(ProtoTime.fromMillis(m.measuredAtMillis()))
                .build();
        return ControlEvents.record(c, e.scopeKey());
    }

    private static String comparison(SloEvaluation e, String unit) {
        SloMeasurement m = e.measurement();
        if (m.slo().equals(SloMeasurement.ERROR_BUDGET_BURN)) {
            return String.format(
                    Locale.ROOT, "burn rates %s against target %.4f", new TreeMap<>(e.derived()), e.threshold());
        }
        String f = unit.equals("ms") ? "%.0f ms" : "%.4f";
        return String.format(Locale.ROOT, f + " > " + f, m.value(), e.threshold());
    }
}
