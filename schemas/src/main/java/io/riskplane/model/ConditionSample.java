package io.riskplane.model;

/**
 * A value a sustained-breach rule watches, at one event time: the route fallback ratio of an adapter, or the signal
 * lag a lane sees from its source. samples is how many observations the value rests on (for sample minimums).
 */
public record ConditionSample(
        String sampleId,
        String condition,
        String org,
        String strategy,
        String adapter,
        String lane,
        String source,
        long atMillis,
        long windowStartMillis,
        double value,
        long samples,
        String detail,
        String[] triggerEventIds) {

    public static final String ROUTE_FALLBACK = "route_fallback";
    public static final String SIGNAL_LAG = "signal_lag";

    public String scopeKey() {
        return String.join("|", condition, org, strategy, adapter, lane, source);
    }
}
