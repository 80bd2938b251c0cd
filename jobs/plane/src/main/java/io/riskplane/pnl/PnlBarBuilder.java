package io.riskplane.pnl;

import io.riskplane.contract.DeterministicId;
import io.riskplane.model.PnlBar;
import io.riskplane.model.PnlSnapshot;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Turns the {@link PnlSnapshot}s of ONE scope, fed in event-time order, into the rows storage keeps
 * ({@link PnlBar}): one bar per second of event time in which the scope changed (open, high, low, close equity and
 * the largest drawdown of that second, so no trough is hidden), plus one row for every snapshot a fill caused. The
 * kill switch judges the snapshots themselves; this only decides what is stored (docs/storage.md, "pnl_bars").
 *
 * <p>No Flink here: the host keeps {@link #state()} (a small record) in keyed state, feeds every snapshot to
 * {@link #add}, and when event time reaches {@link #openBarEndMillis()} (a timer at that time minus 1 ms, or the
 * watermark) calls {@link #closeBefore}. A bar is complete once event time reaches the next second; a later snapshot
 * closes it too. A snapshot that arrives for a second before the open bar's or an already closed one (input later
 * than the out-of-orderness bound) becomes a bar of its own at once, so that it is stored rather than lost.
 */
public final class PnlBarBuilder {
    /**
     * What the builder keeps between snapshots: the open bar (null when none) with an empty id, and the start of
     * the first second that may still open a bar (Long.MIN_VALUE before the first bar closed).
     */
    public record State(PnlBar open, long closedBeforeMillis) implements Serializable {}

    private PnlBar open;
    private long closedBeforeMillis = Long.MIN_VALUE;

    public PnlBarBuilder() {}

    /** Resumes from the state a host kept; null starts empty. */
    public PnlBarBuilder(State state) {
        if (state != null) {
            open = state.open();
            closedBeforeMillis = state.closedBeforeMillis();
        }
    }

    /** The state to keep, or null when there is nothing to keep yet. */
    public State state() {
        return open == null && closedBeforeMillis == Long.MIN_VALUE ? null : new State(open, closedBeforeMillis);
    }

    /** When the open bar is complete: the end of its second (exclusive); empty when no bar is open. */
    public Optional<Long> openBarEndMillis() {
        return open == null ? Optional.empty() : Optional.of(open.barStartMillis() + PnlBar.BAR_MILLIS);
    }

    /**
     * Adds the next snapshot of the scope. Returns the rows to store now: the bar it completes (when it starts a
     * later second), a bar of its own when it is late, and its fill row when {@code fromFill}.
     */
    public List<PnlBar> add(PnlSnapshot s, boolean fromFill) {
        List<PnlBar> out = new ArrayList<>(2);
        long start = Math.floorDiv(s.eventTimeMillis(), PnlBar.BAR_MILLIS) * PnlBar.BAR_MILLIS;
        if (open != null && open.barStartMillis() < start) {
            out.add(complete(open));
            closedBeforeMillis = open.barStartMillis() + PnlBar.BAR_MILLIS;
            open = null;
        }
        long earliest = open != null ? open.barStartMillis() : closedBeforeMillis;
        if (start < earliest) {
            out.add(complete(single(s, start, false)));
        } else {
            open = open == null ? single(s, start, false) : merge(open, s);
        }
        if (fromFill) {
            out.add(complete(single(s, start, true)));
        }
        return out;
    }

    /** The open bar, when its second ends at or before {@code eventTimeMillis}: event time has passed it. */
    public Optional<PnlBar> closeBefore(long eventTimeMillis) {
        if (open == null || open.barStartMillis() + PnlBar.BAR_MILLIS > eventTimeMillis) {
            return Optional.empty();
        }
        PnlBar done = complete(open);
        closedBeforeMillis = open.barStartMillis() + PnlBar.BAR_MILLIS;
        open = null;
        return Optional.of(done);
    }

    private static PnlBar single(PnlSnapshot s, long start, boolean fill) {
        String[] ids = distinct(s.triggerEventIds());
        return new PnlBar(
                "",
                s.scopeType(),
                s.org(),
                s.strategy(),
                start,
                s.eventTimeMillis(),
                fill,
                s.tradingDay(),
                s.equity(),
                s.equity(),
                s.equity(),
                s.equity(),
                s.drawdown(),
                s.drawdownFraction(),
                s.realizedPnl(),
                s.fees(),
                s.unrealizedPnl(),
                s.peakEquity(),
                s.peakTimeMillis(),
                s.drawdown(),
                s.drawdownFraction(),
                s.dailyPnl(),
                s.dayStartEquity(),
                1,
                s.snapshotId(),
                s.snapshotId(),
                ids);
    }

    /** The bar with one more snapshot of its second; that snapshot is the close (input comes in event-time order). */
    private static PnlBar merge(PnlBar b, PnlSnapshot s) {
        return new PnlBar(
                "",
                b.scopeType(),
                b.org(),
                b.strategy(),
                b.barStartMillis(),
                s.eventTimeMillis(),
                false,
                s.tradingDay(),
                b.openEquity(),
                Math.max(b.highEquity(), s.equity()),
                Math.min(b.lowEquity(), s.equity()),
                s.equity(),
                Math.max(b.maxDrawdown(), s.drawdown()),
                maxOf(b.maxDrawdownFraction(), s.drawdownFraction()),
                s.realizedPnl(),
                s.fees(),
                s.unrealizedPnl(),
                s.peakEquity(),
                s.peakTimeMillis(),
                s.drawdown(),
                s.drawdownFraction(),
                s.dailyPnl(),
                s.dayStartEquity(),
                b.snapshotCount() + 1,
                b.firstSnapshotId(),
                s.snapshotId(),
                appendDistinct(b.triggerEventIds(), s.triggerEventIds()));
    }

    /** The row with its id: over the scope, the second, the close time and the kind, so a late bar has its own. */
    private static PnlBar complete(PnlBar b) {
        String id = DeterministicId.of(
                b.fillRow() ? "pnf-" : "pnb-", b.scopeKey(), b.barStartMillis(), b.eventTimeMillis());
        return new PnlBar(
                id,
                b.scopeType(),
                b.org(),
                b.strategy(),
                b.barStartMillis(),
                b.eventTimeMillis(),
                b.fillRow(),
                b.tradingDay(),
                b.openEquity(),
                b.highEquity(),
                b.lowEquity(),
                b.closeEquity(),
                b.maxDrawdown(),
                b.maxDrawdownFraction(),
                b.realizedPnl(),
                b.fees(),
                b.unrealizedPnl(),
                b.peakEquity(),
                b.peakTimeMillis(),
                b.drawdown(),
                b.drawdownFraction(),
                b.dailyPnl(),
                b.dayStartEquity(),
                b.snapshotCount(),
                b.firstSnapshotId(),
                b.lastSnapshotId(),
                b.triggerEventIds());
    }

    private static Double maxOf(Double a, Double b) {
        return a == null ? b : b == null ? a : Double.valueOf(Math.max(a, b));
    }

    private static String[] distinct(String[] ids) {
        return appendDistinct(new String[0], ids);
    }

    /** The ids of {@code have} then the new ones of {@code more}, in order, at most {@link PnlBar#MAX_TRIGGER_IDS}. */
    private static String[] appendDistinct(String[] have, String[] more) {
        if (have.length >= PnlBar.MAX_TRIGGER_IDS) {
            return have;
        }
        List<String> ids = new ArrayList<>(Arrays.asList(have));
        for (String id : more) {
            if (ids.size() >= PnlBar.MAX_TRIGGER_IDS) {
                break;
            }
            if (!ids.contains(id)) {
                ids.add(id);
            }
        }
        return ids.size() == have.length ? have : ids.toArray(new String[0]);
    }
}
