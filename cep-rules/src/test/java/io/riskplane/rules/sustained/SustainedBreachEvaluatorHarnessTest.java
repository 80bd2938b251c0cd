package io.riskplane.rules.sustained;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.ConditionEvaluation;
import io.riskplane.model.ConditionSample;
import io.riskplane.model.OperatorDirective;
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
 * Harness checks of SustainedBreachEvaluator's state: a scope's run ends with a healthy sample and its latch with the
 * first sample after an operator's resume, after which nothing of the scope is kept (and no timer); a snapshot
 * taken anywhere in the input and restored gives the outputs of the uninterrupted run.
 */
class SustainedBreachEvaluatorHarnessTest {
    static KeyedBroadcastOperatorTestHarness<String, ConditionSample, RuleDirective, ConditionEvaluation> harness()
            throws Exception {
        return new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(
                        new SustainedBreachEvaluator(),
                        List.of(SustainedBreachEvaluator.POLICIES, SustainedBreachEvaluator.RESUMES)),
                ConditionSample::scopeKey,
                Types.STRING,
                1,
                1,
                0);
    }

    static ConditionSample route(long at, double ratio) {
        return SustainedBreachEvaluatorTest.route(at, ratio, 10, "primary down");
    }

    static Step<KeyedBroadcastOperatorTestHarness<String, ConditionSample, RuleDirective, ConditionEvaluation>> in(
            ConditionSample s) {
        return h -> h.processElement(s, s.atMillis());
    }

    static Step<KeyedBroadcastOperatorTestHarness<String, ConditionSample, RuleDirective, ConditionEvaluation>> wm(
            long t) {
        return h -> {
            h.processWatermark(t);
            h.processBroadcastWatermark(t);
        };
    }

    static Step<KeyedBroadcastOperatorTestHarness<String, ConditionSample, RuleDirective, ConditionEvaluation>> resume(
            String id, long at) {
        return h -> h.processBroadcastElement(
                RuleDirective.of(new OperatorDirective(
                        id, false, "", "", "", "", "kraken-rest", "", SustainedBreachRule.ROUTE_RULE_ID, at)),
                0);
    }

    /** Trips at 240 s, latched through a second run, re-armed by the resume at 700 s, trips again at 840 s. */
    static List<Step<KeyedBroadcastOperatorTestHarness<String, ConditionSample, RuleDirective, ConditionEvaluation>>>
            input() {
        var steps = new ArrayList<
                Step<KeyedBroadcastOperatorTestHarness<String, ConditionSample, RuleDirective, ConditionEvaluation>>>();
        steps.add(h -> h.processBroadcastElement(SustainedBreachEvaluatorTest.routePolicy(), 0));
        steps.add(resume("cmd-desk", 700_000));
        steps.add(in(route(60_000, 0.6)));
        steps.add(in(route(240_000, 0.8)));
        steps.add(wm(200_000));
        steps.add(in(route(300_000, 0.1)));
        steps.add(wm(250_000));
        steps.add(in(route(360_000, 0.9)));
        steps.add(in(route(600_000, 0.9)));
        steps.add(wm(599_999));
        steps.add(in(route(720_000, 0.9)));
        steps.add(wm(720_000));
        steps.add(in(route(780_000, 0.9)));
        steps.add(in(route(840_000, 0.9)));
        steps.add(wm(840_000));
        return steps;
    }

    @Test
    void aSnapshotAnywhereRestoresToTheUninterruptedOutputs() throws Exception {
        List<Object> out = SnapshotRestore.assertSameAtEveryCut(
                SustainedBreachEvaluatorHarnessTest::harness, input(), SnapshotRestore.mainOutput());
        assertThat(out).hasSize(8);
        assertThat(out)
                .extracting(o -> ((ConditionEvaluation) o).entersTrigger())
                .containsExactly(false, true, false, false, false, false, false, true);
        assertThat(((ConditionEvaluation) out.get(7)).breachSinceMillis()).isEqualTo(720_000L);
    }

    @Test
    void aHealthyScopeAfterAResumeKeepsNoStateAndNoTimer() throws Exception {
        var steps = input();
        steps.add(resume("cmd-desk-2", 850_000));
        steps.add(in(route(900_000, 0.1)));
        steps.add(wm(900_000));
        var run = SnapshotRestore.uninterrupted(
                SustainedBreachEvaluatorHarnessTest::harness, steps, SnapshotRestore.mainOutput());
        var h = run.harness();
        ConditionEvaluation last =
                (ConditionEvaluation) run.outputs().get(run.outputs().size() - 1);
        assertThat(last.status()).isEqualTo(ConditionEvaluation.HEALTHY);
        assertThat(SnapshotRestore.numKeyedStateEntries(h)).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numProcessingTimeTimers()).isZero();
        h.close();
    }

    /** Until it is resumed the halt stays latched (fail closed): the latch is all the quiet scope keeps. */
    @Test
    void aTrippedScopeThatGoesQuietKeepsOnlyItsLatch() throws Exception {
        var steps = input();
        steps.add(in(route(900_000, 0.1)));
        steps.add(wm(Long.MAX_VALUE - 1));
        var run = SnapshotRestore.uninterrupted(
                SustainedBreachEvaluatorHarnessTest::harness, steps, SnapshotRestore.mainOutput());
        var h = run.harness();
        assertThat(SnapshotRestore.numKeyedStateEntries(h)).isEqualTo(1); // breach-latched-from
        assertThat(h.numEventTimeTimers()).isZero();
        h.close();
    }
}
