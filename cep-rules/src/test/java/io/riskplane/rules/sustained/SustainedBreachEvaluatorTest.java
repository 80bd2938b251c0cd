package io.riskplane.rules.sustained;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.EnvelopeJson;
import io.riskplane.eventtime.PolicyHarness;
import io.riskplane.model.ConditionEvaluation;
import io.riskplane.model.ConditionSample;
import io.riskplane.model.PolicyRecord;
import io.riskplane.model.RuleDirective;
import io.riskplane.v1.ControlAction;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Envelope;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** "Over the limit for T": the run starts at the first breaching sample and fires once it has lasted T. */
class SustainedBreachEvaluatorTest {
    KeyedBroadcastOperatorTestHarness<String, ConditionSample, RuleDirective, ConditionEvaluation> h;

    @BeforeEach
    void setUp() throws Exception {
        h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new SustainedBreachEvaluator(),
                ConditionSample::scopeKey,
                Types.STRING,
                SustainedBreachEvaluator.POLICIES,
                SustainedBreachEvaluator.RESUMES);
    }

    static PolicyRecord policy(String id, String adapter, String lane, long effective, Map<String, Double> t) {
        return new PolicyRecord(id, 1, "*", "", "", adapter, lane, "", 0, 0, 0, 0, false, effective, "e-" + id, t);
    }

    /** The route fallback policy: over a 0.5 ratio for 120 s, from 5 samples on. */
    static RuleDirective routePolicy() {
        return RuleDirective.of(policy(
                "routes",
                "*",
                "",
                0,
                Map.of("fallback_ratio_budget", 0.5, "fallback_budget_for_s", 120.0, "fallback_min_samples", 5.0)));
    }

    static ConditionSample route(long at, double ratio, long orders) {
        return route(at, ratio, orders, "primary down=" + orders);
    }

    static ConditionSample route(long at, double ratio, long orders, String detail) {
        return new ConditionSample(
                "s" + at,
                ConditionSample.ROUTE_FALLBACK,
                "",
                "",
                "kraken-rest",
                "",
                "",
                at,
                at - 300_000,
                ratio,
                orders,
                detail,
                new String[0]);
    }

    static ConditionSample lag(String lane, long at, double seconds) {
        return new ConditionSample(
                lane + at,
                ConditionSample.SIGNAL_LAG,
                "",
                "",
                "",
                lane,
                "alpha",
                at,
                at,
                seconds,
                1,
                "consumer",
                new String[] {"sig-" + at});
    }

    private List<ConditionEvaluation> run(ConditionSample... samples) throws Exception {
        return PolicyHarness.feed(h, ConditionSample::atMillis, samples);
    }

    @Test
    void fallbackOverBudgetForTheDurationFiresOnceAndAHealthySampleEndsTheRun() throws Exception {
        h.processBroadcastElement(routePolicy(), 0);
        List<ConditionEvaluation> out = run(
                route(60_000, 0.6, 10),
                route(120_000, 0.7, 10),
                route(180_000, 1.0, 3),
                route(240_000, 0.8, 10),
                route(300_000, 0.9, 10),
                route(360_000, 0.5, 10),
                route(420_000, 0.6, 10));
        assertThat(out)
                .extracting(ConditionEvaluation::status)
                .containsExactly("BREACH", "BREACH", "INSUFFICIENT_DATA", "BREACH", "BREACH", "HEALTHY", "BREACH");
        // 240 s - 60 s = 180 s >= 120 s; at 120 s it had lasted only 60 s; 0.5 is not over a 0.5 budget.
        assertThat(out)
                .extracting(ConditionEvaluation::entersTrigger)
                .containsExactly(false, false, false, true, false, false, false);
        assertThat(out)
                .extracting(ConditionEvaluation::breachSinceMillis)
                .containsExactly(60_000L, 60_000L, 60_000L, 60_000L, 60_000L, 0L, 420_000L);
        assertThat(out.get(3).runSampleIds()).containsExactly("s60000", "s120000", "s240000");

        ControlEvent c = Envelope.parseFrom(
                        SustainedControlEvents.of(out.get(3)).envelope())
                .getControl();
        assertThat(c.getKind()).isEqualTo(ControlKind.ROLLBACK);
        assertThat(c.getAction()).isEqualTo(ControlAction.DISABLE_ROUTE);
        assertThat(c.getScope().getAdapter()).isEqualTo("kraken-rest");
        assertThat(c.getRuleId()).isEqualTo("route.fallback.rollback");
        assertThat(c.getEvidence().getMetricsList())
                .anyMatch(m -> m.getName().equals("breach_lasted_s") && m.getValue() == 180.0);
        assertThat(c.getEvidence().getThresholdsList())
                .extracting(t -> t.getName() + "=" + t.getLimit())
                .containsExactly(
                        "fallback_ratio_budget=0.5", "fallback_budget_for_s=120.0", "fallback_min_samples=5.0");
        // Same input, same bytes.
        assertThat(EnvelopeJson.print(
                        Envelope.parseFrom(SustainedControlEvents.of(out.get(3)).envelope())))
                .isEqualTo(EnvelopeJson.print(
                        Envelope.parseFrom(SustainedControlEvents.of(out.get(3)).envelope())));
    }

    @Test
    void aLaneOwnPolicyBeatsTheWildcardAndAClosedSessionNeitherGrowsNorEndsTheRun() throws Exception {
        h.processBroadcastElement(
                RuleDirective.of(
                        policy("lanes", "", "*", 0, Map.of("signal_lag_max_s", 10.0, "signal_lag_for_s", 30.0))),
                0);
        h.processBroadcastElement(RuleDirective.of(policy("momo", "", "momo", 0, Map.of("signal_lag_max_s", 60.0))), 0);
        List<ConditionEvaluation> out = run(
                lag("momo", 5_000, 20),
                lag("pairs", 5_000, 20),
                lag("pairs", 10_000, Double.NaN),
                lag("pairs", 35_000, 25),
                lag("momo", 40_000, 61),
                lag("momo", 70_000, 62));
        assertThat(out)
                .extracting(e -> e.sample().lane() + ":" + e.status() + ":" + e.policyId() + ":" + e.entersTrigger())
                .containsExactly(
                        "momo:HEALTHY:momo:false",
                        "pairs:BREACH:lanes:false",
                        "pairs:INSUFFICIENT_DATA:lanes:false",
                        "pairs:BREACH:lanes:true",
                        "momo:BREACH:momo:false",
                        "momo:BREACH:momo:true");
        ControlEvent c = Envelope.parseFrom(
                        SustainedControlEvents.of(out.get(3)).envelope())
                .getControl();
        assertThat(c.getKind()).isEqualTo(ControlKind.KILL_SWITCH);
        assertThat(c.getAction()).isEqualTo(ControlAction.HALT_NEW_ENTRIES);
        assertThat(c.getScope().getLane()).isEqualTo("pairs");
        assertThat(c.getReasonCode()).isEqualTo("SIGNAL_LAG_BREACHED");
    }

    /**
     * Issue 16: a route rolled back stays so until an operator resumes it. A second breach run of the same route
     * reports its breach but fires nothing; a resume of another scope or rule changes nothing; after the operator's
     * resume of the route, a breach must last the policy's duration anew, then fires again.
     */
    @Test
    void aFiredBreachLatchesUntilAnOperatorResumesItsScope() throws Exception {
        h.processBroadcastElement(routePolicy(), 0);
        h.processBroadcastElement(
                RuleDirective.of(new io.riskplane.model.OperatorDirective(
                        "cmd-other", false, "", "", "", "", "coinbase-fix", "", "*", 500_000)),
                0);
        h.processBroadcastElement(
                RuleDirective.of(new io.riskplane.model.OperatorDirective(
                        "cmd-rule", false, "", "", "", "", "kraken-rest", "", "signal.lag.halt-lanes", 500_000)),
                0);
        h.processBroadcastElement(
                RuleDirective.of(new io.riskplane.model.OperatorDirective(
                        "cmd-desk", false, "", "", "", "", "kraken-rest", "", "route.fallback.rollback", 700_000)),
                0);
        List<ConditionEvaluation> out = run(
                route(60_000, 0.6, 10),
                route(240_000, 0.8, 10),
                route(300_000, 0.1, 10),
                route(360_000, 0.9, 10),
                route(600_000, 0.9, 10),
                route(720_000, 0.9, 10),
                route(780_000, 0.9, 10),
                route(840_000, 0.9, 10));
        // Fires at 240 s (lasted 180 s); the run from 360 s lasts 240 s but is latched; the resume at 700 s re-arms
        // it and restarts the run at 720 s, which has lasted 120 s at 840 s.
        assertThat(out)
                .extracting(ConditionEvaluation::entersTrigger)
                .containsExactly(false, true, false, false, false, false, false, true);
        assertThat(out)
                .extracting(ConditionEvaluation::triggered)
                .containsExactly(false, true, false, false, true, false, false, true);
        assertThat(out.get(7).breachSinceMillis()).isEqualTo(720_000L);
    }

    @Test
    void withoutAPolicyNothingIsMonitored() throws Exception {
        h.processBroadcastElement(
                RuleDirective.of(policy("other", "coinbase-fix", "", 0, Map.of("fallback_ratio_budget", 0.1))), 0);
        h.processBroadcastElement(
                RuleDirective.of(policy("later", "*", "", 500_000, Map.of("fallback_ratio_budget", 0.1))), 0);
        List<ConditionEvaluation> out = run(route(60_000, 1.0, 50), route(400_000, 1.0, 50));
        assertThat(out).extracting(ConditionEvaluation::status).containsExactly("NO_POLICY", "NO_POLICY");
        assertThat(out).noneMatch(ConditionEvaluation::entersTrigger);
    }
}
