package io.riskplane.rules.lanes;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.LaneRunEvaluation;
import io.riskplane.model.LaneRunRecord;
import io.riskplane.model.RuleDirective;
import io.riskplane.testing.SnapshotRestore;
import io.riskplane.testing.SnapshotRestore.Step;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Harness checks of LaneFailureEvaluator's state: the runs it buffers by event time and their timers are gone once
 * the watermark passes; a snapshot taken anywhere and restored gives the outputs of the uninterrupted run. The lane's
 * own history (failures in the window, the versions it ran, for the rollback target) has no expiry: a quiet lane
 * keeps that one entry (see the survey).
 */
class LaneFailureEvaluatorHarnessTest {
    private interface S
            extends Step<KeyedBroadcastOperatorTestHarness<String, LaneRunRecord, RuleDirective, LaneRunEvaluation>> {}

    static KeyedBroadcastOperatorTestHarness<String, LaneRunRecord, RuleDirective, LaneRunEvaluation> harness()
            throws Exception {
        return new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(new LaneFailureEvaluator(), List.of(LaneFailureEvaluator.POLICIES)),
                LaneRunRecord::lane,
                Types.STRING,
                1,
                1,
                0);
    }

    static S run(long seconds, String version, boolean ok) {
        LaneRunRecord r = LaneFailureEvaluatorTest.run(seconds, version, ok);
        return h -> h.processElement(r, r.eventTimeMillis());
    }

    static S wm(long seconds) {
        return h -> {
            h.processWatermark(seconds * 1000);
            h.processBroadcastWatermark(seconds * 1000);
        };
    }

    static List<S> input() {
        List<S> steps = new ArrayList<>();
        steps.add(h -> h.processBroadcastElement(LaneFailureEvaluatorTest.policy(), 0));
        steps.add(run(0, "v6", true));
        steps.add(run(300, "v7", false));
        steps.add(run(100, "v7", false)); // out of order: sorted by the buffer
        steps.add(wm(200));
        steps.add(run(350, "v7", true));
        steps.add(wm(350));
        steps.add(run(800, "v7", false));
        steps.add(run(850, "v7", false));
        steps.add(wm(800));
        steps.add(run(900, "v6", false));
        steps.add(wm(900));
        steps.add(run(950, "v6", false));
        steps.add(run(1000, "v6", false));
        steps.add(wm(1000));
        return steps;
    }

    @Test
    void aSnapshotAnywhereRestoresToTheUninterruptedOutputs() throws Exception {
        List<Object> out = SnapshotRestore.assertSameAtEveryCut(
                LaneFailureEvaluatorHarnessTest::harness, input(), SnapshotRestore.mainOutput());
        assertThat(out).extracting(o -> ((LaneRunEvaluation) o).failures()).containsExactly(0, 1, 2, 2, 2, 3, 1, 2, 3);
        assertThat(out)
                .extracting(o -> ((LaneRunEvaluation) o).entersRollback())
                .containsExactly(false, false, false, false, false, true, false, false, true);
        assertThat(((LaneRunEvaluation) out.get(5)).rollbackTarget()).isEqualTo("v6");
    }

    @Test
    void aQuietLaneKeepsNoBufferedRunAndNoTimerOnlyItsHistory() throws Exception {
        var steps = input();
        steps.add(run(1100, "v6", true));
        steps.add(wm(Long.MAX_VALUE / 1000));
        var r = SnapshotRestore.uninterrupted(
                LaneFailureEvaluatorHarnessTest::harness, steps, SnapshotRestore.mainOutput());
        assertThat(r.harness().numEventTimeTimers()).isZero();
        assertThat(r.harness().numProcessingTimeTimers()).isZero();
        // Only "lane-failures" of lane-pm: no expiry rule (kept for the rollback target's version history).
        assertThat(SnapshotRestore.numKeyedStateEntries(r.harness())).isEqualTo(1);
        r.harness().close();
    }
}
