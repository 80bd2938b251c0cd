package io.riskplane.telemetry;

/**
 * One measured fact about execution, at one aggregation level. Unknown numbers are NaN (a fill whose order was never
 * seen has no slippage). Dimensions not part of the level are "".
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(ExecutionFactSerializer.Factory.class)
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
        double ingestLatencyMs,
        String scopeKey) {

    /**
     * The key every keyed exchange of this record uses, built once per instance (on construction, and so once on
     * deserialization) rather than on every call of the key selector, which Flink makes more than once per record.
     * It is derived from the other fields: the value passed for it is ignored.
     */
    public ExecutionFact {
        scopeKey = String.join("|", level, org, strategy, instrument, venue, adapter, source);
    }

    public ExecutionFact(
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
        this(
                kind,
                level,
                eventId,
                eventTimeMillis,
                org,
                strategy,
                instrument,
                venue,
                adapter,
                source,
                quantity,
                filledQuantity,
                slippageBps,
                latencyMs,
                confidence,
                rejected,
                errorCategory,
                fallback,
                fallbackReason,
                ingestLatencyMs,
                null);
    }

    public static final String FILL = "fill";
    public static final String ACK = "ack";
    public static final String TERMINAL = "terminal";
    public static final String SIGNAL = "signal";

    /** Aggregation levels (docs/metrics.md). */
    public static final String ROUTE = "route";

    public static final String ADAPTER = "adapter";
    public static final String STRATEGY = "strategy";
    public static final String SIGNAL_SOURCE = "signal_source";

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
        return new ExecutionFact(
                kind,
                lvl,
                eventId,
                eventTimeMillis,
                o,
                s,
                i,
                v,
                a,
                src,
                quantity,
                filledQuantity,
                slippageBps,
                latencyMs,
                confidence,
                rejected,
                errorCategory,
                fallback,
                fallbackReason,
                ingestLatencyMs);
    }
}
