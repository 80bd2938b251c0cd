package io.riskplane.rules.slo;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.eventtime.PolicyVersionedFunction;
import io.riskplane.model.OperatorDirective;
import io.riskplane.model.RuleDirective;
import io.riskplane.model.SloEvaluation;
import io.riskplane.model.SloMeasurement;
import io.riskplane.testing.SnapshotRestore;
import io.riskplane.testing.SnapshotRestore.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Harness checks of SloEvaluator's state: buffered measurements and their timers are gone once the watermark
 * passes; a snapshot taken anywhere and restored gives the uninterrupted outputs (including the store-on-change
 * decisions and the operator's resume re-arming the halt); a scope quiet for a week and a day is forgotten unless
 * it is halted.
 */
class SloEvaluatorHarnessTest {
    private interface S
            extends Step<KeyedBroadcastOperatorTestHarness<String, SloMeasurement, RuleDirective, SloEvaluation>> {}

    static KeyedBroadcastOperatorTestHarness<String, SloMeasurement, RuleDirective, SloEvaluation> harness()
            throws Exception {
        return new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(
                        new SloEvaluator(), List.of(SloEvaluator.POLICIES, SloEvaluator.RESUMES)),
                SloMeasurement::scopeKey,
                Types.STRING,
                1,
                1,
                0);
    }

    static S age(long t, double ageMs) {
        SloMeasurement m = SloEvaluatorTest.age(t, ageMs);
        return h -> h.processElement(m, t);
    }

    static S wm(long t) {
        return h -> {
            h.processWatermark(t);
            h.processBroadcastWatermark(t);
        };
    }

    static S broadcast(RuleDirective d) {
        return h -> h.processBroadcastElement(d, 0);
    }

    static List<S> input() {
        List<S> steps = new ArrayList<>();
        steps.add(broadcast(RuleDirective.of(SloEvaluatorTest.policy(
                "v", "*", "", false, Map.of("quote_freshness_ms", 10_000.0, "confirm_evaluations", 2.0)))));
        steps.add(broadcast(RuleDirective.of(new OperatorDirective(
                "cmd-desk", false, "", "", "ETH", "kraken", "", "", "slo.breach.kill-switch", 22_000))));
        steps.add(age(5_000, 12_000));
        steps.add(age(10_000, 12_000));
        steps.add(wm(7_000));
        steps.add(age(15_000, 100));
        steps.add(wm(15_000));
        steps.add(age(20_000, 12_000));
        steps.add(age(25_000, 12_000));
        steps.add(wm(24_000));
        steps.add(age(30_000, 12_000));
        steps.add(age(35_000, 12_000));
        steps.add(wm(35_000));
        return steps;
    }

    @Test
    void aSnapshotAnywhereRestoresToTheUninterruptedOutputs() throws Exception {
        List<Object> out = SnapshotRestore.assertSameAtEveryCut(
                SloEvaluatorHarnessTest::harness, input(), SnapshotRestore.mainOutput());
        assertThat(out)
                .extracting(o -> ((SloEvaluation) o).entersHalt())
                .containsExactly(false, true, false, false, false, true, false);
        assertThat(out)
                .extracting(o -> ((SloEvaluation) o).halted())
                .containsExactly(false, true, true, true, false, true, true);
    }

    @Test
    void aQuietHaltedScopeKeepsItsHaltAndNoTimer() throws Exception {
        var steps = input();
        steps.add(age(40_000, 100));
        steps.add(wm(Long.MAX_VALUE - 1));
        var r = SnapshotRestore.uninterrupted(SloEvaluatorHarnessTest::harness, steps, SnapshotRestore.mainOutput());
        assertThat(r.harness().numEventTimeTimers()).isZero();
        assertThat(r.harness().numProcessingTimeTimers()).isZero();
        // Halted at 30 s and not resumed since: slo-streaks, slo-stored and slo-resumable-from stay.
        assertThat(SnapshotRestore.numKeyedStateEntries(r.harness())).isEqualTo(3);
        r.harness().close();
    }

    @Test
    void aQuietHealthyScopeIsForgottenAfterAWeekAndADay() throws Exception {
        List<S> steps = new ArrayList<>();
        steps.add(input().get(0)); // the policy
        steps.add(age(5_000, 100));
        steps.add(age(10_000, 12_000)); // one breach: a streak of 1, short of confirm_evaluations
        steps.add(wm(10_000 + PolicyVersionedFunction.QUIET_SCOPE_MILLIS - 1));
        var r = SnapshotRestore.uninterrupted(SloEvaluatorHarnessTest::harness, steps, SnapshotRestore.mainOutput());
        var h = r.harness();
        assertThat(SnapshotRestore.numKeyedStateEntries(h))
                .as("streaks, stored, quiet deadline")
                .isEqualTo(3);
        wm(Long.MAX_VALUE - 1).apply(h);
        assertThat(SnapshotRestore.numKeyedStateEntries(h)).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        h.close();
    }
}
