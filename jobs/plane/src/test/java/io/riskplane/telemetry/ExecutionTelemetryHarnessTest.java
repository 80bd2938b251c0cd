package io.riskplane.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.TelemetryWindow;
import io.riskplane.testing.SnapshotRestore;
import io.riskplane.testing.SnapshotRestore.Step;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Snapshot/restore of ExecutionTelemetry (its cleanup is ExecutionTelemetryTest's): minute buckets written by
 * TelemetryBucketSerializer (sums, sketches, regressions, error and reason counts) restore to windows equal to the
 * uninterrupted run's, field for field, for a snapshot anywhere; after the longest window nothing is left.
 */
class ExecutionTelemetryHarnessTest {
    static final long M = 60_000;

    private interface S extends Step<KeyedOneInputStreamOperatorTestHarness<String, ExecutionFact, TelemetryWindow>> {}

    static KeyedOneInputStreamOperatorTestHarness<String, ExecutionFact, TelemetryWindow> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ExecutionTelemetry(List.of(
                        new ExecutionTelemetry.WindowLength("1m", 1), new ExecutionTelemetry.WindowLength("5m", 5)))),
                ExecutionFact::scopeKey,
                Types.STRING);
    }

    static S fill(String id, long t, double slippage, double latency, double confidence) {
        ExecutionFact f = ExecutionTelemetryTest.fill(id, t, slippage, latency, confidence);
        return h -> h.processElement(f, t);
    }

    static S terminal(
            String id,
            long t,
            double qty,
            double filled,
            boolean rejected,
            String error,
            boolean fallback,
            String reason) {
        ExecutionFact f = ExecutionTelemetryTest.terminal(id, t, qty, filled, rejected, error, fallback, reason);
        return h -> h.processElement(f, t);
    }

    static S wm(long t) {
        return (S & SnapshotRestore.Rewatermark) h -> h.processWatermark(t);
    }

    static List<S> input() {
        List<S> steps = new ArrayList<>();
        steps.add(fill("a", 10_000, 4, 100, 0.5));
        steps.add(fill("b", 20_000, 8, 300, 1.0));
        steps.add(terminal("c", 30_000, 10, 6, false, "", true, "primary down"));
        steps.add(wm(30_000));
        steps.add(terminal("d", 40_000, 10, 0, true, "VENUE_REJECT", false, ""));
        steps.add(wm(M));
        steps.add(fill("e", 2 * M + 5_000, -2, 200, 0.8));
        steps.add(fill("late", 50_000, 3, 150, 0.6)); // behind the watermark: its minute is already reported
        steps.add(wm(3 * M));
        steps.add(terminal("f", 3 * M + 1_000, 5, 5, false, "", false, ""));
        steps.add(wm(4 * M));
        steps.add(wm(20 * M));
        return steps;
    }

    @Test
    void aSnapshotAnywhereRestoresToTheUninterruptedOutputs() throws Exception {
        List<Object> out = SnapshotRestore.assertSameAtEveryCut(
                ExecutionTelemetryHarnessTest::harness, input(), SnapshotRestore.mainOutput());
        TelemetryWindow first1m = out.stream()
                .map(TelemetryWindow.class::cast)
                .filter(w -> w.windowSize().equals("1m") && w.windowEndMillis() == M)
                .findFirst()
                .orElseThrow();
        assertThat(first1m.fills()).isEqualTo(2);
        assertThat(first1m.slippageAvgBps()).isEqualTo(6.0);
        assertThat(first1m.rejectionRate()).isEqualTo(0.5);
        assertThat(first1m.fallbackReasons()).isEqualTo("primary down=1");
    }

    @Test
    void afterTheLongestWindowNothingIsLeft() throws Exception {
        var r = SnapshotRestore.restoredAfter(
                ExecutionTelemetryHarnessTest::harness, input(), 7, 1L, SnapshotRestore.mainOutput());
        var h = r.harness();
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numProcessingTimeTimers()).isZero();
        h.close();
    }
}
