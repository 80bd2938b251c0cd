package io.riskplane.hosts;

import static io.riskplane.hosts.InstrumentHostTest.DISLOCATION;
import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.eventtime.EventTimeTicks;
import io.riskplane.model.BookEvent;
import io.riskplane.model.DislocationEpisode;
import io.riskplane.pnl.EquityComponent;
import io.riskplane.testing.SnapshotRestore;
import io.riskplane.testing.SnapshotRestore.Step;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Snapshot/restore of InstrumentHost against the uninterrupted run (its quiet-venue cleanup is InstrumentHostTest's;
 * checked here after a restore): equity components, quote freshness, dislocation episodes and duplicate fills are
 * the same for a snapshot anywhere, with events pending, an episode open and a fill repeated across the restore.
 */
class InstrumentHostHarnessTest {
    private interface S extends Step<KeyedOneInputStreamOperatorTestHarness<String, BookEvent, EquityComponent>> {}

    static KeyedOneInputStreamOperatorTestHarness<String, BookEvent, EquityComponent> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new InstrumentHost(new EventTimeTicks(5_000, 60_000, 600_000), DISLOCATION)),
                BookEvent::instrument,
                Types.STRING);
    }

    static S fill(String id, String fillId, long t, int side, double qty, double px) {
        BookEvent e = BookEvent.fill(id, fillId, t, "acme", "s1", "BTC", "coinbase", side, qty, px, 0);
        return h -> h.processElement(e, t);
    }

    static S quote(String id, long t, String venue, double mid) {
        BookEvent e = BookEvent.quote(id, t, "BTC", venue, mid - 0.5, mid + 0.5);
        return h -> h.processElement(e, t);
    }

    static S wm(long t) {
        return (S & SnapshotRestore.Rewatermark) h -> h.processWatermark(t);
    }

    static List<S> input() {
        List<S> steps = new ArrayList<>();
        steps.add(quote("b0", 0, "b", 10_000));
        steps.add(fill("f1", "f1", 500, 1, 2, 10_000));
        steps.add(quote("a1", 1_000, "a", 10_020));
        steps.add(wm(500));
        steps.add(quote("a2", 3_000, "a", 10_030));
        steps.add(quote("b3", 4_000, "b", 10_000));
        steps.add(wm(4_000));
        steps.add(fill("f1-relay", "f1", 4_500, 1, 2, 10_000)); // a repeat of f1
        steps.add(quote("a4", 6_500, "a", 10_018));
        steps.add(fill("f2", "f2", 7_000, -1, 1, 10_020));
        steps.add(wm(7_000));
        steps.add(quote("b5", 8_000, "b", 10_010));
        steps.add(quote("late", 6_900, "b", 10_005)); // behind the watermark: applied on arrival
        steps.add(wm(10_000));
        steps.add(wm(20_000));
        return steps;
    }

    @Test
    void aSnapshotAnywhereRestoresToTheUninterruptedOutputs() throws Exception {
        List<Object> equity = SnapshotRestore.assertSameAtEveryCut(
                InstrumentHostHarnessTest::harness, input(), SnapshotRestore.mainOutput());
        assertThat(equity).isNotEmpty();
        List<Object> episodes = SnapshotRestore.assertSameAtEveryCut(
                InstrumentHostHarnessTest::harness, input(), SnapshotRestore.sideOutput(InstrumentHost.DISLOCATIONS));
        assertThat(episodes).extracting(o -> ((DislocationEpisode) o).status()).contains("OPEN");
        assertThat(((DislocationEpisode) episodes.get(0)).startMillis()).isEqualTo(1_000L);
        List<Object> freshness = SnapshotRestore.assertSameAtEveryCut(
                InstrumentHostHarnessTest::harness, input(), SnapshotRestore.sideOutput(InstrumentHost.FRESHNESS));
        assertThat(freshness).isNotEmpty();
        List<Object> duplicates = SnapshotRestore.assertSameAtEveryCut(
                InstrumentHostHarnessTest::harness, input(), SnapshotRestore.sideOutput(InstrumentHost.DUPLICATES));
        assertThat(duplicates).hasSize(1);
    }

    @Test
    void quietVenuesAreForgottenAfterARestoreToo() throws Exception {
        var r = SnapshotRestore.restoredAfter(
                InstrumentHostHarnessTest::harness, input(), 11, 1L, SnapshotRestore.mainOutput());
        var h = r.harness();
        for (long t = 20_000; t <= 700_000; t += 5_000) {
            h.processWatermark(t);
        }
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numProcessingTimeTimers()).isZero();
        // Left, one entry per state of the instrument: its positions (never forgotten), its mark and its seen fills
        // (their TTL is processing time, two days): no quote clock, venue quote, episode or buffered event.
        assertThat(h.numKeyedStateEntries()).isEqualTo(3);
        h.close();
    }
}
