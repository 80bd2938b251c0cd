package io.riskplane.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.ConditionSample;
import io.riskplane.model.OrderRecord;
import io.riskplane.testing.SnapshotRestore;
import io.riskplane.testing.SnapshotRestore.Step;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Harness checks of RouteFallbackRatio's state: a route quiet for the whole window (5 minutes) keeps no minute, no
 * counted order and no timer; a snapshot taken anywhere and restored gives the uninterrupted outputs (each order is
 * still counted once across the restore).
 */
class RouteFallbackRatioHarnessTest {
    private interface S extends Step<KeyedOneInputStreamOperatorTestHarness<String, OrderRecord, ConditionSample>> {}

    static KeyedOneInputStreamOperatorTestHarness<String, OrderRecord, ConditionSample> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new RouteFallbackRatio()), OrderRecord::expectedAdapter, Types.STRING);
    }

    static S order(String id, long at, String actual, String reason) {
        OrderRecord o = RouteFallbackRatioTest.terminal(id, at, actual, reason);
        return h -> h.processElement(o, at);
    }

    static S wm(long t) {
        return h -> h.processWatermark(t);
    }

    static List<S> input() {
        List<S> steps = new ArrayList<>();
        steps.add(order("o1", 10_000, "kraken-backup", "down"));
        steps.add(order("o2", 20_000, "kraken-backup", ""));
        steps.add(wm(15_000));
        steps.add(order("o3", 30_000, "kraken-rest", ""));
        steps.add(wm(60_000));
        steps.add(order("o4", 70_000, "", ""));
        steps.add(order("o1", 80_000, "kraken-backup", "down")); // repeated terminal: counted once
        steps.add(wm(130_000));
        steps.add(wm(400_000));
        return steps;
    }

    @Test
    void aSnapshotAnywhereRestoresToTheUninterruptedOutputs() throws Exception {
        List<Object> out = SnapshotRestore.assertSameAtEveryCut(
                RouteFallbackRatioHarnessTest::harness, input(), SnapshotRestore.mainOutput());
        assertThat(out)
                .extracting(o -> ((ConditionSample) o).atMillis())
                .containsExactly(60_000L, 120_000L, 180_000L, 240_000L, 300_000L, 360_000L);
        assertThat(out).extracting(o -> ((ConditionSample) o).samples()).containsExactly(3L, 4L, 4L, 4L, 4L, 1L);
        assertThat(((ConditionSample) out.get(1)).value()).isEqualTo(0.5);
    }

    @Test
    void aRouteQuietForTheWindowKeepsNoStateAndNoTimer() throws Exception {
        var r = SnapshotRestore.uninterrupted(
                RouteFallbackRatioHarnessTest::harness, input(), SnapshotRestore.mainOutput());
        var h = r.harness();
        // At 400 s the window (100 s, 400 s] is empty but the minute from 60 s waits for the tick at 420 s.
        assertThat(h.numKeyedStateEntries()).isEqualTo(2); // minute 60 s and order o4
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        h.processWatermark(420_000);
        assertThat(r.outputs()).hasSize(6);
        assertThat(h.extractOutputValues()).hasSize(6); // the empty window reports nothing
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numProcessingTimeTimers()).isZero();
        h.close();
    }
}
