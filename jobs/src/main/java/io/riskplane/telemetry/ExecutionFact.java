package io.riskplane.telemetry;

/**
 * One measured fact about execution, at one aggregation level. Unknown numbers are NaN (a fill whose order was never
 * seen has no slippage). Dimensions not part of the level are "".
 */
public record ExecutionFact(
        String kind,
        String level,
        String eventId,
        long eventTimeMillis,
        String org,
        String strategy,
        String instrument,
        String venue,
        String adapter,
        String source,
        double quantity,
        double filledQuantity,
        double slippageBps,
        double latencyMs,
        double confidence,
        boolean rejected,
        String errorCategory,
        boolean fallback,
        String fallbackReason,
        double ingestLatencyMs) {

    public static final String FILL = "fill";
    public static final String ACK = "ack";
    public static final String TERMINAL = "terminal";
    public static final String SIGNAL = "signal";

    /** Aggregation levels (docs/metrics.md). */
    public static final String ROUTE = "route";
    public static final String ADAPTER = "adapter";
    public static final String STRATEGY = "strategy";
    public static final String SIGNAL_SOURCE = "signal_source";

    public String scopeKey() {
        return String.join("|", level, org, strategy, instrument, venue, adapter, source);
    }

    /** The same fact at another level, with the dimensions that level does not have cleared. */
    public ExecutionFact atLevel(String newLevel) {
        switch (newLevel) {
            case ADAPTER:
                return with(newLevel, "", "", "", "", adapter, "");
            case STRATEGY:
                return with(newLevel, org, strategy, "", "", "", "");
            default:
                return with(newLevel, org, strategy, instrument, venue, adapter, source);
        }
    }

    private ExecutionFact with(String lvl, String o, String s, String i, String v, String a, String src) {
        return new ExecutionFact(kind, lvl, eventId, eventTimeMillis, o, s, i, v, a, src, quantity, filledQuantity,
                slippageBps, latencyMs, confidence, rejected, errorCategory, fallback, fallbackReason,
                ingestLatencyMs);
    }
}
