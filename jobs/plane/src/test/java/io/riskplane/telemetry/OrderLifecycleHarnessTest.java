package io.riskplane.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.BookEvent;
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
 * Harness checks of OrderLifecycle: two orders' transitions and fills (one late, after its terminal state) give the
 * uninterrupted facts whatever the snapshot point; a terminal order is forgotten, state and timer, an hour after its
 * end, after a restore too. An order that never reaches a terminal state has no expiry (see the survey).
 */
class OrderLifecycleHarnessTest {
    private interface S extends Step<KeyedOneInputStreamOperatorTestHarness<String, ExecutionInput, ExecutionFact>> {}

    static KeyedOneInputStreamOperatorTestHarness<String, ExecutionInput, ExecutionFact> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new OrderLifecycle()), ExecutionInput::lifecycleKey, Types.STRING);
    }

    static S order(String order, String id, long t, String state, double filled, long ack, String actual) {
        OrderRecord o = OrderLifecycleTest.order(
                order,
                id,
                t,
                state,
                filled,
                ack,
                "fix",
                actual,
                actual.isEmpty() || actual.equals("fix") ? "" : "primary down",
                "ERROR_CATEGORY_UNSPECIFIED");
        return h -> h.processElement(new ExecutionInput(o, null, null, 0), t);
    }

    static S fill(String order, String id, long t, double price) {
        BookEvent f = BookEvent.fill(id, id, order, "fix", t, "acme", "s1", "BTC", "coinbase", 1, 1.0, price, 0);
        return h -> h.processElement(new ExecutionInput(null, f, null, 0), t);
    }

    static S wm(long t) {
        return (S & SnapshotRestore.Rewatermark) h -> h.processWatermark(t);
    }

    static List<S> input() {
        List<S> steps = new ArrayList<>();
        steps.add(order("o1", "e1", 1_000, "DECIDED", 0, 0, "fix"));
        steps.add(order("o2", "e2", 1_010, "DECIDED", 0, 0, ""));
        steps.add(order("o1", "e3", 1_030, "ACKNOWLEDGED", 0, 1_030, ""));
        steps.add(wm(1_020));
        steps.add(fill("o1", "f1", 1_250, 100.05));
        steps.add(order("o2", "e4", 1_200, "ACKNOWLEDGED", 0, 1_200, "fix-backup"));
        steps.add(order("o1", "e5", 1_300, "FILLED", 2.0, 1_030, ""));
        steps.add(wm(2_000));
        steps.add(fill("o1", "f2", 600_000, 101.0)); // after o1's end, within the hour
        steps.add(order("o2", "e6", 650_000, "REJECTED", 0, 1_200, ""));
        steps.add(wm(700_000));
        steps.add(fill("o2", "f3", 800_000, 99.0));
        steps.add(wm(1_300 + OrderLifecycle.RETAIN_AFTER_TERMINAL_MS));
        return steps;
    }

    @Test
    void aSnapshotAnywhereRestoresToTheUninterruptedOutputs() throws Exception {
        List<Object> out = SnapshotRestore.assertSameAtEveryCut(
                OrderLifecycleHarnessTest::harness, input(), SnapshotRestore.mainOutput());
        assertThat(out)
                .extracting(o -> ((ExecutionFact) o).kind())
                .containsExactly("ack", "ack", "fill", "terminal", "fill", "terminal", "fill");
        ExecutionFact lateFill = (ExecutionFact) out.get(4);
        assertThat(lateFill.latencyMs()).isEqualTo(599_000); // against o1's decision, kept after its end
        assertThat(lateFill.slippageBps()).isEqualTo(100.0, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void aTerminalOrderIsForgottenAnHourAfterItsEndAfterARestoreToo() throws Exception {
        var r = SnapshotRestore.restoredAfter(
                OrderLifecycleHarnessTest::harness, input(), 9, 1L, SnapshotRestore.mainOutput());
        var h = r.harness();
        assertThat(h.numKeyedStateEntries()).isEqualTo(1); // o2, ended at 650 s
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        h.processWatermark(650_000 + OrderLifecycle.RETAIN_AFTER_TERMINAL_MS);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numProcessingTimeTimers()).isZero();
        h.close();
    }

    /** Finding: no rule forgets an order that never ends (lost terminal event, resting order): state stays. */
    @Test
    void anOrderThatNeverEndsIsForgottenAWeekAfterItsLastUpdate() throws Exception {
        long week = 7L * 24 * 3_600_000L;
        var h = harness();
        h.open();
        order("o9", "e9", 1_000, "ACKNOWLEDGED", 0, 1_000, "fix").apply(h);
        assertThat(h.numEventTimeTimers()).as("the resting order's timer").isEqualTo(1);
        // An update half a week later moves the deadline to a week after it.
        order("o9", "e10", 1_000 + week / 2, "PARTIALLY_FILLED", 0, 1_000, "fix")
                .apply(h);
        h.processWatermark(1_000 + week);
        assertThat(h.numKeyedStateEntries()).as("updated half a week ago: kept").isEqualTo(1);
        assertThat(h.numEventTimeTimers()).as("re-armed at the new deadline").isEqualTo(1);
        h.processWatermark(1_000 + week / 2 + week);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        h.close();
    }
}
