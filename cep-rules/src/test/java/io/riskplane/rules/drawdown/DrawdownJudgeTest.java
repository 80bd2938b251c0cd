package io.riskplane.rules.drawdown;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.eventtime.PolicyVersionedFunction;
import io.riskplane.eventtime.StateValue;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.PolicyRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The drawdown judgement without Flink: versions from their event time, one halt per episode, recovery by policy,
 * fail closed.
 */
class DrawdownJudgeTest {
    final Map<String, PolicyRecord> policies = new TreeMap<>();
    final StateValue<Boolean> halted = StateValue.inMemory();
    final StateValue<Long> calmSince = StateValue.inMemory();
    final StateValue<Long> resumableFrom = StateValue.inMemory();
    final DrawdownJudge judge = new DrawdownJudge(halted, calmSince, resumableFrom);

    static PnlSnapshot snap(String strategy, long t, double drawdown) {
        String type = strategy.isEmpty() ? PnlSnapshot.ORG : PnlSnapshot.STRATEGY;
        return new PnlSnapshot(
                "pnl-" + strategy + t,
                type,
                "acme",
                strategy,
                t,
                "2026-11-20",
                0,
                0,
                -drawdown,
                -drawdown,
                0,
                0,
                drawdown,
                null,
                -drawdown,
                0,
                new String[0]);
    }

    static PolicyRecord policy(String id, long version, String strategy, double maxDd, long effective) {
        return new PolicyRecord(
                id,
                version,
                "acme",
                strategy,
                "",
                "",
                "",
                "USD",
                maxDd,
                0,
                0,
                0,
                false,
                effective,
                "p" + version,
                Map.of());
    }

    /** As the host's broadcast state: the first copy of a version stays. */
    void receive(PolicyRecord p) {
        policies.putIfAbsent(PolicyVersionedFunction.versionKey(p), p);
    }

    DrawdownEvaluation judge(PnlSnapshot s) throws Exception {
        return judge.judge(s, policies.entrySet());
    }

    @Test
    void aNewPolicyVersionTakesEffectFromItsEventTime() throws Exception {
        receive(policy("p", 1, "s1", 100, 0));
        receive(policy("p", 2, "s1", 50, 5_000)); // tighter, from t=5s
        DrawdownEvaluation before = judge(snap("s1", 4_000, 80));
        DrawdownEvaluation after = judge(snap("s1", 6_000, 80));
        assertThat(before.policy().version()).isEqualTo(1);
        assertThat(before.breached()).isFalse();
        assertThat(after.policy().version()).isEqualTo(2);
        assertThat(after.reasonCode()).isEqualTo(DrawdownReason.DRAWDOWN_LIMIT_BREACHED);
        assertThat(after.entersBreach()).isTrue();
    }

    static PolicyRecord withRecovery(
            String id, long version, String strategy, double maxDd, double resumeBelow, double afterS, long effective) {
        return new PolicyRecord(
                id,
                version,
                "acme",
                strategy,
                "",
                "",
                "",
                "USD",
                maxDd,
                0,
                0,
                0,
                false,
                effective,
                "p" + version,
                Map.of(DrawdownRecovery.RESUME_BELOW, resumeBelow, DrawdownRecovery.RESUME_AFTER_S, afterS));
    }

    /** "K" where the kill switch fires, "R" where the halt ends by recovery, "." elsewhere. */
    String run(long[] times, double[] drawdowns) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < times.length; i++) {
            DrawdownEvaluation e = judge(snap("s1", times[i], drawdowns[i]));
            sb.append(DrawdownKillSwitchRule.fires(e) ? "K" : DrawdownRecoveryRule.fires(e) ? "R" : ".");
        }
        return sb.toString();
    }

    @Test
    void aDrawdownOscillatingAroundItsLimitHaltsOnceAndResumesOnlyAfterItsRecoverySpan() throws Exception {
        receive(withRecovery("p", 1, "s1", 50, 20, 60, 0));
        // Over, under, over, under the limit of 50 (the 11 kill switches of issue 16): one halt. Then below the
        // resume level of 20 from t=100s, an excursion to 25 at 130s restarts the span, below again from 140s:
        // resumed at the first snapshot 60 s after 140s. Then a new breach halts again.
        long[] t = {
            10_000, 20_000, 30_000, 40_000, 50_000, 100_000, 120_000, 130_000, 140_000, 170_000, 199_999, 200_000,
            210_000, 220_000
        };
        double[] dd = {60, 40, 70, 45, 55, 10, 15, 25, 5, 10, 19, 20, 30, 51};
        assertThat(run(t, dd)).isEqualTo("K..........R.K");
        assertThat(halted.get()).isTrue();
        assertThat(calmSince.get()).isNull();
    }

    @Test
    void theResumeCarriesTheSpanItMetAndLeavesNoStateBehind() throws Exception {
        receive(withRecovery("p", 1, "s1", 50, 20, 60, 0));
        judge(snap("s1", 1_000, 60));
        judge(snap("s1", 2_000, 10));
        assertThat(calmSince.get()).isEqualTo(2_000L);
        DrawdownEvaluation e = judge(snap("s1", 62_000, 10));
        assertThat(e.resumes()).isTrue();
        assertThat(e.resumesFromMillis()).isEqualTo(2_000);
        assertThat(e.recovery()).isEqualTo(new DrawdownRecovery(20, 60_000));
        assertThat(halted.get()).isNull();
        assertThat(calmSince.get()).isNull();
    }

    @Test
    void aPolicyInForceWithoutRecoveryKeepsTheHaltForAnOperator() throws Exception {
        receive(withRecovery("p", 1, "s1", 50, 20, 60, 0));
        receive(policy("desk", 1, "s1", 80, 0)); // equally specific, no recovery: no policy may resume alone
        assertThat(run(new long[] {1_000, 2_000, 100_000, 200_000}, new double[] {60, 10, 10, 55}))
                .isEqualTo("K...");
        assertThat(halted.get()).isTrue();
    }

    /** As run, with the time of the latest operator resume of the scope at or before each snapshot. */
    String runWithResume(long[] times, double[] drawdowns, long resumeAt) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < times.length; i++) {
            long resumed = times[i] >= resumeAt ? resumeAt : Long.MIN_VALUE;
            DrawdownEvaluation e = judge.judge(snap("s1", times[i], drawdowns[i]), policies.entrySet(), () -> resumed);
            sb.append(DrawdownKillSwitchRule.fires(e) ? "K" : DrawdownRecoveryRule.fires(e) ? "R" : ".");
        }
        return sb.toString();
    }

    @Test
    void anOperatorsResumeReArmsTheRuleOnceAndAScopeStillInBreachHaltsAgain() throws Exception {
        receive(policy("p", 1, "s1", 50, 0));
        // Halted at 1 s; resumed at 3 s while within limits: armed, so the breach at 5 s halts again; the same
        // resume does not lift that second halt.
        assertThat(runWithResume(
                        new long[] {1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000},
                        new double[] {60, 70, 10, 10, 55, 10, 60},
                        3_000))
                .isEqualTo("K...K..");
    }

    @Test
    void aResumeAtTheMillisecondOfAStillBreachedSnapshotHaltsAgainOnceNotOnEverySnapshot() throws Exception {
        receive(policy("p", 1, "s1", 50, 0));
        assertThat(runWithResume(new long[] {1_000, 2_000, 3_000, 4_000}, new double[] {60, 70, 80, 90}, 2_000))
                .isEqualTo("KK..");
        assertThat(resumableFrom.get()).isEqualTo(2_001L);
    }

    @Test
    void aResumeFromBeforeTheHaltLiftsNothing() throws Exception {
        receive(policy("p", 1, "s1", 50, 0));
        judge.judge(snap("s1", 1_000, 10), policies.entrySet(), () -> Long.MIN_VALUE);
        assertThat(judge.judge(snap("s1", 5_000, 60), policies.entrySet(), () -> 2_000L)
                        .entersBreach())
                .isTrue();
        assertThat(judge.judge(snap("s1", 6_000, 10), policies.entrySet(), () -> 2_000L)
                        .entersBreach())
                .isFalse();
        assertThat(judge.judge(snap("s1", 7_000, 60), policies.entrySet(), () -> 2_000L)
                        .entersBreach())
                .isFalse();
        assertThat(halted.get()).isTrue();
    }

    @Test
    void theStrictestRecoveryOfThePoliciesInForceApplies() {
        PolicyRecord a = withRecovery("a", 1, "s1", 50, 20, 60, 0);
        PolicyRecord b = withRecovery("b", 1, "s1", 50, 10, 30, 0);
        assertThat(DrawdownRecovery.ofAll(List.of(a, b))).isEqualTo(new DrawdownRecovery(10, 60_000));
        assertThat(DrawdownRecovery.ofAll(List.of())).isNull();
    }

    @Test
    void aHaltLastsThroughRecoveriesWithoutAResume() throws Exception {
        receive(policy("p", 1, "s1", 50, 0));
        List<Boolean> enters = new ArrayList<>();
        long[] times = {1_000, 2_000, 3_000, 4_000};
        double[] drawdowns = {60, 70, 10, 55};
        for (int i = 0; i < times.length; i++) {
            enters.add(judge(snap("s1", times[i], drawdowns[i])).entersBreach());
        }
        assertThat(enters).containsExactly(true, false, false, false);
    }

    @Test
    void noPolicyIsABreachAndTheOrgDefaultCoversStrategiesWithoutTheirOwn() throws Exception {
        assertThat(judge(snap("s9", 1_000, 0)).reasonCode()).isEqualTo(DrawdownReason.POLICY_MISSING);
        receive(policy("default", 1, PolicyRecord.EACH_STRATEGY, 10, 1_500));
        receive(policy("org", 1, PolicyRecord.ORG_WIDE, 1_000, 1_500));
        DrawdownEvaluation strategy = judge(snap("s9", 2_000, 5));
        assertThat(strategy.policy().policyId()).isEqualTo("default");
        assertThat(strategy.breached()).isFalse();
        DrawdownEvaluation org = new DrawdownJudge(StateValue.inMemory(), StateValue.inMemory(), StateValue.inMemory())
                .judge(snap("", 2_000, 500), policies.entrySet());
        assertThat(org.policy().policyId()).isEqualTo("org"); // never the per-strategy default
        assertThat(org.breached()).isFalse();
    }

    @Test
    void aNonFiniteMeasureIsABreachNeverASilentFalse() throws Exception {
        receive(policy("p", 1, "s1", 50, 0));
        // fees of -1e308 twice: equity and peak +Infinity, drawdown NaN (inf - inf); every comparison would be false
        PnlSnapshot nan = new PnlSnapshot(
                "pnl-nan",
                PnlSnapshot.STRATEGY,
                "acme",
                "s1",
                1_000,
                "2026-11-20",
                0,
                Double.NEGATIVE_INFINITY,
                0,
                Double.POSITIVE_INFINITY,
                Double.POSITIVE_INFINITY,
                0,
                Double.NaN,
                null,
                Double.POSITIVE_INFINITY,
                0,
                new String[0]);
        DrawdownEvaluation e = judge(nan);
        assertThat(e.breached()).isTrue();
        assertThat(e.entersBreach()).isTrue();
        assertThat(e.reasonCode()).isEqualTo(DrawdownReason.NON_FINITE_MEASURE);
    }

    @Test
    void amongEquallySpecificPoliciesTheStrictestDecidesAndARepublishedVersionDoesNotReplaceTheFirst()
            throws Exception {
        receive(policy("desk", 1, "s1", 50, 0));
        // a later policy of another id for the same strategy, with a loose limit: it must not loosen the desk's
        receive(policy("zz-loose", 1, "s1", 1e15, 500));
        // the desk's own id and version re-published with a loose limit: the first copy stays
        receive(policy("desk", 1, "s1", 1e15, 0));
        DrawdownEvaluation first = judge(snap("s1", 1_000, 60));
        DrawdownEvaluation second = judge(snap("s1", 2_000, 10));
        assertThat(first.breached()).isTrue();
        assertThat(first.policy().policyId()).isEqualTo("desk");
        assertThat(first.policy().maxDrawdown()).isEqualTo(50);
        assertThat(second.breached()).isFalse();
        assertThat(second.policy().policyId()).isEqualTo("zz-loose"); // within every limit: names the latest
    }
}
