package io.riskplane.model;

/**
 * Execution telemetry of one scope over one rolling window ending at windowEndMillis (exclusive), emitted each
 * minute (docs/metrics.md defines every field). Ratios and percentiles are null when the window has no sample.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(io.riskplane.model.serde.TelemetryWindowSerializer.Factory.class)
public record TelemetryWindow(
        String windowId,
        String windowSize,
        long windowStartMillis,
        long windowEndMillis,
        String level,
        String org,
        String strategy,
        String instrument,
        String venue,
        String adapter,
        String source,
        long orders,
        double orderedQuantity,
        double filledQuantity,
        Double fillEfficiency,
        long fills,
        Double slippageAvgBps,
        Double slippageP50Bps,
        Double slippageP95Bps,
        Double slippageVsConfidenceSlope,
        Double slippageVsLatencySlope,
        Double ackLatencyP50Ms,
        Double ackLatencyP95Ms,
        Double ackLatencyP99Ms,
        Double fillLatencyP50Ms,
        Double fillLatencyP95Ms,
        Double fillLatencyP99Ms,
        long rejected,
        Double rejectionRate,
        String errorCategories,
        long fallbacks,
        Double fallbackRatio,
        String fallbackReasons,
        long signals,
        Double confidenceP10,
        Double confidenceP50,
        Double confidenceP90,
        Double signalLagP50Ms,
        Double signalLagP99Ms,
        Double signalLagMaxMs,
        Double ingestLatencyP50Ms,
        Double ingestLatencyP99Ms) {

    public String scopeKey() {
        return String.join("|", level, org, strategy, instrument, venue, adapter, source);
    }
}
