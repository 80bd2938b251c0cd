package io.riskplane.model;

/**
 * What storage keeps of a scope's PnL (docs/storage.md, "pnl_bars"): the {@link PnlSnapshot}s of one second of event
 * time as one bar, or one fill's snapshot as a row of its own. The kill switch judges every snapshot in memory; this is
 * what dashboards and analysts read.
 *
 * <p>A bar ({@code fillRow} false) covers every snapshot of the scope in [barStartMillis, barStartMillis + 1000): its
 * equity open (first), high, low and close (last) and the largest drawdown among them, so no trough is hidden. A fill
 * row ({@code fillRow} true) is the snapshot of one fill (open = high = low = close, snapshotCount 1); that snapshot is
 * in its second's bar as well. The close columns (realizedPnl ... drawdownFraction, tradingDay) are those of the
 * snapshot at eventTimeMillis, the bar's last. Money is in the policy currency (docs/metrics.md).
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(io.riskplane.model.serde.PnlBarSerializer.Factory.class)
public record PnlBar(
        String barId,
        String scopeType,
        String org,
        String strategy,
        long barStartMillis,
        long eventTimeMillis,
        boolean fillRow,
        String tradingDay,
        double openEquity,
        double highEquity,
        double lowEquity,
        double closeEquity,
        double maxDrawdown,
        Double maxDrawdownFraction,
        double realizedPnl,
        double fees,
        double unrealizedPnl,
        double peakEquity,
        long peakTimeMillis,
        double drawdown,
        Double drawdownFraction,
        double dailyPnl,
        double dayStartEquity,
        int snapshotCount,
        String firstSnapshotId,
        String lastSnapshotId,
        String[] triggerEventIds) {

    /** A bar covers one second of event time. */
    public static final long BAR_MILLIS = 1_000;

    /**
     * At most this many trigger ids per row: those of its first snapshots, in order, without repeats. A bar names its
     * first and last snapshot too; a replay gives every snapshot in between. (32 made a bar 1.3 KB of ids.)
     */
    public static final int MAX_TRIGGER_IDS = 4;

    public String scopeKey() {
        return scopeType + "|" + org + "|" + strategy;
    }
}
