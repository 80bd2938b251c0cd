package io.riskplane.halts;

import static io.riskplane.halts.HaltLedgerTest.SETTINGS;
import static io.riskplane.halts.HaltLedgerTest.T;
import static io.riskplane.halts.HaltLedgerTest.control;
import static io.riskplane.halts.HaltLedgerTest.kill;
import static io.riskplane.halts.HaltLedgerTest.operatorResume;
import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.ControlRecord;
import io.riskplane.model.HaltStateRecord;
import io.riskplane.testing.SnapshotRestore;
import io.riskplane.testing.SnapshotRestore.Step;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.HaltStatus;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Snapshot/restore of HaltLedger against the uninterrupted run, for a snapshot anywhere in a kill switch, its
 * confirmation, the operator's resume and two cooldowns, one of which runs out by its timer; states and alerts
 * alike. Once the last cooldown has run out the scope is ACTIVE: no state, no timer (after a restore too).
 */
class HaltLedgerHarnessTest {
    private interface S extends Step<KeyedOneInputStreamOperatorTestHarness<String, ControlRecord, HaltStateRecord>> {}

    static KeyedOneInputStreamOperatorTestHarness<String, ControlRecord, HaltStateRecord> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new HaltLedger(SETTINGS)), HaltLedger::key, Types.STRING);
    }

    static S in(ControlRecord r) {
        return h -> h.processElement(r, r.decidedAtMillis());
    }

    static S wm(long t) {
        return (S & SnapshotRestore.Rewatermark) h -> h.processWatermark(t);
    }

    static List<S> input() {
        List<S> steps = new ArrayList<>();
        steps.add(wm(T - 60_000));
        steps.add(in(kill("ctl-k1", T)));
        steps.add(in(control("ctl-c1", ControlKind.COOLDOWN, "guardrail.trip.cooldown", T + 5_000, T + 40_000, "")));
        steps.add(wm(T + 1_000));
        steps.add(in(kill("ctl-k2", T + 10_000))); // confirms the halt in force: no page
        steps.add(wm(T + 10_000));
        steps.add(in(operatorResume("ctl-r1", T + 20_000)));
        steps.add(wm(T + 30_000));
        steps.add(in(control("ctl-c2", ControlKind.COOLDOWN, "guardrail.trip.cooldown", T + 50_000, T + 80_000, "")));
        steps.add(wm(T + 60_000));
        steps.add(wm(T + 90_000)); // c2 runs out
        return steps;
    }

    static HaltStatus status(Object o) throws Exception {
        return Envelope.parseFrom(((HaltStateRecord) o).envelope())
                .getHaltState()
                .getStatus();
    }

    @Test
    void aSnapshotAnywhereRestoresToTheUninterruptedOutputs() throws Exception {
        List<Object> states = SnapshotRestore.assertSameAtEveryCut(
                HaltLedgerHarnessTest::harness, input(), SnapshotRestore.mainOutput());
        List<HaltStatus> statuses = new ArrayList<>();
        for (Object o : states) {
            statuses.add(status(o));
        }
        assertThat(statuses.get(0)).isEqualTo(HaltStatus.HALT_STATUS_HALTED);
        assertThat(statuses.get(statuses.size() - 1)).isEqualTo(HaltStatus.HALT_STATUS_ACTIVE);
        assertThat(statuses).contains(HaltStatus.HALT_STATUS_COOLING_DOWN);
        List<Object> alerts = SnapshotRestore.assertSameAtEveryCut(
                HaltLedgerHarnessTest::harness, input(), SnapshotRestore.sideOutput(HaltLedger.ALERTS));
        assertThat(alerts).isNotEmpty();
    }

    @Test
    void anActiveScopeKeepsNoStateAndNoTimerAfterARestore() throws Exception {
        var r = SnapshotRestore.restoredAfter(
                HaltLedgerHarnessTest::harness, input(), 9, 1L, SnapshotRestore.mainOutput());
        var h = r.harness();
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numProcessingTimeTimers()).isZero();
        h.close();
    }
}
