package io.riskplane.model;

/**
 * What the rules receive on their broadcast channel: a risk policy version, or an operator command the plane
 * accepted. Exactly one is set. Both arrive in event-time order with the rules' input, since the broadcast channel's
 * watermark holds back the keyed side's.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(io.riskplane.model.serde.RuleDirectiveSerializer.Factory.class)
public record RuleDirective(PolicyRecord policy, OperatorDirective command) {
    public RuleDirective {
        if ((policy == null) == (command == null)) {
            throw new IllegalArgumentException("a rule directive is a policy or a command");
        }
    }

    public static RuleDirective of(PolicyRecord policy) {
        return new RuleDirective(policy, null);
    }

    public static RuleDirective of(OperatorDirective command) {
        return new RuleDirective(null, command);
    }
}
