package io.riskplane.pnl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.riskplane.model.BookEvent;
import io.riskplane.model.DeadLetterReason;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Harness test of the position book: marks, quotes before fills, duplicates. */
class PositionBookTest {
    KeyedOneInputStreamOperatorTestHarness<String, BookEvent, EquityComponent> h;

    @BeforeEach
    void setUp() throws Exception {
        h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new PositionBook(), BookEvent::instrument,
                Types.STRING);
    }

    static BookEvent fill(String id, long t, String strategy, int side, double qty, double px, double fee) {
        return BookEvent.fill(id, id, t, "acme", strategy, "BTC", "coinbase", side, qty, px, fee);
    }

    static BookEvent quote(String id, long t, double bid, double ask) {
        return BookEvent.quote(id, t, "BTC", "coinbase", bid, ask);
    }

    @Test
    void marksToLastFillUntilTheFirstQuoteThenToTheMid() throws Exception {
        h.processElement(fill("f1", 1_000, "s1", 1, 2, 100, 0.5), 1_000);
        h.processWatermark(1_000);
        EquityComponent c1 = h.extractOutputValues().get(0);
        assertThat(c1.unrealized()).isZero(); // marked at its own fill price
        assertThat(c1.realizedNet()).isEqualTo(-0.5);

        h.processElement(quote("q1", 2_000, 109, 111), 2_000);
        h.processWatermark(2_000);
        EquityComponent c2 = h.extractOutputValues().get(1);
        assertThat(c2.unrealized()).isCloseTo(20, within(1e-9)); // 2 * (110 - 100)
        assertThat(c2.triggerEventIds()).containsExactly("q1");

        // A later fill does not replace a quote mark.
        h.processElement(fill("f2", 3_000, "s2", -1, 1, 130, 0), 3_000);
        h.processWatermark(3_000);
        EquityComponent c3 = h.extractOutputValues().get(2);
        assertThat(c3.strategy()).isEqualTo("s2");
        assertThat(c3.unrealized()).isCloseTo(20, within(1e-9)); // -1 * (110 - 130)
    }

    @Test
    void aQuoteAtTheSameMillisecondAppliesBeforeTheFill() throws Exception {
        h.processElement(fill("f1", 1_000, "s1", 1, 1, 100, 0), 1_000);
        h.processElement(quote("q1", 1_000, 99, 101), 1_000);
        h.processWatermark(1_000);
        // Quote first: the mark is the mid (100), then the fill does not overwrite it.
        assertThat(h.extractOutputValues()).singleElement()
                .satisfies(c -> assertThat(c.unrealized()).isZero());
        h.processElement(quote("q2", 2_000, 104, 106), 2_000);
        h.processWatermark(2_000);
        assertThat(h.extractOutputValues().get(1).unrealized()).isCloseTo(5, within(1e-9));
    }

    @Test
    void aRepeatedFillIsDeadLetteredNotAppliedTwice() throws Exception {
        h.processElement(fill("f1", 1_000, "s1", 1, 1, 100, 0), 1_000);
        h.processWatermark(1_000);
        // Relayed again under another event id: the fill_id is what identifies a fill.
        h.processElement(BookEvent.fill("e-relay", "f1", 1_500, "acme", "s1", "BTC", "coinbase", 1, 1, 100, 0), 1_500);
        h.processElement(quote("q1", 2_000, 109, 111), 2_000);
        h.processWatermark(2_000);
        List<EquityComponent> out = h.extractOutputValues();
        assertThat(out.get(out.size() - 1).unrealized()).isCloseTo(10, within(1e-9)); // 1 unit, not 2
        var dead = h.getSideOutput(PositionBook.DUPLICATES);
        assertThat(dead).hasSize(1);
        StreamRecord<io.riskplane.model.DeadLetterRecord> r = dead.peek();
        assertThat(r.getValue().reasonCode()).isEqualTo(DeadLetterReason.DUPLICATE_EVENT);
        assertThat(r.getValue().originalEventId()).isEqualTo("e-relay");
    }
}
