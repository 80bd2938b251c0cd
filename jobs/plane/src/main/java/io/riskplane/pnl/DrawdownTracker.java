package io.riskplane.pnl;

import io.riskplane.contract.DeterministicId;
import io.riskplane.eventtime.StateValue;
import io.riskplane.model.PnlSnapshot;
import java.util.Collection;
import java.util.List;

/**
 * Equity, peak and peak-to-trough drawdown of one scope (a strategy, or an org), fed its summed components in
 * event-time order, one call per event time at which a component changed. Equity starts at 0 and so does the peak:
 * a scope that only loses is in drawdown from its first loss. Daily PnL is equity minus the equity at the end of the
 * previous New York trading day.
 *
 * <p>Plain Java: the host (PnlScopeHost) owns the state, sums the components and keeps the event-time order.
 */
public final class DrawdownTracker {
    static final int MAX_TRIGGER_IDS = 32;

    private final StateValue<Peak> peak;

    public DrawdownTracker(StateValue<Peak> peak) {
        this.peak = peak;
    }

    /** The running state of a scope between snapshots. */
    public record Peak(
            double peakEquity, long peakTimeMillis, double lastEquity, String tradingDay, double dayStartEquity) {}

    /**
     * The scope's snapshot at {@code ts}.
     *
     * @param scopeKey scope type|org|strategy, which names the snapshot
     * @param triggers the ids that moved the scope at ts, sorted (at most 32 are kept)
     */
    public PnlSnapshot next(
            String scopeKey,
            String scopeType,
            String org,
            String strategy,
            long ts,
            double realized,
            double fees,
            double unrealized,
            Collection<String> triggers)
            throws Exception {
        double equity = realized + unrealized;
        String day = NewYorkTradingDay.of(ts);
        Peak prev = peak.get();
        if (prev == null) {
            prev = new Peak(0, ts, 0, day, 0);
        }
        double dayStart = day.equals(prev.tradingDay()) ? prev.dayStartEquity() : prev.lastEquity();
        Peak next = equity > prev.peakEquity()
                ? new Peak(equity, ts, equity, day, dayStart)
                : new Peak(prev.peakEquity(), prev.peakTimeMillis(), equity, day, dayStart);
        peak.set(next);

        double drawdown = next.peakEquity() - equity;
        Double fraction = next.peakEquity() > 0 ? drawdown / next.peakEquity() : null;
        List<String> ids = List.copyOf(triggers);
        return new PnlSnapshot(
                DeterministicId.of("pnl-", scopeKey, ts),
                scopeType,
                org,
                strategy,
                ts,
                day,
                realized,
                fees,
                unrealized,
                equity,
                next.peakEquity(),
                next.peakTimeMillis(),
                drawdown,
                fraction,
                equity - dayStart,
                dayStart,
                ids.subList(0, Math.min(ids.size(), MAX_TRIGGER_IDS)).toArray(new String[0]));
    }
}
