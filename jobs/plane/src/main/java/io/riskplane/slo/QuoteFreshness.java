package io.riskplane.slo;

import io.riskplane.contract.DeterministicId;
import io.riskplane.eventtime.EventTimeTicks;
import io.riskplane.eventtime.PendingByEventTime;
import io.riskplane.eventtime.StateMap;
import io.riskplane.model.BookEvent;
import io.riskplane.model.SloMeasurement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Age of the last quote of one instrument on each venue, measured on a fixed event-time tick. The tick keeps firing
 * when quotes stop: silence itself grows the age, so a feed that goes quiet breaches (fail closed). The tick is
 * bounded ({@link EventTimeTicks}): it starts at the watermark, skips what lies beyond its catch-up bound, and a venue
 * quiet past the expiry has its last measurement and its clock cleared (counted by the host in
 * {@code quiet_keys_expired}).
 *
 * <p>Plain Java: the host (InstrumentHost) owns the state (one {@link Clock} per venue), the timer and the order.
 */
public final class QuoteFreshness {
    private final EventTimeTicks ticks;
    private final StateMap<String, Clock> clocks;

    /**
     * A venue's tick: the next tick ({@link PendingByEventTime#NONE} once a bounded input has ended), the ticks
     * judged since its last quote, and that quote.
     */
    public record Clock(long nextTick, long ticksSinceQuote, long lastQuoteMillis, String lastQuoteId) {}

    public QuoteFreshness(EventTimeTicks ticks, StateMap<String, Clock> clocksByVenue) {
        this.ticks = ticks;
        this.clocks = clocksByVenue;
    }

    /**
     * The quotes of one timestamp (of every venue), sorted by event id: each venue's last one counts.
     *
     * @param tickReference what a new clock's first tick is bounded by: the time itself for quotes played in
     *     event-time order, the watermark for a quote that arrived behind it (EventTimeTicks#first)
     */
    public void onQuotes(long ts, List<BookEvent> quotes, long tickReference) throws Exception {
        Map<String, BookEvent> lastByVenue = new TreeMap<>();
        for (BookEvent q : quotes) {
            lastByVenue.put(q.venue(), q);
        }
        for (BookEvent q : lastByVenue.values()) {
            Clock c = clocks.get(q.venue());
            long next = c == null || c.nextTick() == PendingByEventTime.NONE
                    ? ticks.first(ts, tickReference)
                    : c.nextTick();
            clocks.put(q.venue(), new Clock(next, 0, q.eventTimeMillis(), q.eventId()));
        }
    }

    /** The earliest tick of any venue, or {@link PendingByEventTime#NONE}. */
    public long earliestTick() throws Exception {
        long earliest = PendingByEventTime.NONE;
        for (Map.Entry<String, Clock> c : clocks.entries()) {
            earliest = Math.min(earliest, c.getValue().nextTick());
        }
        return earliest;
    }

    /**
     * Measures every venue whose tick is {@code tick}, in venue order. Returns the venues forgotten (quiet past the
     * expiry) so that the host can drop what else it keeps of them.
     */
    public List<String> onTick(String instrument, long tick, long watermark, Consumer<SloMeasurement> out)
            throws Exception {
        Map<String, Clock> due = new TreeMap<>();
        for (Map.Entry<String, Clock> c : clocks.entries()) {
            if (c.getValue().nextTick() == tick) {
                due.put(c.getKey(), c.getValue());
            }
        }
        List<String> expired = new java.util.ArrayList<>();
        for (Map.Entry<String, Clock> e : due.entrySet()) {
            String venue = e.getKey();
            Clock c = e.getValue();
            String scope = String.join("|", SloMeasurement.QUOTE_FRESHNESS, venue, instrument);
            out.accept(new SloMeasurement(
                    DeterministicId.of("slo-", scope, tick),
                    SloMeasurement.QUOTE_FRESHNESS,
                    SloMeasurement.VENUE_INSTRUMENT,
                    venue,
                    instrument,
                    "",
                    tick,
                    c.lastQuoteMillis(),
                    (double) (tick - c.lastQuoteMillis()),
                    1,
                    Map.of(),
                    new String[] {c.lastQuoteId()}));
            if (watermark == Long.MAX_VALUE) {
                // A bounded input has ended: stop ticking (a later quote still gets its own next tick).
                clocks.put(
                        venue,
                        new Clock(PendingByEventTime.NONE, c.ticksSinceQuote(), c.lastQuoteMillis(), c.lastQuoteId()));
                continue;
            }
            long sinceQuote = c.ticksSinceQuote() + 1;
            if (ticks.expires(tick, c.lastQuoteMillis(), sinceQuote)) {
                clocks.remove(venue);
                expired.add(venue);
                continue;
            }
            // Every tick in turn, whatever the watermark's steps; a quiet clock ends at the expiry above.
            clocks.put(venue, new Clock(ticks.next(tick), sinceQuote, c.lastQuoteMillis(), c.lastQuoteId()));
        }
        return expired;
    }
}
