package io.riskplane.demo;

import io.riskplane.v1.Envelope;
import io.riskplane.v1.Fill;
import io.riskplane.v1.Quote;
import io.riskplane.v1.Side;
import java.util.Comparator;
import java.util.List;

/**
 * One strategy's PnL equity and drawdown on one instrument, recomputed from generated records by cash flow, without
 * the plane's PnL code: equity = the sum over its fills of {@code -side * quantity * price - fee}, plus
 * {@code position * mark}; the mark is the mid of the instrument's latest quote on any venue (until the first quote,
 * the last fill price); the peak is the high-water mark of equity from 0; drawdown = peak - equity
 * (docs/metrics.md). The demo's second act places BTC marks with it and counts how often they cross a limit.
 */
public final class StrategyEquity {
    private final String org;
    private final String strategy;
    private final String instrument;
    private double cash;
    private double position;
    private double mark = Double.NaN;
    private double peak;

    public StrategyEquity(String org, String strategy, String instrument) {
        this.org = org;
        this.strategy = strategy;
        this.instrument = instrument;
    }

    /** The strategy's book after the valid records of {@code items}, applied in event-time order. */
    public static StrategyEquity after(
            List<TradingSession.Item> items, String org, String strategy, String instrument) {
        StrategyEquity book = new StrategyEquity(org, strategy, instrument);
        for (TradingSession.Item i : inOrder(items)) {
            book.apply(i.envelope());
        }
        return book;
    }

    /**
     * How many times the drawdown crosses {@code limit} (from below it to at or above it, or back) over the marks and
     * fills of {@code after}, starting from the book at the end of {@code before}.
     */
    public static int crossings(
            List<TradingSession.Item> before,
            List<TradingSession.Item> after,
            String org,
            String strategy,
            String instrument,
            double limit) {
        StrategyEquity book = after(before, org, strategy, instrument);
        boolean breached = book.drawdown() >= limit;
        int crossings = 0;
        for (TradingSession.Item i : inOrder(after)) {
            if (book.apply(i.envelope()) && (book.drawdown() >= limit) != breached) {
                breached = !breached;
                crossings++;
            }
        }
        return crossings;
    }

    /** Applies a fill of the strategy or a quote of the instrument; true when the equity may have changed. */
    public boolean apply(Envelope e) {
        if (e.hasFill()) {
            Fill f = e.getFill();
            if (!f.getOrg().equals(org)
                    || !f.getStrategy().equals(strategy)
                    || !f.getInstrument().equals(instrument)) {
                return false;
            }
            double signed = (f.getSide() == Side.BUY ? 1 : -1) * f.getQuantity();
            cash -= signed * f.getPrice() + f.getFee();
            position += signed;
            if (Double.isNaN(mark)) {
                mark = f.getPrice();
            }
        } else if (e.hasQuote() && e.getQuote().getInstrument().equals(instrument)) {
            Quote q = e.getQuote();
            mark = (q.getBid() + q.getAsk()) / 2;
        } else {
            return false;
        }
        peak = Math.max(peak, equity());
        return true;
    }

    public double equity() {
        return cash + position * (Double.isNaN(mark) ? 0 : mark);
    }

    public double peak() {
        return peak;
    }

    public double drawdown() {
        return peak - equity();
    }

    public double position() {
        return position;
    }

    public double mark() {
        return mark;
    }

    /**
     * The mark at which the drawdown would be {@code drawdown} (> 0, so the peak stays where it is), the position
     * unchanged.
     */
    public double markAt(double drawdown) {
        if (drawdown <= 0 || Math.abs(position) < 1e-9) {
            throw new IllegalArgumentException("no mark gives a drawdown of " + drawdown + " at position " + position);
        }
        return (peak - drawdown - cash) / position;
    }

    private static List<TradingSession.Item> inOrder(List<TradingSession.Item> items) {
        return items.stream()
                .filter(i -> i.envelope() != null && !i.envelope().getEventId().startsWith("bad-"))
                .sorted(Comparator.comparingLong(TradingSession.Item::eventTimeMillis)
                        .thenComparing(i -> i.envelope().getEventId()))
                .toList();
    }
}
