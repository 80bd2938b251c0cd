package io.riskplane.rules.drawdown;

import io.riskplane.contract.DeterministicId;
import io.riskplane.contract.ProtoTime;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.PolicyRecord;
import io.riskplane.v1.ControlAction;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Evidence;
import io.riskplane.v1.Metric;
import io.riskplane.v1.Scope;
import io.riskplane.v1.Threshold;
import java.util.Arrays;
import java.util.Locale;

/**
 * Builds the drawdown rules' control events, the kill switch and the resume, with their evidence. Everything in them
 * derives from event data.
 */
public final class KillSwitchEvents {
    public static final String PLANE_SOURCE = io.riskplane.rules.ControlEvents.PLANE_SOURCE;

    private KillSwitchEvents() {}

    public static ControlRecord haltNewEntries(DrawdownEvaluation e) {
        PnlSnapshot s = e.snapshot();
        PolicyRecord p = e.policy();
        String currency = p == null ? "" : p.currency();
        Scope.Builder scope = scopeOf(s);
        String controlId = DeterministicId.of(
                "ctl-",
                DrawdownKillSwitchRule.RULE_ID,
                DrawdownKillSwitchRule.RULE_VERSION,
                s.scopeKey(),
                e.reasonCode(),
                p == null ? "" : p.policyId(),
                p == null ? 0 : p.version(),
                s.eventTimeMillis());

        Evidence.Builder ev = Evidence.newBuilder()
                .addMetrics(metric("drawdown", s.drawdown(), currency))
                .addMetrics(metric("equity", s.equity(), currency))
                .addMetrics(metric("peak_equity", s.peakEquity(), currency))
                .addMetrics(metric("realized_pnl", s.realizedPnl(), currency))
                .addMetrics(metric("unrealized_pnl", s.unrealizedPnl(), currency))
                .addMetrics(metric("fees", s.fees(), currency))
                .addMetrics(metric("daily_pnl", s.dailyPnl(), currency))
                .setWindowStart(ProtoTime.fromMillis(s.peakTimeMillis()))
                .setWindowEnd(ProtoTime.fromMillis(s.eventTimeMillis()))
                .addTriggerEventIds(s.snapshotId())
                .addAllTriggerEventIds(Arrays.asList(s.triggerEventIds()))
                .setSummary(summary(e, currency));
        Double fraction = DrawdownLimits.fraction(s, p);
        if (fraction != null) {
            ev.addMetrics(metric("drawdown_fraction", fraction, "ratio"));
        }
        if (p != null) {
            ev.addThresholds(threshold("max_drawdown", p.maxDrawdown(), currency));
            if (p.maxDrawdownFraction() > 0) {
                ev.addThresholds(threshold("max_drawdown_fraction", p.maxDrawdownFraction(), "ratio"));
            }
            if (p.maxDailyLoss() > 0) {
                ev.addThresholds(threshold("max_daily_loss", p.maxDailyLoss(), currency));
            }
        }

        ControlEvent.Builder control = ControlEvent.newBuilder()
                .setControlId(controlId)
                .setKind(ControlKind.KILL_SWITCH)
                .setAction(ControlAction.HALT_NEW_ENTRIES)
                .setScope(scope)
                .setReasonCode(e.reasonCode())
                .setRuleId(DrawdownKillSwitchRule.RULE_ID)
                .setRuleVersion(DrawdownKillSwitchRule.RULE_VERSION)
                .setEvidence(ev)
                .setDecidedAt(ProtoTime.fromMillis(s.eventTimeMillis()));
        if (p != null) {
            control.setPolicyId(p.policyId()).setPolicyVersion(p.version());
        }
        Envelope envelope = Envelope.newBuilder()
                .setEventId(controlId)
                .setSource(PLANE_SOURCE)
                .setEventTime(ProtoTime.fromMillis(s.eventTimeMillis()))
                .setControl(control)
                .build();
        return new ControlRecord(
                controlId, s.scopeKey(), s.eventTimeMillis(), DrawdownKillSwitchRule.RULE_ID, envelope.toByteArray());
    }

    /** Rule {@value DrawdownRecoveryRule#RULE_ID}: the halted scope met its policy's recovery. */
    public static ControlRecord resume(DrawdownEvaluation e) {
        PnlSnapshot s = e.snapshot();
        PolicyRecord p = e.policy();
        DrawdownRecovery r = e.recovery();
        String currency = p.currency();
        Scope.Builder scope = scopeOf(s);
        String controlId = DeterministicId.of(
                "ctl-",
                DrawdownRecoveryRule.RULE_ID,
                DrawdownRecoveryRule.RULE_VERSION,
                s.scopeKey(),
                DrawdownReason.DRAWDOWN_RECOVERED,
                p.policyId(),
                p.version(),
                s.eventTimeMillis());
        String who = who(s);
        Evidence.Builder ev = Evidence.newBuilder()
                .addMetrics(metric("drawdown", s.drawdown(), currency))
                .addMetrics(metric("equity", s.equity(), currency))
                .addMetrics(metric("peak_equity", s.peakEquity(), currency))
                .addMetrics(metric("daily_pnl", s.dailyPnl(), currency))
                .addMetrics(metric("recovered_for_s", (s.eventTimeMillis() - e.resumesFromMillis()) / 1000.0, "s"))
                .addThresholds(io.riskplane.rules.ControlEvents.threshold(
                        DrawdownRecovery.RESUME_BELOW, r.resumeBelow(), currency, "<="))
                .addThresholds(io.riskplane.rules.ControlEvents.threshold(
                        DrawdownRecovery.RESUME_AFTER_S, r.afterMillis() / 1000.0, "s", ">="))
                .addThresholds(threshold("max_drawdown", p.maxDrawdown(), currency))
                .setWindowStart(ProtoTime.fromMillis(e.resumesFromMillis()))
                .setWindowEnd(ProtoTime.fromMillis(s.eventTimeMillis()))
                .addTriggerEventIds(s.snapshotId())
                .addAllTriggerEventIds(Arrays.asList(s.triggerEventIds()))
                .setSummary(String.format(
                        Locale.ROOT,
                        "%s has been down at most %.2f %s from its peak since %s "
                                + "(now %.2f, equity %.2f), within its limits: trading resumed (policy %s v%d allows "
                                + "recovery below %.2f %s for %d s)",
                        who,
                        r.resumeBelow(),
                        currency,
                        java.time.Instant.ofEpochMilli(e.resumesFromMillis()),
                        s.drawdown(),
                        s.equity(),
                        p.policyId(),
                        p.version(),
                        r.resumeBelow(),
                        currency,
                        r.afterMillis() / 1000));
        ControlEvent control = ControlEvent.newBuilder()
                .setControlId(controlId)
                .setKind(ControlKind.RESUME)
                .setAction(ControlAction.RESUME_TRADING)
                .setScope(scope)
                .setReasonCode(DrawdownReason.DRAWDOWN_RECOVERED)
                .setRuleId(DrawdownRecoveryRule.RULE_ID)
                .setRuleVersion(DrawdownRecoveryRule.RULE_VERSION)
                .setPolicyId(p.policyId())
                .setPolicyVersion(p.version())
                .setEvidence(ev)
                .setDecidedAt(ProtoTime.fromMillis(s.eventTimeMillis()))
                .build();
        return io.riskplane.rules.ControlEvents.record(control, s.scopeKey());
    }

    private static String summary(DrawdownEvaluation e, String currency) {
        PnlSnapshot s = e.snapshot();
        String who = who(s);
        if (e.policy() == null) {
            return who + " has no risk policy in force: new entries halted (fail closed)";
        }
        PolicyRecord p = e.policy();
        String limit;
        switch (e.reasonCode()) {
            case DrawdownReason.DRAWDOWN_FRACTION_BREACHED:
                limit = String.format(Locale.ROOT, "max_drawdown_fraction %.4f", p.maxDrawdownFraction());
                break;
            case DrawdownReason.DAILY_LOSS_LIMIT_BREACHED:
                limit = String.format(
                        Locale.ROOT,
                        "max_daily_loss %.2f %s (daily PnL %.2f)",
                        p.maxDailyLoss(),
                        currency,
                        s.dailyPnl());
                break;
            default:
                limit = String.format(Locale.ROOT, "max_drawdown %.2f %s", p.maxDrawdown(), currency);
        }
        return String.format(
                Locale.ROOT,
                "%s is down %.2f %s from its peak equity %.2f (now %.2f), reaching %s of policy %s v%d: "
                        + "new entries halted",
                who,
                s.drawdown(),
                currency,
                s.peakEquity(),
                s.equity(),
                limit,
                p.policyId(),
                p.version());
    }

    private static Scope.Builder scopeOf(PnlSnapshot s) {
        Scope.Builder scope = Scope.newBuilder().setOrg(s.org());
        if (PnlSnapshot.STRATEGY.equals(s.scopeType())) {
            scope.setStrategy(s.strategy());
        }
        return scope;
    }

    private static String who(PnlSnapshot s) {
        return PnlSnapshot.STRATEGY.equals(s.scopeType())
                ? "strategy " + s.org() + "/" + s.strategy()
                : "org " + s.org();
    }

    private static Metric metric(String name, double value, String unit) {
        return io.riskplane.rules.ControlEvents.metric(name, value, unit);
    }

    private static Threshold threshold(String name, double limit, String unit) {
        return io.riskplane.rules.ControlEvents.threshold(name, limit, unit, ">=");
    }
}
