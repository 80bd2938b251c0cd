package io.riskplane.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.riskplane.dislocation.DislocationSettings;
import io.riskplane.eventtime.EventTimeTicks;
import io.riskplane.model.BookEvent;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.model.DislocationEpisode;
import io.riskplane.model.SloMeasurement;
import io.riskplane.pnl.EquityComponent;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * Harness test of the instrument host: the event-time order it gives its detectors (position book, quote
 * freshness, dislocations), one timer per instrument, and the state and timers it leaves when an instrument goes quiet.
 */
class InstrumentHostTest {
    static final DislocationSettings DISLOCATION = new DislocationSettings(10, 5_000, 5_000, 2, Map.of("a", 3.0));

    static KeyedOneInputStreamOperatorTestHarness<String, BookEvent, EquityComponent> host(EventTimeTicks ticks)
            throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new InstrumentHost(ticks, DISLOCATION), BookEvent::instrument, Types.STRING);
    }

    /** Quote freshness ticks every 5 s, bounded as the plane's defaults bound them. */
    static EventTimeTicks ticks() {
        io.riskplane.plane.PlaneOptions d = io.riskplane.plane.PlaneOptions.streaming();
        return new EventTimeTicks(
                5_000, d.staleHorizon().toMillis(), d.quietKeyExpiry().toMillis());
    }

    static KeyedOneInputStreamOperatorTestHarness<String, BookEvent, EquityComponent> host() throws Exception {
        return host(ticks());
    }

    static BookEvent fill(String id, long t, String strategy, int side, double qty, double px) {
        return BookEvent.fill(id, id, t, "acme", strategy, "BTC", "coinbase", side, qty, px, 0);
    }

    static BookEvent quote(String id, long t, String venue, double mid) {
        return BookEvent.quote(id, t, "BTC", venue, mid - 0.5, mid + 0.5);
    }

    static <T> List<T> side(
            KeyedOneInputStreamOperatorTestHarness<String, BookEvent, EquityComponent> h,
            org.apache.flink.util.OutputTag<T> tag) {
        var q = h.getSideOutput(tag);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void outOfOrderEventsAreAppliedInEventTimeOrderQuotesBeforeFillsWithOneTimerPerInstrument() throws Exception {
        var h = host();
        h.processElement(quote("q2", 2_000, "coinbase", 110), 2_000);
        h.processElement(fill("f1", 1_000, "s1", 1, 2, 100), 1_000);
        h.processElement(fill("f2", 2_000, "s1", 1, 1, 130), 2_000); // same ms as q2: the quote applies first
        assertThat(h.numEventTimeTimers()).isEqualTo(1); // at 1 000, the earliest pending
        assertThat(h.extractOutputValues()).isEmpty();
        h.processWatermark(2_000);
        List<EquityComponent> out = h.extractOutputValues();
        assertThat(out).hasSize(2);
        assertThat(out.get(0).eventTimeMillis()).isEqualTo(1_000);
        assertThat(out.get(0).unrealized()).isZero(); // marked at its own fill
        // at 2 000: mark 110 from q2, then f2 buys 1 at 130: 3 units at avg 110, marked at 110
        assertThat(out.get(1).unrealized()).isCloseTo(0, within(1e-9));
        assertThat(out.get(1).triggerEventIds()).containsExactly("f2", "q2");
        // the freshness tick of coinbase is the one timer left
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
    }

    @Test
    void aRepeatedFillIsDeadLettered() throws Exception {
        var h = host();
        h.processElement(fill("f1", 1_000, "s1", 1, 1, 100), 1_000);
        h.processElement(BookEvent.fill("e-relay", "f1", 1_500, "acme", "s1", "BTC", "coinbase", 1, 1, 100, 0), 1_500);
        h.processWatermark(2_000);
        var dead = side(h, InstrumentHost.DUPLICATES);
        assertThat(dead).singleElement().satisfies(d -> {
            assertThat(d.reasonCode()).isEqualTo(DeadLetterReason.DUPLICATE_EVENT);
            assertThat(d.originalEventId()).isEqualTo("e-relay");
        });
    }

    @Test
    void silenceGrowsTheAgeOfEachVenue() throws Exception {
        var h = host();
        h.processElement(quote("q1", 1_000, "kraken", 1.5), 1_000);
        h.processElement(quote("q2", 3_000, "kraken", 1.5), 3_000);
        h.processElement(quote("c1", 4_000, "coinbase", 1.5), 4_000);
        h.processWatermark(17_000); // silence from 3 s (kraken) and 4 s (coinbase) to 17 s
        h.processElement(quote("q3", 18_000, "kraken", 1.5), 18_000);
        h.processWatermark(20_000);
        List<SloMeasurement> kraken = side(h, InstrumentHost.FRESHNESS).stream()
                .filter(m -> m.venue().equals("kraken"))
                .toList();
        assertThat(kraken)
                .extracting(SloMeasurement::measuredAtMillis)
                .containsExactly(5_000L, 10_000L, 15_000L, 20_000L);
        assertThat(kraken).extracting(SloMeasurement::value).containsExactly(2_000.0, 7_000.0, 12_000.0, 2_000.0);
        assertThat(kraken.get(2).triggerEventIds()).containsExactly("q2");
        List<SloMeasurement> coinbase = side(h, InstrumentHost.FRESHNESS).stream()
                .filter(m -> m.venue().equals("coinbase"))
                .toList();
        assertThat(coinbase).extracting(SloMeasurement::value).containsExactly(1_000.0, 6_000.0, 11_000.0, 16_000.0);
        assertThat(h.numEventTimeTimers()).isEqualTo(1); // both venues tick at 25 000: one timer
    }

    @Test
    void aQuoteFromNineteenSeventyTicksWithinTheCatchUpBoundOnly() throws Exception {
        long now = 1_790_000_000_000L;
        var h = host();
        h.processWatermark(now);
        h.processElement(quote("q-1970", 1_000, "kraken", 1.5), 1_000); // late: applied on arrival
        h.processWatermark(now + 1);
        List<SloMeasurement> out = side(h, InstrumentHost.FRESHNESS);
        // the one-hour catch-up of 5 s ticks up to the watermark: 720 rows, not 358 million
        assertThat(out).hasSize(720);
        assertThat(out.get(719).measuredAtMillis()).isEqualTo(now - Math.floorMod(now, 5_000));
        assertThat(out).allMatch(m -> m.value() > 1e12); // every one of them stale
    }

    @Test
    void aQuietInstrumentKeepsNoTimerAndOnlyItsPositionsAndMark() throws Exception {
        var h = host(new EventTimeTicks(5_000, 60_000, 600_000));
        h.processElement(quote("q1", 1_000, "kraken", 1.5), 1_000);
        h.processElement(quote("c1", 1_000, "coinbase", 1.5), 1_000);
        for (long wm = 1_000; wm <= 700_000; wm += 5_000) {
            h.processWatermark(wm);
        }
        List<SloMeasurement> out = side(h, InstrumentHost.FRESHNESS);
        // each venue ticks every 5 s until its age reaches 600 s (at 605 s: 604 s old), then it is forgotten
        assertThat(out).hasSize(2 * 121);
        assertThat(out.get(out.size() - 1).measuredAtMillis()).isEqualTo(605_000);
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numKeyedStateEntries()).isEqualTo(1); // the mark; clocks, venues' quotes and buffer are gone
        // a new quote starts it afresh
        h.processElement(quote("q2", 2_000_001, "kraken", 1.5), 2_000_001);
        h.processWatermark(2_005_000);
        assertThat(side(h, InstrumentHost.FRESHNESS).get(out.size()).value()).isEqualTo(4_999.0);
    }

    @Test
    void anEpisodeIsReportedOnceLongEnoughWithItsPeakAndEnd() throws Exception {
        var h = host();
        h.processElement(quote("b0", 0, "b", 10_000), 0);
        h.processElement(quote("a1", 1_000, "a", 10_020), 1_000); // 20 bps gross - (3 + 2) fees = 15 net > 10
        h.processElement(quote("a2", 3_000, "a", 10_030), 3_000); // 30 gross, 25 net: the peak
        h.processElement(quote("b3", 4_000, "b", 10_000), 4_000);
        h.processElement(quote("a4", 6_500, "a", 10_018), 6_500); // 5.5 s in: reported OPEN
        h.processElement(quote("b5", 8_000, "b", 10_010), 8_000); // 8 bps gross, 3 net: ends, CLOSED
        h.processWatermark(10_000);
        List<DislocationEpisode> out = side(h, InstrumentHost.DISLOCATIONS);
        assertThat(out).extracting(DislocationEpisode::status).containsExactly("OPEN", "CLOSED");
        DislocationEpisode closed = out.get(1);
        assertThat(closed.startMillis()).isEqualTo(1_000);
        assertThat(closed.endMillis()).isEqualTo(8_000);
        assertThat(closed.peakGrossBps()).isCloseTo(30, within(1e-9));
        assertThat(closed.peakNetBps()).isCloseTo(25, within(1e-9));
        assertThat(closed.peakMillis()).isEqualTo(3_000);
        assertThat(closed.triggerEventIds()).containsExactly("b0", "a1");
    }

    @Test
    void aBriefBlipOrAStaleVenueIsNotADislocation() throws Exception {
        var h = host();
        h.processElement(quote("b0", 0, "b", 10_000), 0);
        h.processElement(quote("a1", 1_000, "a", 10_050), 1_000);
        h.processElement(quote("a2", 2_000, "a", 10_000), 2_000); // gone after 1 s: shorter than 5 s
        h.processElement(quote("a3", 20_000, "a", 10_100), 20_000); // b's quote is 20 s old: nothing to compare
        h.processElement(quote("a4", 30_000, "a", 10_100), 30_000);
        h.processWatermark(40_000);
        assertThat(side(h, InstrumentHost.DISLOCATIONS)).isEmpty();
    }

    @Test
    void stateAndPendingEventsSurviveSnapshotAndRestore() throws Exception {
        var h = host();
        h.processElement(fill("f1", 1_000, "s1", 1, 2, 100), 1_000);
        h.processWatermark(1_000);
        h.processElement(quote("q1", 2_000, "coinbase", 110), 2_000); // pending at the snapshot
        var snapshot = h.snapshot(1, 1_500);
        h.close();
        var restored = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new InstrumentHost(ticks(), DISLOCATION)),
                BookEvent::instrument,
                Types.STRING);
        restored.setup();
        restored.initializeState(snapshot);
        restored.open();
        restored.processWatermark(2_000);
        List<EquityComponent> out = restored.extractOutputValues();
        assertThat(out).singleElement().satisfies(c -> {
            assertThat(c.unrealized()).isCloseTo(20, within(1e-9)); // 2 * (110 - 100): the position survived
            assertThat(c.triggerEventIds()).containsExactly("q1"); // and so did the pending quote
        });
    }

    /**
     * Which ticks fire depends on event times only: the same quotes give the same freshness measurements whether
     * the watermark passes them second by second or in one step of three hours (as a backlog read at parallelism 2
     * moved it; the ticks of the first hours were skipped then). The step is far beyond the one-hour catch-up bound.
     */
    @Test
    void aJumpOfTheWatermarkFiresTheSameTicksAsSmallSteps() throws Exception {
        long t0 = 1_790_000_000_000L;
        long hours3 = 3 * 3_600_000L;
        List<BookEvent> quotes = new java.util.ArrayList<>();
        for (long t = t0; t <= t0 + hours3; t += 7_000) { // kraken every 7 s; coinbase stops after 10 minutes
            quotes.add(quote("k" + t, t, "kraken", 1.5));
            if (t < t0 + 600_000) {
                quotes.add(quote("c" + t, t, "coinbase", 1.5));
            }
        }
        var stepped = host();
        var jumped = host();
        for (BookEvent q : quotes) {
            stepped.processElement(q, q.eventTimeMillis());
            jumped.processElement(q, q.eventTimeMillis());
        }
        stepped.processWatermark(t0 - 1);
        jumped.processWatermark(t0 - 1);
        for (long wm = t0; wm <= t0 + hours3; wm += 1_000) {
            stepped.processWatermark(wm);
        }
        jumped.processWatermark(t0 + hours3);
        List<String> fine = side(stepped, InstrumentHost.FRESHNESS).stream()
                .map(InstrumentHostTest::text)
                .toList();
        List<String> coarse = side(jumped, InstrumentHost.FRESHNESS).stream()
                .map(InstrumentHostTest::text)
                .toList();
        // every 5 s tick of both venues for three hours (coinbase's quiet two hours fifty are within the expiry):
        // computed by hand
        assertThat(fine).hasSize((int) (2 * hours3 / 5_000));
        assertThat(coarse).isEqualTo(fine);
        assertThat(side(jumped, InstrumentHost.DISLOCATIONS).stream()
                        .map(io.riskplane.outputs.PlaneOutputs.DISLOCATIONS::json)
                        .toList())
                .isEqualTo(side(stepped, InstrumentHost.DISLOCATIONS).stream()
                        .map(io.riskplane.outputs.PlaneOutputs.DISLOCATIONS::json)
                        .toList());
    }

    private static String text(SloMeasurement m) {
        return m.measurementId() + " " + m.venue() + " " + m.measuredAtMillis() + " " + m.value() + " "
                + java.util.Arrays.toString(m.triggerEventIds());
    }
}
