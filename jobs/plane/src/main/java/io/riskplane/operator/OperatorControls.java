package io.riskplane.operator;

import io.riskplane.contract.DeterministicId;
import io.riskplane.contract.ProtoTime;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.OperatorDirective;
import io.riskplane.rules.ControlEvents;
import io.riskplane.v1.ControlAction;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Evidence;
import io.riskplane.v1.OperatorAction;
import io.riskplane.v1.OperatorCommand;
import io.riskplane.v1.Scope;
import java.util.ArrayList;
import java.util.List;

/**
 * The control event of an accepted operator command (docs/rules.md): rule {@value #HALT_RULE} emits
 * {@code KILL_SWITCH} / {@code HALT_NEW_ENTRIES} on the command's scope, rule {@value #RESUME_RULE} emits
 * {@code RESUME} / {@code RESUME_TRADING} naming in {@code lifts_rule_id} the rule whose halts it lifts on exactly
 * that scope ("*" for every rule). Decided at the command's event time; the command id is the trigger
 * event, and the summary names the operator, the reason and the ticket.
 */
public final class OperatorControls {
    public static final String HALT_RULE = "operator.halt";
    public static final String RESUME_RULE = "operator.resume";
    public static final int RULE_VERSION = 1;
    public static final String HALT_REASON = "OPERATOR_HALT";
    public static final String RESUME_REASON = "OPERATOR_RESUME";

    private OperatorControls() {}

    /** The control event of an accepted command, from its envelope and its {@link #directive}. */
    public static ControlRecord of(Envelope e, OperatorDirective d) {
        OperatorCommand c = e.getOperatorCommand();
        String rule = d.halt() ? HALT_RULE : RESUME_RULE;
        String reason = d.halt() ? HALT_REASON : RESUME_REASON;
        String scopeKey = scopeKey(c.getScope());
        ControlEvent.Builder control = ControlEvent.newBuilder()
                .setControlId(DeterministicId.of(
                        "ctl-", rule, RULE_VERSION, scopeKey, reason, d.commandId(), 0, d.eventTimeMillis()))
                .setKind(d.halt() ? ControlKind.KILL_SWITCH : ControlKind.RESUME)
                .setAction(d.halt() ? ControlAction.HALT_NEW_ENTRIES : ControlAction.RESUME_TRADING)
                .setScope(c.getScope())
                .setReasonCode(reason)
                .setRuleId(rule)
                .setRuleVersion(RULE_VERSION)
                .setEvidence(Evidence.newBuilder()
                        .setWindowStart(e.getEventTime())
                        .setWindowEnd(e.getEventTime())
                        .addTriggerEventIds(d.commandId())
                        .setSummary(summary(c, d)))
                .setDecidedAt(e.getEventTime());
        if (!d.halt()) {
            control.setLiftsRuleId(d.liftsRule());
        }
        return ControlEvents.record(control.build(), scopeKey);
    }

    /** The accepted command as the rules read it: a resume's rule_id "" lifts every rule ("*"). */
    public static OperatorDirective directive(Envelope e) {
        OperatorCommand c = e.getOperatorCommand();
        Scope s = c.getScope();
        boolean halt = c.getAction() == OperatorAction.OPERATOR_HALT;
        return new OperatorDirective(
                c.getCommandId(),
                halt,
                s.getOrg(),
                s.getStrategy(),
                s.getInstrument(),
                s.getVenue(),
                s.getAdapter(),
                s.getLane(),
                halt ? "" : c.getRuleId().isEmpty() ? OperatorDirective.ALL_RULES : c.getRuleId(),
                ProtoTime.toMillis(e.getEventTime()));
    }

    /** The Kafka key of an operator's control event: every scope field, in Scope's order. */
    static String scopeKey(Scope s) {
        return String.join(
                "|",
                "scope",
                s.getOrg(),
                s.getStrategy(),
                s.getInstrument(),
                s.getVenue(),
                s.getAdapter(),
                s.getLane());
    }

    static String describe(Scope s) {
        List<String> parts = new ArrayList<>();
        add(parts, "org", s.getOrg());
        add(parts, "strategy", s.getStrategy());
        add(parts, "instrument", s.getInstrument());
        add(parts, "venue", s.getVenue());
        add(parts, "adapter", s.getAdapter());
        add(parts, "lane", s.getLane());
        return String.join(" ", parts);
    }

    private static void add(List<String> parts, String name, String value) {
        if (!value.isEmpty()) {
            parts.add(name + " " + value);
        }
    }

    private static String summary(OperatorCommand c, OperatorDirective d) {
        String what = d.halt()
                ? "halted new entries on " + describe(c.getScope())
                : "resumed " + describe(c.getScope())
                        + (OperatorDirective.ALL_RULES.equals(d.liftsRule())
                                ? ", lifting the halts of every rule"
                                : ", lifting the halts of rule " + d.liftsRule());
        return "operator " + c.getOperatorId() + " " + what + ": " + c.getReason()
                + (c.getTicket().isEmpty() ? "" : " (ticket " + c.getTicket() + ")") + "; command " + c.getCommandId();
    }
}
