package io.riskplane.model;

/**
 * PnL and drawdown of one scope (a strategy, or an org) as of an event time. Money is in the policy currency.
 * realizedPnl is net of fees; equity = realizedPnl + unrealizedPnl; drawdown = peakEquity - equity (>= 0);
 * drawdownFraction = drawdown / peakEquity, null while peakEquity <= 0 (docs/metrics.md).
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(io.riskplane.model.serde.PnlSnapshotSerializer.Factory.class)
public record PnlSnapshot(
        String snapshotId,
        String scopeType,
        String org,
        String strategy,
        long eventTimeMillis,
        String tradingDay,
        double realizedPnl,
        double fees,
        double unrealizedPnl,
        double equity,
        double peakEquity,
        long peakTimeMillis,
        double drawdown,
        Double drawdownFraction,
        double dailyPnl,
        double dayStartEquity,
        String[] triggerEventIds,
        String scopeKey) {

    /**
     * The key every keyed exchange of this record uses, built once per instance (on construction, and so once on
     * deserialization) rather than on every call of the key selector, which Flink makes more than once per record.
     * It is derived from the other fields: the value passed for it is ignored.
     */
    public PnlSnapshot {
        scopeKey = scopeType + "|" + org + "|" + strategy;
    }

    public PnlSnapshot(
            String snapshotId,
            String scopeType,
            String org,
            String strategy,
            long eventTimeMillis,
            String tradingDay,
            double realizedPnl,
            double fees,
            double unrealizedPnl,
            double equity,
            double peakEquity,
            long peakTimeMillis,
            double drawdown,
            Double drawdownFraction,
            double dailyPnl,
            double dayStartEquity,
            String[] triggerEventIds) {
        this(
                snapshotId,
                scopeType,
                org,
                strategy,
                eventTimeMillis,
                tradingDay,
                realizedPnl,
                fees,
                unrealizedPnl,
                equity,
                peakEquity,
                peakTimeMillis,
                drawdown,
                drawdownFraction,
                dailyPnl,
                dayStartEquity,
                triggerEventIds,
                null);
    }

    public static final String STRATEGY = "strategy";
    public static final String ORG = "org";
}
