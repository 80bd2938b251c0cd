package io.riskplane.model;

import java.util.Map;

/**
 * A raw SLO measurement of one scope at one event time, before any threshold: a quote age, a rejection rate with its
 * sample count, a latency percentile, or the bad/total counts behind an error-budget burn rate (in values).
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(io.riskplane.model.serde.SloMeasurementSerializer.Factory.class)
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
        String[] triggerEventIds,
        String scopeKey) {

    /**
     * The key every keyed exchange of this record uses, built once per instance (on construction, and so once on
     * deserialization) rather than on every call of the key selector, which Flink makes more than once per record.
     * It is derived from the other fields: the value passed for it is ignored.
     */
    public SloMeasurement {
        scopeKey = String.join("|", slo, scopeType, venue, instrument, adapter);
    }

    public SloMeasurement(
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
        this(
                measurementId,
                slo,
                scopeType,
                venue,
                instrument,
                adapter,
                measuredAtMillis,
                windowStartMillis,
                value,
                samples,
                values,
                triggerEventIds,
                null);
    }

    public static final String QUOTE_FRESHNESS = "quote_freshness";
    public static final String REJECTION_RATE = "rejection_rate";
    public static final String LATENCY_P95 = "latency_p95";
    public static final String ERROR_BUDGET_BURN = "error_budget_burn";

    public static final String VENUE_INSTRUMENT = "venue_instrument";
    public static final String ADAPTER = "adapter";
}
