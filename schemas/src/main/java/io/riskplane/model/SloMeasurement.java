package io.riskplane.model;

import java.util.Map;

/**
 * A raw SLO measurement of one scope at one event time, before any threshold: a quote age, a rejection rate with its
 * sample count, a latency percentile, or the bad/total counts behind an error-budget burn rate (in values).
 */
public record SloMeasurement(
        String measurementId,
        String slo,
        String scopeType,
        String venue,
        String instrument,
        String adapter,
        long measuredAtMillis,
        long windowStartMillis,
        Double value,
        long samples,
        Map<String, Double> values,
        String[] triggerEventIds) {

    public static final String QUOTE_FRESHNESS = "quote_freshness";
    public static final String REJECTION_RATE = "rejection_rate";
    public static final String LATENCY_P95 = "latency_p95";
    public static final String ERROR_BUDGET_BURN = "error_budget_burn";

    public static final String VENUE_INSTRUMENT = "venue_instrument";
    public static final String ADAPTER = "adapter";

    public String scopeKey() {
        return String.join("|", slo, scopeType, venue, instrument, adapter);
    }
}
