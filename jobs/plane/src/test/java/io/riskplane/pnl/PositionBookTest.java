package io.riskplane.pnl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.riskplane.eventtime.StateMap;
import io.riskplane.eventtime.StateValue;
import io.riskplane.model.BookEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The position book without Flink: marks, quotes before fills, duplicates. */
class PositionBookTest {
    final PositionBook book = new PositionBook(StateMap.inMemory(), StateValue.inMemory(), StateMap.inMemory());
    final List<EquityComponent> out = new ArrayList<>();
    final List<BookEvent> duplicates = new ArrayList<>();

    static BookEvent fill(String id, long t, String strategy, int side, double qty, double px, double fee) {
        return BookEvent.fill(id, id, t, "acme", strategy, "BTC", "coinbase", side, qty, px, fee);
    }

    static BookEvent quote(String id, long t, double bid, double ask) {
        return BookEvent.quote(id, t, "BTC", "coinbase", bid, ask);
    }

    void apply(long t, BookEvent... events) throws Exception {
        List<BookEvent> sorted = new ArrayList<>(List.of(events));
        sorted.sort(PositionBook.ORDER);
        book.apply("BTC", t, sorted, out::add, duplicates::add);
    }

    @Test
    void marksToLastFillUntilTheFirstQuoteThenToTheMid() throws Exception {
        apply(1_000, fill("f1", 1_000, "s1", 1, 2, 100, 0.5));
        EquityComponent c1 = out.get(0);
        assertThat(c1.unrealized()).isZero(); // marked at its own fill price
        assertThat(c1.realizedNet()).isEqualTo(-0.5);

        apply(2_000, quote("q1", 2_000, 109, 111));
        EquityComponent c2 = out.get(1);
        assertThat(c2.unrealized()).isCloseTo(20, within(1e-9)); // 2 * (110 - 100)
        assertThat(c2.triggerEventIds()).containsExactly("q1");

        // A later fill does not replace a quote mark.
        apply(3_000, fill("f2", 3_000, "s2", -1, 1, 130, 0));
        EquityComponent c3 = out.get(2);
        assertThat(c3.strategy()).isEqualTo("s2");
        assertThat(c3.unrealized()).isCloseTo(20, within(1e-9)); // -1 * (110 - 130)
    }

    @Test
    void aQuoteAtTheSameMillisecondAppliesBeforeTheFill() throws Exception {
        apply(1_000, fill("f1", 1_000, "s1", 1, 1, 100, 0), quote("q1", 1_000, 99, 101));
        // Quote first: the mark is the mid (100), then the fill does not overwrite it.
        assertThat(out).singleElement().satisfies(c -> assertThat(c.unrealized())
                .isZero());
        apply(2_000, quote("q2", 2_000, 104, 106));
        assertThat(out.get(1).unrealized()).isCloseTo(5, within(1e-9));
    }

    @Test
    void aRepeatedFillIsHandedBackNotAppliedTwice() throws Exception {
        apply(1_000, fill("f1", 1_000, "s1", 1, 1, 100, 0));
        // Relayed again under another event id: the fill_id is what identifies a fill.
        apply(1_500, BookEvent.fill("e-relay", "f1", 1_500, "acme", "s1", "BTC", "coinbase", 1, 1, 100, 0));
        apply(2_000, quote("q1", 2_000, 109, 111));
        assertThat(out.get(out.size() - 1).unrealized()).isCloseTo(10, within(1e-9)); // 1 unit, not 2
        assertThat(duplicates).extracting(BookEvent::eventId).containsExactly("e-relay");
    }
}
