package io.riskplane.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.ProtoTime;
import io.riskplane.guardrails.EarlyOrderRateGuard.ArrivedOrder;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.PolicyRecord;
import io.riskplane.testing.SnapshotRestore;
import io.riskplane.testing.SnapshotRestore.Step;
import io.riskplane.v1.Envelope;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Harness checks of EarlyOrderRateGuard's state: a key is forgotten (state and timers) once the watermark passes
 * two windows after its newest order and its cooldown; a snapshot taken anywhere and restored gives the
 * uninterrupted outputs (a restored key still counts the orders before the snapshot and keeps its cooldown).
 */
class EarlyOrderRateGuardHarnessTest {
    private interface S
            extends Step<KeyedBroadcastOperatorTestHarness<String, ArrivedOrder, PolicyRecord, ControlRecord>> {}

    static KeyedBroadcastOperatorTestHarness<String, ArrivedOrder, PolicyRecord, ControlRecord> harness()
            throws Exception {
        return new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(new EarlyOrderRateGuard(), List.of(EarlyOrderRateGuard.POLICIES)),
                ArrivedOrder::key,
                Types.STRING,
                1,
                1,
                0);
    }

    static S order(String partition, String id, long millis) {
        ArrivedOrder o = EarlyOrderRateGuardTest.order(partition, id, millis);
        return h -> h.processElement(o, millis);
    }

    static S wm(long t) {
        return h -> {
            h.processWatermark(t);
            h.processBroadcastWatermark(t);
        };
    }

    static List<S> input() {
        List<S> steps = new ArrayList<>();
        steps.add(h -> h.processBroadcastElement(EarlyOrderRateGuardTest.policy(), 0));
        steps.add(order("o/0", "a", 1_000));
        steps.add(order("o/0", "b", 2_000));
        steps.add(order("o/1", "x", 2_500));
        steps.add(order("o/0", "c", 3_000));
        steps.add(wm(2_000));
        steps.add(order("o/0", "d", 4_000)); // 4 > 3 in (-6 s, 4 s]: trips, cooldown to 34 s
        steps.add(order("o/0", "e", 5_000)); // in cooldown: nothing
        steps.add(wm(20_000));
        steps.add(order("o/0", "f", 35_000));
        steps.add(order("o/0", "g", 36_000));
        steps.add(order("o/0", "h", 37_000));
        steps.add(order("o/0", "i", 38_000)); // 4 in (28 s, 38 s]: trips again
        steps.add(wm(40_000));
        return steps;
    }

    static long decidedAt(Object o) throws Exception {
        return ProtoTime.toMillis(
                Envelope.parseFrom(((ControlRecord) o).envelope()).getControl().getDecidedAt());
    }

    @Test
    void aSnapshotAnywhereRestoresToTheUninterruptedOutputs() throws Exception {
        List<Object> out = SnapshotRestore.assertSameAtEveryCut(
                EarlyOrderRateGuardHarnessTest::harness, input(), SnapshotRestore.mainOutput());
        assertThat(out).hasSize(2);
        assertThat(decidedAt(out.get(0))).isEqualTo(4_000L);
        assertThat(decidedAt(out.get(1))).isEqualTo(38_000L);
    }

    @Test
    void aQuietKeyIsForgottenWithItsTimers() throws Exception {
        var steps = input();
        // o/1's single order is needed until 2.5 s + 20 s; o/0's until max(38 s + 20 s, cooldown 68 s).
        steps.add(wm(23_000));
        var r = SnapshotRestore.uninterrupted(
                EarlyOrderRateGuardHarnessTest::harness, steps, SnapshotRestore.mainOutput());
        var h = r.harness();
        assertThat(SnapshotRestore.numKeyedStateEntries(h)).isEqualTo(1); // o/0 only, in cooldown
        h.processWatermark(68_000);
        h.processBroadcastWatermark(68_000);
        assertThat(SnapshotRestore.numKeyedStateEntries(h)).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numProcessingTimeTimers()).isZero();
        h.close();
    }
}
