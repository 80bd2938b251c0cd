package io.riskplane.staleness;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.CursorRecord;
import io.riskplane.model.CursorStaleness;
import io.riskplane.model.SignalRecord;
import io.riskplane.testing.SnapshotRestore;
import io.riskplane.testing.SnapshotRestore.Step;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Snapshot/restore of CursorStalenessDetector (its quiet-source expiry is CursorStalenessDetectorTest's): the tail,
 * the consumers' streaks, the store-on-change decisions and the tick chain survive a snapshot anywhere, giving the
 * uninterrupted rows; a source quiet past the expiry is forgotten, state and timers, after a restore too.
 */
class CursorStalenessDetectorHarnessTest {
    static final StalenessSettings SETTINGS =
            new StalenessSettings(5_000, 20_000, 10_000, "24x7", Map.of("pairs", "NYSE"));
    static final long BASE = Instant.parse("2026-11-21T00:00:00Z").toEpochMilli();

    private interface S extends Step<KeyedOneInputStreamOperatorTestHarness<String, StalenessInput, CursorStaleness>> {}

    static KeyedOneInputStreamOperatorTestHarness<String, StalenessInput, CursorStaleness> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new CursorStalenessDetector(SETTINGS, 60_000, 120_000)),
                StalenessInput::source,
                Types.STRING);
    }

    static S signal(long seq, long at) {
        StalenessInput in = StalenessInput.of(
                new SignalRecord("s" + seq, BASE + at, "alpha", seq, BASE + at - 100, 0.5, "BTC", "momo", "momo"));
        return h -> h.processElement(in, BASE + at);
    }

    static S cursor(String consumer, long at, long seq, long cursorTime, String lane) {
        StalenessInput in = StalenessInput.of(
                new CursorRecord("c" + at, BASE + at, consumer, "alpha", BASE + cursorTime, seq, lane));
        return h -> h.processElement(in, BASE + at);
    }

    static S wm(long t) {
        return (S & SnapshotRestore.Rewatermark) h -> h.processWatermark(BASE + t);
    }

    static List<S> input() {
        List<S> steps = new ArrayList<>();
        steps.add(signal(1, 1_000));
        steps.add(signal(2, 3_000));
        steps.add(cursor("momo", 3_500, 2, 2_900, "momo"));
        steps.add(cursor("shadow", 3_600, 9, 14_900, ""));
        steps.add(wm(12_000));
        steps.add(wm(25_000));
        steps.add(signal(3, 26_000));
        steps.add(wm(30_000));
        steps.add(cursor("shadow", 31_000, 3, 25_900, ""));
        steps.add(wm(65_000));
        return steps;
    }

    @Test
    void aSnapshotAnywhereRestoresToTheUninterruptedOutputs() throws Exception {
        List<Object> out = SnapshotRestore.assertSameAtEveryCut(
                CursorStalenessDetectorHarnessTest::harness, input(), SnapshotRestore.mainOutput());
        assertThat(out).hasSize(26); // two consumers, a 5 s tick from 5 s to 65 s
        CursorStaleness first = (CursorStaleness) out.get(0);
        assertThat(first.consumerId()).isEqualTo("momo");
        assertThat(first.signalLagSeconds()).isEqualTo(2.1);
        assertThat(first.status()).isEqualTo(CursorStaleness.OK);
        assertThat(((CursorStaleness) out.get(1)).status()).isEqualTo(CursorStaleness.STALE); // shadow ahead
    }

    @Test
    void aQuietSourceIsForgottenAfterARestoreToo() throws Exception {
        var r = SnapshotRestore.restoredAfter(
                CursorStalenessDetectorHarnessTest::harness, input(), 7, 1L, SnapshotRestore.mainOutput());
        var h = r.harness();
        assertThat(h.numKeyedStateEntries()).isPositive();
        for (long t = 65_000; t <= 600_000; t += 5_000) {
            h.processWatermark(BASE + t);
        }
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numProcessingTimeTimers()).isZero();
        h.close();
    }
}
