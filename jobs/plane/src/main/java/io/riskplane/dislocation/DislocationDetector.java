package io.riskplane.dislocation;

import io.riskplane.contract.DeterministicId;
import io.riskplane.eventtime.StateMap;
import io.riskplane.eventtime.StateValue;
import io.riskplane.model.BookEvent;
import io.riskplane.model.DislocationEpisode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Cross-venue dislocations of one canonical instrument: on every quote, the highest and lowest mid among venues with
 * a fresh quote; their spread in bps of the lower mid, minus both venues' taker fees, is the net divergence. An
 * episode starts when the net divergence exceeds the threshold, tracks its peak, and ends when it falls back;
 * episodes shorter than the minimum duration are not reported (a single bad tick is not a dislocation).
 *
 * <p>Plain Java: the host (InstrumentHost) owns the state and the event-time order.
 */
public final class DislocationDetector {
    private final DislocationSettings settings;
    private final StateMap<String, BookEvent> lastByVenue;
    private final StateValue<DislocationEpisode> open;

    public DislocationDetector(
            DislocationSettings settings,
            StateMap<String, BookEvent> lastByVenue,
            StateValue<DislocationEpisode> open) {
        this.settings = settings;
        this.lastByVenue = lastByVenue;
        this.open = open;
    }

    /** The quotes of one timestamp, sorted by event id. */
    public void onQuotes(String instrument, long ts, List<BookEvent> quotes, Consumer<DislocationEpisode> out)
            throws Exception {
        for (BookEvent q : quotes) {
            lastByVenue.put(q.venue(), q);
        }
        // Venues in name order, so that ties pick the same venue every time.
        Map<String, BookEvent> fresh = new TreeMap<>();
        for (Map.Entry<String, BookEvent> e : lastByVenue.entries()) {
            if (ts - e.getValue().eventTimeMillis() <= settings.staleAfterMillis()) {
                fresh.put(e.getKey(), e.getValue());
            }
        }
        BookEvent high = null;
        BookEvent low = null;
        for (BookEvent q : fresh.values()) {
            if (high == null || q.mid() > high.mid()) {
                high = q;
            }
            if (low == null || q.mid() < low.mid()) {
                low = q;
            }
        }
        DislocationEpisode current = open.get();
        boolean dislocated = false;
        double gross = 0;
        double net = 0;
        double fees = 0;
        if (fresh.size() >= 2 && high != low) {
            gross = (high.mid() - low.mid()) / low.mid() * 10_000.0;
            fees = settings.feeBps(high.venue()) + settings.feeBps(low.venue());
            net = gross - fees;
            dislocated = net > settings.thresholdBps();
        }
        if (dislocated) {
            if (current == null) {
                current = new DislocationEpisode(
                        "",
                        instrument,
                        "",
                        ts,
                        0,
                        0,
                        net,
                        gross,
                        ts,
                        high.venue(),
                        low.venue(),
                        high.mid(),
                        low.mid(),
                        fees,
                        new String[] {low.eventId(), high.eventId()});
            } else if (net > current.peakNetBps()) {
                current = new DislocationEpisode(
                        "",
                        instrument,
                        current.status(),
                        current.startMillis(),
                        0,
                        ts - current.startMillis(),
                        net,
                        gross,
                        ts,
                        high.venue(),
                        low.venue(),
                        high.mid(),
                        low.mid(),
                        fees,
                        current.triggerEventIds());
            }
            if (current.status().isEmpty() && ts - current.startMillis() >= settings.minDurationMillis()) {
                current = with(current, DislocationEpisode.OPEN, 0, ts - current.startMillis());
                out.accept(current);
            }
            open.set(current);
        } else if (current != null) {
            if (ts - current.startMillis() >= settings.minDurationMillis()) {
                out.accept(with(current, DislocationEpisode.CLOSED, ts, ts - current.startMillis()));
            }
            open.clear();
        }
    }

    /** A venue quiet past the quote-freshness expiry is no longer fresh anywhere: its last quote is dropped. */
    public void forget(String venue) throws Exception {
        lastByVenue.remove(venue);
    }

    private static DislocationEpisode with(DislocationEpisode e, String status, long end, long duration) {
        String id = DeterministicId.of("dis-", e.instrument(), e.startMillis(), status);
        return new DislocationEpisode(
                id,
                e.instrument(),
                status,
                e.startMillis(),
                end,
                duration,
                e.peakNetBps(),
                e.peakGrossBps(),
                e.peakMillis(),
                e.highVenue(),
                e.lowVenue(),
                e.highMid(),
                e.lowMid(),
                e.feesBps(),
                e.triggerEventIds());
    }
}
