package io.riskplane.model;

/**
 * A guardrail tripped for one scope (level org, strategy or instrument): which check, the measured value against its
 * limit, and the cooldown it earns. tripsInWindow counts this scope's trips within the policy's trip window, this one
 * included; the cooldown doubles with each (base * 2^(n-1), capped). entersKill marks the trip at which tripsInWindow
 * reaches the policy's kill_trips: the scope is then halted until an operator resumes it.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(io.riskplane.model.serde.GuardrailTripSerializer.Factory.class)
public record GuardrailTrip(
        String tripId,
        String level,
        String org,
        String strategy,
        String instrument,
        String check,
        long atMillis,
        long windowStartMillis,
        double value,
        String limitName,
        double limit,
        int tripsInWindow,
        long tripWindowMillis,
        long cooldownMillis,
        long cooldownUntilMillis,
        int killTrips,
        boolean entersKill,
        String policyId,
        long policyVersion,
        String[] triggerEventIds) {

    public static final String ORDER_RATE = "order_rate";
    public static final String SPREAD_CROSS = "spread_cross";
    public static final String ADVERSE_SELECTION = "adverse_selection";

    public String scopeKey() {
        return String.join("|", level, org, strategy, instrument);
    }
}
