package io.riskplane.pnl;

import io.riskplane.eventtime.OrderWithinTimestamp;
import io.riskplane.eventtime.StateMap;
import io.riskplane.eventtime.StateValue;
import io.riskplane.model.BookEvent;
import io.riskplane.model.PnlSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Positions of every strategy in one canonical instrument, on an average-cost basis, marked to the mid of the
 * instrument's latest quote (any venue). Until the first quote the mark is the last fill price. Per event time it
 * emits one {@link EquityComponent} for each strategy the fills or the new mark touched.
 *
 * <p>A fill whose fill_id was applied before (a retry, or the same fill relayed twice) is not applied again: it is
 * handed to {@code duplicate} (the host dead-letters it as DUPLICATE_EVENT). Within one timestamp quotes apply before
 * fills, then by event id ({@link #ORDER}).
 *
 * <p>Plain Java: the host (InstrumentHost) owns the state and the event-time order.
 */
public final class PositionBook {
    static final int MAX_TRIGGER_IDS = 16;

    /** Quotes before fills, then event id. */
    public static final OrderWithinTimestamp<BookEvent> ORDER = (a, b) -> a.type() != b.type()
            ? Integer.compare(a.type(), b.type())
            : a.eventId().compareTo(b.eventId());

    private final StateMap<String, AverageCostPosition> positions;
    private final StateValue<Mark> mark;
    private final StateMap<String, Boolean> seenFills;

    /**
     * @param positions by "org|strategy"
     * @param seenFills fill ids applied (the host bounds it in time)
     */
    public PositionBook(
            StateMap<String, AverageCostPosition> positions,
            StateValue<Mark> mark,
            StateMap<String, Boolean> seenFills) {
        this.positions = positions;
        this.mark = mark;
        this.seenFills = seenFills;
    }

    /** The instrument's mark price, and whether it is a quote mid (true) or a last fill price (false). */
    public record Mark(double price, boolean fromQuote) {}

    /** Applies the book events of one timestamp, sorted by {@link #ORDER}. */
    public void apply(
            String instrument,
            long ts,
            List<BookEvent> events,
            Consumer<EquityComponent> out,
            Consumer<BookEvent> duplicate)
            throws Exception {
        Map<String, List<String>> touched = new TreeMap<>();
        java.util.Set<String> filled = new java.util.HashSet<>();
        Mark m = mark.get();
        String lastQuoteId = null;
        for (BookEvent e : events) {
            if (!e.isFill()) {
                m = new Mark(e.mid(), true);
                lastQuoteId = e.eventId();
                continue;
            }
            if (seenFills.get(e.fillId()) != null) {
                duplicate.accept(e);
                continue;
            }
            seenFills.put(e.fillId(), true);
            String key = e.org() + "|" + e.strategy();
            AverageCostPosition p = positions.get(key);
            positions.put(
                    key, (p == null ? AverageCostPosition.FLAT : p).apply(e.side(), e.quantity(), e.price(), e.fee()));
            if (m == null || !m.fromQuote()) {
                m = new Mark(e.price(), false);
            }
            touched.computeIfAbsent(key, k -> new ArrayList<>()).add(e.eventId());
            filled.add(key);
        }
        if (m == null) {
            return;
        }
        mark.set(m);
        if (lastQuoteId != null) {
            // A new mark moves the unrealized PnL of every open position in the instrument.
            for (Map.Entry<String, AverageCostPosition> p : positions.entries()) {
                if (p.getValue().quantity() != 0) {
                    touched.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(lastQuoteId);
                }
            }
        }
        for (Map.Entry<String, List<String>> t : touched.entrySet()) {
            AverageCostPosition p = positions.get(t.getKey());
            int bar = t.getKey().indexOf('|');
            List<String> ids = t.getValue();
            out.accept(new EquityComponent(
                    PnlSnapshot.STRATEGY,
                    t.getKey().substring(0, bar),
                    t.getKey().substring(bar + 1),
                    instrument,
                    ts,
                    p.realizedNet(),
                    p.fees(),
                    p.unrealized(m.price()),
                    ids.subList(0, Math.min(ids.size(), MAX_TRIGGER_IDS)).toArray(new String[0]),
                    filled.contains(t.getKey())));
        }
    }
}
