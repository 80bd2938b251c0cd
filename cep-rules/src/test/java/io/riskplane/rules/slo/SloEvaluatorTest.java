package io.riskplane.rules.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.riskplane.eventtime.PolicyHarness;
import io.riskplane.model.OperatorDirective;
import io.riskplane.model.PolicyRecord;
import io.riskplane.model.RuleDirective;
import io.riskplane.model.SloEvaluation;
import io.riskplane.model.SloMeasurement;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Confirmation counts, sample minimums, auto-resume and burn-rate arithmetic, by hand. */
class SloEvaluatorTest {
    KeyedBroadcastOperatorTestHarness<String, SloMeasurement, RuleDirective, SloEvaluation> h;

    @BeforeEach
    void setUp() throws Exception {
        h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new SloEvaluator(),
                SloMeasurement::scopeKey,
                Types.STRING,
                SloEvaluator.POLICIES,
                SloEvaluator.RESUMES);
    }

    static PolicyRecord policy(String id, String venue, String adapter, boolean autoResume, Map<String, Double> t) {
        return new PolicyRecord(id, 1, "*", "", venue, adapter, "", "", 0, 0, 0, 0, autoResume, 0, "e-" + id, t);
    }

    static SloMeasurement age(long t, double ageMs) {
        return new SloMeasurement(
                "m" + t,
                SloMeasurement.QUOTE_FRESHNESS,
                SloMeasurement.VENUE_INSTRUMENT,
                "kraken",
                "ETH",
                "",
                t,
                t - (long) ageMs,
                ageMs,
                1,
                Map.of(),
                new String[] {"q"});
    }

    private List<SloEvaluation> run(SloMeasurement... ms) throws Exception {
        return PolicyHarness.feed(h, SloMeasurement::measuredAtMillis, ms);
    }

    @Test
    void anOperatorsResumeOfTheScopeReArmsAHaltWithoutAutoResume() throws Exception {
        h.processBroadcastElement(
                RuleDirective.of(policy(
                        "v", "*", "", false, Map.of("quote_freshness_ms", 10_000.0, "confirm_evaluations", 2.0))),
                0);
        // A resume of the venue alone, or of another rule, changes nothing; the desk's resume of kraken ETH at 22 s
        // starts the streaks afresh, so the breach that goes on halts again after two more evaluations.
        h.processBroadcastElement(
                RuleDirective.of(new OperatorDirective("cmd-venue", false, "", "", "", "kraken", "", "", "*", 12_000)),
                0);
        h.processBroadcastElement(
                RuleDirective.of(new OperatorDirective(
                        "cmd-dd", false, "", "", "ETH", "kraken", "", "", "pnl.drawdown.kill-switch", 12_000)),
                0);
        h.processBroadcastElement(
                RuleDirective.of(new OperatorDirective(
                        "cmd-desk", false, "", "", "ETH", "kraken", "", "", "slo.breach.kill-switch", 22_000)),
                0);
        List<SloEvaluation> out = run(
                age(5_000, 12_000),
                age(10_000, 12_000),
                age(15_000, 100),
                age(20_000, 12_000),
                age(25_000, 12_000),
                age(30_000, 12_000),
                age(35_000, 12_000));
        assertThat(out)
                .extracting(SloEvaluation::entersHalt)
                .containsExactly(false, true, false, false, false, true, false);
        assertThat(out).extracting(SloEvaluation::halted).containsExactly(false, true, true, true, false, true, true);
        assertThat(out).extracting(SloEvaluation::entersResume).containsOnly(false);
    }

    @Test
    void aSingleBadTickDoesNotHaltAndNConsecutiveDo() throws Exception {
        h.processBroadcastElement(
                RuleDirective.of(policy(
                        "v",
                        "*",
                        "",
                        true,
                        Map.of("quote_freshness_ms", 10_000.0, "confirm_evaluations", 3.0, "resume_evaluations", 2.0))),
                0);
        List<SloEvaluation> out = run(
                age(5_000, 12_000),
                age(10_000, 1_000),
                age(15_000, 11_000),
                age(20_000, 16_000),
                age(25_000, 21_000),
                age(30_000, 26_000),
                age(35_000, 100),
                age(40_000, 200));
        assertThat(out)
                .extracting(SloEvaluation::status)
                .containsExactly("BREACH", "HEALTHY", "BREACH", "BREACH", "BREACH", "BREACH", "HEALTHY", "HEALTHY");
        assertThat(out)
                .extracting(SloEvaluation::entersHalt)
                .containsExactly(false, false, false, false, true, false, false, false);
        assertThat(out)
                .extracting(SloEvaluation::entersResume)
                .containsExactly(false, false, false, false, false, false, false, true);
        assertThat(out.get(4).streakMeasurementIds()).containsExactly("m15000", "m20000", "m25000");
        // Storage keeps the changes of status or halt: BREACH, HEALTHY, BREACH, (BREACH), BREACH halted,
        // (BREACH halted), HEALTHY halted, HEALTHY resumed. All within the first minute: no periodic row.
        assertThat(out)
                .extracting(SloEvaluation::storeReason)
                .containsExactly(
                        "STATUS_CHANGE",
                        "STATUS_CHANGE",
                        "STATUS_CHANGE",
                        "",
                        "STATUS_CHANGE",
                        "",
                        "STATUS_CHANGE",
                        "STATUS_CHANGE");
    }

    @Test
    void aSteadyScopeIsStoredOncePerMinuteAndJudgedEveryTime() throws Exception {
        h.processBroadcastElement(
                RuleDirective.of(policy("v", "*", "", true, Map.of("quote_freshness_ms", 10_000.0))), 0);
        List<SloEvaluation> out = run(
                age(30_000, 100),
                age(55_000, 100),
                age(60_000, 100),
                age(65_000, 100),
                age(125_000, 100),
                age(130_000, 100));
        assertThat(out)
                .extracting(SloEvaluation::status)
                .containsOnly("HEALTHY")
                .hasSize(6);
        assertThat(out).extracting(SloEvaluation::healthyStreak).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(out)
                .extracting(SloEvaluation::storeReason)
                .containsExactly("STATUS_CHANGE", "", "PERIODIC", "", "PERIODIC", "");
    }

    @Test
    void withoutAutoResumeAHaltStays() throws Exception {
        h.processBroadcastElement(
                RuleDirective.of(policy(
                        "v",
                        "kraken",
                        "",
                        false,
                        Map.of("quote_freshness_ms", 10_000.0, "confirm_evaluations", 1.0, "resume_evaluations", 1.0))),
                0);
        List<SloEvaluation> out = run(age(5_000, 20_000), age(10_000, 10), age(15_000, 10), age(20_000, 10));
        assertThat(out.get(0).entersHalt()).isTrue();
        assertThat(out).extracting(SloEvaluation::halted).containsExactly(true, true, true, true);
        assertThat(out).noneMatch(SloEvaluation::entersResume);
    }

    @Test
    void belowTheSampleMinimumNeitherConfirmsNorClears() throws Exception {
        h.processBroadcastElement(
                RuleDirective.of(policy(
                        "a",
                        "",
                        "*",
                        true,
                        Map.of("rejection_rate", 0.2, "rejection_min_samples", 10.0, "confirm_evaluations", 2.0))),
                0);
        SloMeasurement few = new SloMeasurement(
                "r1",
                SloMeasurement.REJECTION_RATE,
                SloMeasurement.ADAPTER,
                "",
                "",
                "fix",
                60_000,
                0,
                0.9,
                3,
                Map.of(),
                new String[0]);
        SloMeasurement many = new SloMeasurement(
                "r2",
                SloMeasurement.REJECTION_RATE,
                SloMeasurement.ADAPTER,
                "",
                "",
                "fix",
                120_000,
                0,
                0.5,
                40,
                Map.of(),
                new String[0]);
        SloMeasurement many2 = new SloMeasurement(
                "r3",
                SloMeasurement.REJECTION_RATE,
                SloMeasurement.ADAPTER,
                "",
                "",
                "fix",
                180_000,
                0,
                0.5,
                40,
                Map.of(),
                new String[0]);
        List<SloEvaluation> out = run(few, many, many2);
        assertThat(out).extracting(SloEvaluation::status).containsExactly("INSUFFICIENT_DATA", "BREACH", "BREACH");
        assertThat(out.get(2).entersHalt()).isTrue();
    }

    @Test
    void noPolicyMeansNotMonitored() throws Exception {
        List<SloEvaluation> out = run(age(5_000, 99_000));
        assertThat(out.get(0).status()).isEqualTo(SloEvaluation.NO_POLICY);
        assertThat(out.get(0).halted()).isFalse();
    }

    @Test
    void burnRatesAndBudgetRemaining() {
        PolicyRecord p = policy("a", "", "*", false, Map.of("error_budget_target", 0.99));
        // 5m: 3 bad of 100 -> 3% / 1% = burn 3; 1h: 20 of 1000 -> 2; 30m: 10/400 -> 2.5; 6h: 50/10000 -> 0.5
        SloMeasurement m = new SloMeasurement(
                "b",
                SloMeasurement.ERROR_BUDGET_BURN,
                SloMeasurement.ADAPTER,
                "",
                "",
                "fix",
                0,
                0,
                null,
                10_000,
                Map.of(
                        "total_5m",
                        100.0,
                        "bad_5m",
                        3.0,
                        "total_1h",
                        1_000.0,
                        "bad_1h",
                        20.0,
                        "total_30m",
                        400.0,
                        "bad_30m",
                        10.0,
                        "total_6h",
                        10_000.0,
                        "bad_6h",
                        50.0),
                new String[0]);
        SloJudge.Verdict v = SloJudge.judge(m, p);
        assertThat(v.derived().get("burn_rate_5m")).isCloseTo(3.0, within(1e-9));
        assertThat(v.derived().get("burn_rate_1h")).isCloseTo(2.0, within(1e-9));
        assertThat(v.derived().get("burn_rate_30m")).isCloseTo(2.5, within(1e-9));
        assertThat(v.derived().get("budget_remaining")).isCloseTo(0.5, within(1e-9));
        assertThat(v.status()).isEqualTo(SloEvaluation.HEALTHY);
        // Fast pair both above 14.4: breach.
        SloMeasurement hot = new SloMeasurement(
                "b2",
                SloMeasurement.ERROR_BUDGET_BURN,
                SloMeasurement.ADAPTER,
                "",
                "",
                "fix",
                0,
                0,
                null,
                1_000,
                Map.of(
                        "total_5m",
                        100.0,
                        "bad_5m",
                        20.0,
                        "total_1h",
                        1_000.0,
                        "bad_1h",
                        150.0,
                        "total_30m",
                        400.0,
                        "bad_30m",
                        10.0,
                        "total_6h",
                        1_000.0,
                        "bad_6h",
                        150.0),
                new String[0]);
        assertThat(SloJudge.judge(hot, p).status()).isEqualTo(SloEvaluation.BREACH);
    }
}
