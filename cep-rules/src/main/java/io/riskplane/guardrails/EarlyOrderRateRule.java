package io.riskplane.guardrails;

import static io.riskplane.rules.ControlEvents.metric;
import static io.riskplane.rules.ControlEvents.threshold;

import io.riskplane.contract.DeterministicId;
import io.riskplane.contract.ProtoTime;
import io.riskplane.model.ControlRecord;
import io.riskplane.rules.ControlEvents;
import io.riskplane.v1.ControlAction;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Evidence;
import io.riskplane.v1.Scope;
import java.util.List;
import java.util.Locale;

/**
 * Rule {@value #RULE_ID} (v{@value #RULE_VERSION}, docs/rules.md): the order-rate guardrail judged on arrival, for
 * the early control topic. The orders one input partition delivered, in offset order, are a subset of the scope's
 * orders, so more than max_orders_{level} of them within order_rate_window_s proves the violation that rule
 * {@value GuardrailRule#COOLDOWN_RULE_ID} will confirm once the watermark passes: the early event never halts a
 * scope that the confirmed rule would leave alone (it may miss a violation spread over partitions, which the
 * confirmed rule still catches). It halts for cooldown_base_s; escalation and kill stay with the confirmed rules.
 */
public final class EarlyOrderRateRule {
    public static final String RULE_ID = "guardrail.order-rate.early";
    public static final int RULE_VERSION = 1;
    public static final String REASON = "GUARDRAIL_ORDER_RATE_EARLY";

    private EarlyOrderRateRule() {}

    /**
     * One early trip: the scope (level, org, strategy, instrument) as the guardrails key it, the order that tipped it
     * (its event time is the decision time; it is on one partition, so the id below is unique), the count and the
     * policy. The partition is not part of the event, so that a replay file (one partition) of a scope whose orders
     * were on one partition gives byte-identical early events.
     */
    public record Trip(
            String level,
            String org,
            String strategy,
            String instrument,
            String triggerEventId,
            long atMillis,
            long windowMillis,
            int orders,
            String limitName,
            double limit,
            long cooldownUntilMillis,
            String policyId,
            long policyVersion,
            List<String> orderIds) {

        public String scopeKey() {
            return String.join("|", level, org, strategy, instrument);
        }
    }

    public static ControlRecord controlEvent(Trip t) {
        String controlId = DeterministicId.of(
                "ctl-",
                RULE_ID,
                RULE_VERSION,
                t.scopeKey(),
                REASON,
                t.policyId(),
                t.policyVersion(),
                t.atMillis(),
                t.triggerEventId());
        String who = GuardrailRule.who(t.level(), t.org(), t.strategy(), t.instrument());
        double windowSeconds = t.windowMillis() / 1000.0;
        Evidence.Builder ev = Evidence.newBuilder()
                .setWindowStart(ProtoTime.fromMillis(t.atMillis() - t.windowMillis()))
                .setWindowEnd(ProtoTime.fromMillis(t.atMillis()))
                .addAllTriggerEventIds(t.orderIds())
                .addMetrics(metric(io.riskplane.model.GuardrailTrip.ORDER_RATE, t.orders(), "orders"))
                .addThresholds(threshold(t.limitName(), t.limit(), "orders", ">"))
                .addThresholds(threshold("order_rate_window_s", windowSeconds, "s", "within"))
                .setSummary(String.format(
                        Locale.ROOT,
                        "%s sent %d orders > %.0f within %.0f s, counted on arrival"
                                + " within one input partition: new entries halted until %s pending the confirmed rule %s or %s"
                                + " (policy %s v%d)",
                        who,
                        t.orders(),
                        t.limit(),
                        windowSeconds,
                        java.time.Instant.ofEpochMilli(t.cooldownUntilMillis()),
                        GuardrailRule.COOLDOWN_RULE_ID,
                        GuardrailRule.KILL_RULE_ID,
                        t.policyId(),
                        t.policyVersion()));
        ControlEvent c = ControlEvent.newBuilder()
                .setControlId(controlId)
                .setKind(ControlKind.COOLDOWN)
                .setAction(ControlAction.HALT_NEW_ENTRIES)
                .setScope(Scope.newBuilder()
                        .setOrg(t.org())
                        .setStrategy(t.strategy())
                        .setInstrument(t.instrument()))
                .setReasonCode(REASON)
                .setRuleId(RULE_ID)
                .setRuleVersion(RULE_VERSION)
                .setPolicyId(t.policyId())
                .setPolicyVersion(t.policyVersion())
                .setEvidence(ev)
                .setDecidedAt(ProtoTime.fromMillis(t.atMillis()))
                .setExpiresAt(ProtoTime.fromMillis(t.cooldownUntilMillis()))
                .build();
        return ControlEvents.record(c, t.scopeKey());
    }
}
