package io.riskplane.rules.sustained;

import static io.riskplane.rules.ControlEvents.metric;
import static io.riskplane.rules.ControlEvents.threshold;

import io.riskplane.contract.DeterministicId;
import io.riskplane.contract.ProtoTime;
import io.riskplane.model.ConditionEvaluation;
import io.riskplane.model.ConditionSample;
import io.riskplane.model.ControlRecord;
import io.riskplane.rules.ControlEvents;
import io.riskplane.v1.ControlAction;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Evidence;
import io.riskplane.v1.Scope;
import java.util.Arrays;
import java.util.Locale;

/** Builds the route rollback and the lane halt for signal lag, with their evidence, from event data only. */
public final class SustainedControlEvents {
    public static final String FALLBACK_REASON = "FALLBACK_RATIO_OVER_BUDGET";
    public static final String SIGNAL_LAG_REASON = "SIGNAL_LAG_BREACHED";

    private SustainedControlEvents() {}

    public static ControlRecord of(ConditionEvaluation e) {
        ConditionSample s = e.sample();
        boolean route = ConditionSample.ROUTE_FALLBACK.equals(s.condition());
        String ruleId = route ? SustainedBreachRule.ROUTE_RULE_ID : SustainedBreachRule.SIGNAL_LAG_RULE_ID;
        String reason = route ? FALLBACK_REASON : SIGNAL_LAG_REASON;
        String controlId = DeterministicId.of(
                "ctl-",
                ruleId,
                SustainedBreachRule.RULE_VERSION,
                e.scopeKey(),
                reason,
                e.policyId(),
                e.policyVersion(),
                s.atMillis());
        double lastedSeconds = (s.atMillis() - e.breachSinceMillis()) / 1000.0;
        String unit = route ? "ratio" : "s";
        Evidence.Builder ev = Evidence.newBuilder()
                .setWindowStart(ProtoTime.fromMillis(Math.min(e.breachSinceMillis(), s.windowStartMillis())))
                .setWindowEnd(ProtoTime.fromMillis(s.atMillis()))
                .addAllTriggerEventIds(Arrays.asList(e.runSampleIds()))
                .addAllTriggerEventIds(Arrays.asList(s.triggerEventIds()))
                .addMetrics(metric(route ? "fallback_ratio" : "signal_lag_s", s.value(), unit))
                .addMetrics(metric("samples", s.samples(), "count"))
                .addMetrics(metric("breach_lasted_s", lastedSeconds, "s"))
                .addThresholds(threshold(e.limitName(), e.limit(), unit, ">"))
                .addThresholds(threshold(e.durationName(), e.durationMillis() / 1000.0, "s", ">="));
        if (e.minSamples() > 0) {
            ev.addThresholds(
                    threshold(SustainedCondition.of(s.condition()).minSamplesName(), e.minSamples(), "count", ">="));
        }
        Scope.Builder scope = Scope.newBuilder();
        if (route) {
            scope.setAdapter(s.adapter());
            ev.setSummary(String.format(
                    Locale.ROOT,
                    "route %s fell back on %.0f%% of %d orders (budget %.0f%%) for "
                            + "%.0f s%s: route disabled (policy %s v%d)",
                    s.adapter(),
                    s.value() * 100,
                    s.samples(),
                    e.limit() * 100,
                    lastedSeconds,
                    s.detail().isEmpty() ? "" : "; reasons " + s.detail(),
                    e.policyId(),
                    e.policyVersion()));
        } else {
            scope.setLane(s.lane()).setOrg(s.org()).setStrategy(s.strategy());
            ev.setSummary(String.format(
                    Locale.ROOT,
                    "lane %s: signals from %s lagged %.1f s (limit %.1f s) for "
                            + "%.0f s: new entries halted for the lane (policy %s v%d)",
                    s.lane(),
                    s.source(),
                    s.value(),
                    e.limit(),
                    lastedSeconds,
                    e.policyId(),
                    e.policyVersion()));
        }
        ControlEvent c = ControlEvent.newBuilder()
                .setControlId(controlId)
                .setKind(route ? ControlKind.ROLLBACK : ControlKind.KILL_SWITCH)
                .setAction(route ? ControlAction.DISABLE_ROUTE : ControlAction.HALT_NEW_ENTRIES)
                .setScope(scope)
                .setReasonCode(reason)
                .setRuleId(ruleId)
                .setRuleVersion(SustainedBreachRule.RULE_VERSION)
                .setPolicyId(e.policyId())
                .setPolicyVersion(e.policyVersion())
                .setEvidence(ev)
                .setDecidedAt(ProtoTime.fromMillis(s.atMillis()))
                .build();
        return ControlEvents.record(c, e.scopeKey());
    }
}
