package io.riskplane.model;

/**
 * An operator command the plane accepted (signed by its operator, once), as the rules read it: a halt, or a resume
 * lifting the halts of one rule ({@code liftsRule}, "*" for every rule) on exactly the scope, at the command's event
 * time. Empty scope fields are not part of the scope.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(io.riskplane.model.serde.OperatorDirectiveSerializer.Factory.class)
public record OperatorDirective(
        String commandId,
        boolean halt,
        String org,
        String strategy,
        String instrument,
        String venue,
        String adapter,
        String lane,
        String liftsRule,
        long eventTimeMillis) {
    public static final String ALL_RULES = "*";

    /** The scope as one key: every field in Scope's order. */
    public String scopeKey() {
        return scopeKey(org, strategy, instrument, venue, adapter, lane);
    }

    /** The key of a rule's scope that a resume must have to lift its halts ("" for the fields it does not use). */
    public static String scopeKey(
            String org, String strategy, String instrument, String venue, String adapter, String lane) {
        return String.join("|", org, strategy, instrument, venue, adapter, lane);
    }

    /** True for a resume that lifts the halts of {@code ruleId} (or of every rule). */
    public boolean resumes(String ruleId) {
        return !halt && (ALL_RULES.equals(liftsRule) || liftsRule.equals(ruleId));
    }
}
