package io.riskplane.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.eventtime.PolicyHarness;
import io.riskplane.model.GuardrailTrip;
import io.riskplane.model.OperatorDirective;
import io.riskplane.model.PolicyRecord;
import io.riskplane.model.RuleDirective;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sliding order counts, per-order caps, escalating cooldowns and the kill, by hand. */
class GuardrailMonitorTest {
    KeyedBroadcastOperatorTestHarness<String, GuardrailInput, RuleDirective, GuardrailTrip> h;

    @BeforeEach
    void setUp() throws Exception {
        h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new GuardrailMonitor(),
                GuardrailInput::scopeKey,
                Types.STRING,
                GuardrailMonitor.POLICIES,
                GuardrailMonitor.RESUMES);
        h.processBroadcastElement(
                RuleDirective.of(policy(Map.of(
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
                        900.0,
                        "max_spread_cross_bps",
                        50.0,
                        "max_adverse_selection_bps",
                        20.0))),
                0);
    }

    static PolicyRecord policy(Map<String, Double> thresholds) {
        return new PolicyRecord(
                "acme-default", 3, "acme", "*", "", "", "", "USD", 1_000, 0, 0, 0, false, 0, "p", thresholds);
    }

    static GuardrailInput order(long seconds) {
        return new GuardrailInput(
                GuardrailInput.ORDER,
                GuardrailInput.STRATEGY,
                "acme",
                "momo",
                "",
                "o" + seconds,
                seconds * 1000,
                Double.NaN,
                Double.NaN);
    }

    private List<GuardrailTrip> feed(List<GuardrailInput> in) throws Exception {
        return PolicyHarness.feed(h, GuardrailInput::atMillis, in);
    }

    @Test
    void repeatedRateTripsEscalateTheCooldownAndTheThirdKills() throws Exception {
        List<GuardrailInput> in = new ArrayList<>();
        // 4 orders in (t-10 s, t] trips at 4 s; 5 s falls in the 30 s cooldown (until 34 s).
        for (long s : new long[] {1, 2, 3, 4, 5}) {
            in.add(order(s));
        }
        // Window (33, 43]: 40..43 is 4 orders (5 s has left it): trip 2 at 43 s, cooldown 60 s capped to 50 s.
        for (long s : new long[] {40, 41, 42, 43}) {
            in.add(order(s));
        }
        // 90 s is still cooling down (until 93 s); at 100..103 the window (93, 103] holds 4: trip 3 kills.
        for (long s : new long[] {90, 100, 101, 102, 103, 104}) {
            in.add(order(s));
        }
        List<GuardrailTrip> trips = feed(in);
        assertThat(trips).extracting(GuardrailTrip::atMillis).containsExactly(4_000L, 43_000L, 103_000L);
        assertThat(trips).extracting(GuardrailTrip::tripsInWindow).containsExactly(1, 2, 3);
        assertThat(trips).extracting(GuardrailTrip::cooldownMillis).containsExactly(30_000L, 50_000L, 50_000L);
        assertThat(trips).extracting(GuardrailTrip::entersKill).containsExactly(false, false, true);
        assertThat(trips).extracting(GuardrailTrip::value).containsExactly(4.0, 4.0, 4.0);
        assertThat(trips.get(0).triggerEventIds()).containsExactly("o1", "o2", "o3", "o4");
        assertThat(trips.get(1).policyVersion()).isEqualTo(3);
    }

    @Test
    void anOperatorsResumeAfterTheKillStartsTheScopeAfresh() throws Exception {
        // As above: killed at 103 s. A resume of another scope (the org) or of another rule changes nothing; the
        // desk's resume of acme/momo at 200 s starts it afresh: the next burst trips with a first, 30 s cooldown.
        h.processBroadcastElement(
                RuleDirective.of(new OperatorDirective("cmd-org", false, "acme", "", "", "", "", "", "*", 150_000)), 0);
        h.processBroadcastElement(
                RuleDirective.of(new OperatorDirective(
                        "cmd-dd", false, "acme", "momo", "", "", "", "", "pnl.drawdown.kill-switch", 150_000)),
                0);
        h.processBroadcastElement(
                RuleDirective.of(new OperatorDirective(
                        "cmd-desk", false, "acme", "momo", "", "", "", "", "guardrail.repeat.kill-switch", 200_000)),
                0);
        List<GuardrailInput> in = new ArrayList<>();
        for (long s : new long[] {1, 2, 3, 4, 40, 41, 42, 43, 100, 101, 102, 103}) {
            in.add(order(s));
        }
        // Killed: a burst at 160 s trips nothing. After the resume, a burst at 300 s trips afresh.
        for (long s : new long[] {160, 161, 162, 163, 300, 301, 302, 303}) {
            in.add(order(s));
        }
        List<GuardrailTrip> trips = feed(in);
        assertThat(trips).extracting(GuardrailTrip::atMillis).containsExactly(4_000L, 43_000L, 103_000L, 303_000L);
        assertThat(trips).extracting(GuardrailTrip::tripsInWindow).containsExactly(1, 2, 3, 1);
        assertThat(trips.get(3).cooldownMillis()).isEqualTo(30_000L);
        assertThat(trips.get(3).entersKill()).isFalse();
    }

    /**
     * A resume decided at the kill's very millisecond lifts it, as execution's verifier and the halt ledger do, even
     * when it reaches the monitor after the kill was judged: the scope starts afresh at its next input, once (a
     * trip after the resume is not erased by the same resume).
     */
    @Test
    void aResumeAtTheKillsMillisecondStartsTheScopeAfresh() throws Exception {
        List<GuardrailInput> in = new ArrayList<>();
        for (long s : new long[] {1, 2, 3, 4, 40, 41, 42, 43, 100, 101, 102, 103}) {
            in.add(order(s));
        }
        assertThat(feed(in)).extracting(GuardrailTrip::entersKill).containsExactly(false, false, true); // at 103 s
        h.processBroadcastElement(
                RuleDirective.of(
                        new OperatorDirective("cmd-desk", false, "acme", "momo", "", "", "", "", "*", 103_000)),
                0);
        List<GuardrailTrip> trips = feed(List.of(
                order(150),
                order(151),
                order(152),
                order(153),
                order(160),
                order(200),
                order(201),
                order(202),
                order(203))); // every trip so far
        // Afresh at 150 s: the fourth order in the window trips with the first, 30 s cooldown; 160 s is within it;
        // at 203 s the second trip (60 s cooldown capped to 50 s): the trips before the resume no longer count.
        assertThat(trips)
                .extracting(GuardrailTrip::atMillis)
                .containsExactly(4_000L, 43_000L, 103_000L, 153_000L, 203_000L);
        assertThat(trips).extracting(GuardrailTrip::tripsInWindow).containsExactly(1, 2, 3, 1, 2);
        assertThat(trips).extracting(GuardrailTrip::entersKill).containsExactly(false, false, true, false, false);
    }

    @Test
    void perOrderCapsTripAtTheInstrumentLevel() throws Exception {
        GuardrailInput cross = new GuardrailInput(
                GuardrailInput.ORDER, GuardrailInput.INSTRUMENT, "acme", "momo", "BTC", "x", 1_000, 60, Double.NaN);
        GuardrailInput adverse = new GuardrailInput(
                GuardrailInput.FILL, GuardrailInput.INSTRUMENT, "acme", "momo", "ETH", "f", 2_000, Double.NaN, 25);
        GuardrailInput fine = new GuardrailInput(
                GuardrailInput.FILL, GuardrailInput.INSTRUMENT, "acme", "momo", "SOL", "g", 3_000, Double.NaN, 19.9);
        List<GuardrailTrip> trips = feed(List.of(cross, adverse, fine));
        assertThat(trips)
                .extracting(t -> t.instrument() + ":" + t.check() + ":" + t.limitName())
                .containsExactly(
                        "BTC:spread_cross:max_spread_cross_bps", "ETH:adverse_selection:max_adverse_selection_bps");
    }

    @Test
    void anotherOrgsPolicyDoesNotApply() throws Exception {
        List<GuardrailInput> in = new ArrayList<>();
        for (long s = 1; s <= 10; s++) {
            in.add(new GuardrailInput(
                    GuardrailInput.ORDER,
                    GuardrailInput.STRATEGY,
                    "globex",
                    "arb",
                    "",
                    "g" + s,
                    s * 100,
                    Double.NaN,
                    Double.NaN));
        }
        assertThat(feed(in)).isEmpty();
    }
}
