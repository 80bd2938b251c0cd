package io.riskplane.guardrails;

import static io.riskplane.rules.ControlEvents.metric;
import static io.riskplane.rules.ControlEvents.threshold;

import io.riskplane.contract.DeterministicId;
import io.riskplane.contract.ProtoTime;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.GuardrailTrip;
import io.riskplane.rules.ControlEvents;
import io.riskplane.rules.OneEventRule;
import io.riskplane.v1.ControlAction;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Evidence;
import io.riskplane.v1.Scope;
import java.util.Arrays;
import java.util.Locale;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Rules {@value #COOLDOWN_RULE_ID} and {@value #KILL_RULE_ID} (v{@value #RULE_VERSION}, docs/rules.md): every
 * guardrail trip puts its scope (org, strategy or instrument) in a COOLDOWN / HALT_NEW_ENTRIES until the escalated
 * cooldown expires; the trip that reaches kill_trips within trip_window_s is a KILL_SWITCH / HALT_NEW_ENTRIES
 * instead, which only an operator lifts.
 */
public final class GuardrailRule {
    public static final String COOLDOWN_RULE_ID = "guardrail.trip.cooldown";
    public static final String KILL_RULE_ID = "guardrail.repeat.kill-switch";
    public static final int RULE_VERSION = 1;
    public static final String KILL_REASON = "GUARDRAIL_REPEATED_TRIPS";

    private GuardrailRule() {}

    /** Every trip is a control event: a cooldown, or the kill at kill_trips. */
    public static DataStream<ControlRecord> apply(DataStream<GuardrailTrip> trips) {
        return OneEventRule.apply(
                trips,
                t -> true,
                GuardrailRule::controlEvent,
                "rules guardrail.trip / guardrail.repeat",
                "rule-guardrails");
    }

    public static String reasonCode(GuardrailTrip t) {
        return t.entersKill() ? KILL_REASON : "GUARDRAIL_" + t.check().toUpperCase(Locale.ROOT);
    }

    public static ControlRecord controlEvent(GuardrailTrip t) {
        boolean kill = t.entersKill();
        String ruleId = kill ? KILL_RULE_ID : COOLDOWN_RULE_ID;
        String reason = reasonCode(t);
        String controlId = DeterministicId.of(
                "ctl-", ruleId, RULE_VERSION, t.scopeKey(), reason, t.policyId(), t.policyVersion(), t.atMillis());
        String unit = GuardrailTrip.ORDER_RATE.equals(t.check()) ? "orders" : "bps";
        Evidence.Builder ev = Evidence.newBuilder()
                .setWindowStart(
                        ProtoTime.fromMillis(Math.min(t.windowStartMillis(), t.atMillis() - t.tripWindowMillis())))
                .setWindowEnd(ProtoTime.fromMillis(t.atMillis()))
                .addAllTriggerEventIds(Arrays.asList(t.triggerEventIds()))
                .addMetrics(metric(t.check(), t.value(), unit))
                .addMetrics(metric("trips_in_window", t.tripsInWindow(), "count"))
                .addMetrics(metric("cooldown_s", t.cooldownMillis() / 1000.0, "s"))
                .addThresholds(threshold(t.limitName(), t.limit(), unit, ">"))
                .addThresholds(threshold("kill_trips", t.killTrips(), "count", ">="))
                .addThresholds(threshold("trip_window_s", t.tripWindowMillis() / 1000.0, "s", "within"));
        String who = who(t.level(), t.org(), t.strategy(), t.instrument());
        String measured = String.format(
                Locale.ROOT,
                GuardrailTrip.ORDER_RATE.equals(t.check()) ? "%.0f orders > %.0f" : "%.1f bps > %.1f bps",
                t.value(),
                t.limit());
        ev.setSummary(
                kill
                        ? String.format(
                                Locale.ROOT,
                                "%s tripped %s (%s), trip %d within %.0f s (kill at %d): new entries "
                                        + "halted until an operator resumes (policy %s v%d)",
                                who,
                                t.check(),
                                measured,
                                t.tripsInWindow(),
                                t.tripWindowMillis() / 1000.0,
                                t.killTrips(),
                                t.policyId(),
                                t.policyVersion())
                        : String.format(
                                Locale.ROOT,
                                "%s tripped %s (%s), trip %d within %.0f s: new entries cooled down "
                                        + "for %.0f s (policy %s v%d)",
                                who,
                                t.check(),
                                measured,
                                t.tripsInWindow(),
                                t.tripWindowMillis() / 1000.0,
                                t.cooldownMillis() / 1000.0,
                                t.policyId(),
                                t.policyVersion()));
        Scope.Builder scope =
                Scope.newBuilder().setOrg(t.org()).setStrategy(t.strategy()).setInstrument(t.instrument());
        ControlEvent.Builder c = ControlEvent.newBuilder()
                .setControlId(controlId)
                .setKind(kill ? ControlKind.KILL_SWITCH : ControlKind.COOLDOWN)
                .setAction(ControlAction.HALT_NEW_ENTRIES)
                .setScope(scope)
                .setReasonCode(reason)
                .setRuleId(ruleId)
                .setRuleVersion(RULE_VERSION)
                .setPolicyId(t.policyId())
                .setPolicyVersion(t.policyVersion())
                .setEvidence(ev)
                .setDecidedAt(ProtoTime.fromMillis(t.atMillis()));
        if (!kill) {
            c.setExpiresAt(ProtoTime.fromMillis(t.cooldownUntilMillis()));
        }
        return ControlEvents.record(c.build(), t.scopeKey());
    }

    /** The scope in words, for summaries: "org acme", "strategy acme/momo" or "acme/momo on EQ:AAPL". */
    static String who(String level, String org, String strategy, String instrument) {
        return switch (level) {
            case "org" -> "org " + org;
            case "strategy" -> "strategy " + org + "/" + strategy;
            default -> org + "/" + strategy + " on " + instrument;
        };
    }
}
