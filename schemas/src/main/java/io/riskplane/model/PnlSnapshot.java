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
        String[] triggerEventIds) {

    public static final String STRATEGY = "strategy";
    public static final String ORG = "org";

    public String scopeKey() {
        return scopeType + "|" + org + "|" + strategy;
    }
}
