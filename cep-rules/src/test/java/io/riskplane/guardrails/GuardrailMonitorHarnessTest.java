package io.riskplane.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.eventtime.PolicyVersionedFunction;
import io.riskplane.model.GuardrailTrip;
import io.riskplane.model.OperatorDirective;
import io.riskplane.model.RuleDirective;
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
 * Harness checks of GuardrailMonitor's state: buffered inputs and their timers are gone once the watermark passes;
 * a snapshot taken anywhere (mid-burst, in cooldown, killed, after the resume) and restored gives the uninterrupted
 * trips; a scope quiet for a week and a day is forgotten, unless it is killed.
 */
class GuardrailMonitorHarnessTest {
    private interface S
            extends Step<KeyedBroadcastOperatorTestHarness<String, GuardrailInput, RuleDirective, GuardrailTrip>> {}

    static KeyedBroadcastOperatorTestHarness<String, GuardrailInput, RuleDirective, GuardrailTrip> harness()
            throws Exception {
        return new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(
                        new GuardrailMonitor(), List.of(GuardrailMonitor.POLICIES, GuardrailMonitor.RESUMES)),
                GuardrailInput::scopeKey,
                Types.STRING,
                1,
                1,
                0);
    }

    static S order(long seconds) {
        GuardrailInput in = GuardrailMonitorTest.order(seconds);
        return h -> h.processElement(in, in.atMillis());
    }

    static S wm(long seconds) {
        return h -> {
            h.processWatermark(seconds * 1000);
            h.processBroadcastWatermark(seconds * 1000);
        };
    }

    static S broadcast(RuleDirective d) {
        return h -> h.processBroadcastElement(d, 0);
    }

    static List<S> input() {
        List<S> steps = new ArrayList<>();
        steps.add(broadcast(RuleDirective.of(GuardrailMonitorTest.policy(Map.of(
                "max_orders_strategy",
                3.0,
                "order_rate_window_s",
                10.0,
                "cooldown_base_s",
                30.0,
                "cooldown_max_s",
                50.0,
                "kill_trips",
                3.0,
                "trip_window_s",
                900.0)))));
        steps.add(broadcast(RuleDirective.of(new OperatorDirective(
                "cmd-desk", false, "acme", "momo", "", "", "", "", "guardrail.repeat.kill-switch", 200_000))));
        long[][] bursts = {
            {1, 2, 3}, {4, 5}, {40, 41, 42, 43}, {100, 101, 102}, {103}, {160, 161, 162, 163}, {300, 301}, {302, 303}
        };
        for (long[] burst : bursts) {
            for (long s : burst) {
                steps.add(order(s));
            }
            steps.add(wm(burst[burst.length - 1]));
        }
        return steps;
    }

    @Test
    void aSnapshotAnywhereRestoresToTheUninterruptedOutputs() throws Exception {
        List<Object> out = SnapshotRestore.assertSameAtEveryCut(
                GuardrailMonitorHarnessTest::harness, input(), SnapshotRestore.mainOutput());
        assertThat(out)
                .extracting(o -> ((GuardrailTrip) o).atMillis())
                .containsExactly(4_000L, 43_000L, 103_000L, 303_000L);
        assertThat(out).extracting(o -> ((GuardrailTrip) o).tripsInWindow()).containsExactly(1, 2, 3, 1);
        assertThat(out).extracting(o -> ((GuardrailTrip) o).entersKill()).containsExactly(false, false, true, false);
    }

    @Test
    void aQuietScopeIsForgottenAfterAWeekAndADay() throws Exception {
        var steps = input();
        steps.add(wm(303 + PolicyVersionedFunction.QUIET_SCOPE_MILLIS / 1000 - 1));
        var r = SnapshotRestore.uninterrupted(
                GuardrailMonitorHarnessTest::harness, steps, SnapshotRestore.mainOutput());
        var h = r.harness();
        // Quiet for less than a week and a day: guardrail-scope, guardrail-rearmed-at (the resume at 200 s) and the
        // quiet deadline are kept, with the timer that checks it.
        assertThat(SnapshotRestore.numKeyedStateEntries(h)).isEqualTo(3);
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        wm(Long.MAX_VALUE / 1000).apply(h);
        assertThat(SnapshotRestore.numKeyedStateEntries(h)).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numProcessingTimeTimers()).isZero();
        h.close();
    }

    @Test
    void aKilledScopeStaysKilledHoweverLongItIsQuiet() throws Exception {
        var steps = input();
        steps.remove(1); // no operator resume: the kill at 103 s stays
        steps.add(wm(Long.MAX_VALUE / 1000));
        var r = SnapshotRestore.uninterrupted(
                GuardrailMonitorHarnessTest::harness, steps, SnapshotRestore.mainOutput());
        assertThat(r.outputs())
                .extracting(o -> ((GuardrailTrip) o).entersKill())
                .containsExactly(false, false, true);
        var h = r.harness();
        assertThat(SnapshotRestore.numKeyedStateEntries(h))
                .as("guardrail-scope, killed")
                .isEqualTo(1);
        assertThat(h.numEventTimeTimers()).isZero();
        h.close();
    }
}
