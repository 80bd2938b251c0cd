package io.riskplane.rules.drawdown;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.PolicyRecord;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Harness test of policy hot reload: versions apply from their event time, edge-triggered breach, fail closed. */
class PolicyEvaluatorTest {
    KeyedBroadcastOperatorTestHarness<String, PnlSnapshot, PolicyRecord, PolicyEvaluation> h;

    @BeforeEach
    void setUp() throws Exception {
        h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(new PolicyEvaluator(),
                PnlSnapshot::scopeKey, Types.STRING, PolicyEvaluator.POLICIES);
    }

    static PnlSnapshot snap(String strategy, long t, double drawdown) {
        String type = strategy.isEmpty() ? PnlSnapshot.ORG : PnlSnapshot.STRATEGY;
        return new PnlSnapshot("pnl-" + strategy + t, type, "acme", strategy, t, "2026-11-20", 0, 0, -drawdown,
                -drawdown, 0, 0, drawdown, null, -drawdown, 0, new String[0]);
    }

    static PolicyRecord policy(String id, long version, String strategy, double maxDd, long effective) {
        return new PolicyRecord(id, version, "acme", strategy, "", "", "", "USD", maxDd, 0, 0, 0, false, effective,
                "p" + version, java.util.Map.of());
    }

    @Test
    void aNewPolicyVersionTakesEffectFromItsEventTimeWithoutRestart() throws Exception {
        h.processBroadcastElement(policy("p", 1, "s1", 100, 0), 0);
        h.processBroadcastElement(policy("p", 2, "s1", 50, 5_000), 5_000); // tighter, from t=5s
        h.processElement(snap("s1", 4_000, 80), 4_000);
        h.processElement(snap("s1", 6_000, 80), 6_000);
        h.processWatermark(6_000);
        h.processBroadcastWatermark(6_000);
        List<PolicyEvaluation> out = h.extractOutputValues();
        assertThat(out).hasSize(2);
        assertThat(out.get(0).policy().version()).isEqualTo(1);
        assertThat(out.get(0).breached()).isFalse();
        assertThat(out.get(1).policy().version()).isEqualTo(2);
        assertThat(out.get(1).reasonCode()).isEqualTo(DrawdownReason.DRAWDOWN_LIMIT_BREACHED);
        assertThat(out.get(1).entersBreach()).isTrue();
    }

    @Test
    void snapshotsWaitForTheWatermarkSoALatePolicyOnAnotherChannelStillApplies() throws Exception {
        h.processElement(snap("s1", 6_000, 80), 6_000);
        // The policy arrives after the snapshot but is effective before it.
        h.processBroadcastElement(policy("p", 1, "s1", 50, 5_000), 5_000);
        h.processWatermark(6_000);
        h.processBroadcastWatermark(6_000);
        assertThat(h.extractOutputValues()).singleElement()
                .satisfies(e -> assertThat(e.policy()).isNotNull());
    }

    @Test
    void breachIsEdgeTriggeredAndReArmsAfterRecovery() throws Exception {
        h.processBroadcastElement(policy("p", 1, "s1", 50, 0), 0);
        long[] times = {1_000, 2_000, 3_000, 4_000};
        double[] drawdowns = {60, 70, 10, 55};
        for (int i = 0; i < times.length; i++) {
            h.processElement(snap("s1", times[i], drawdowns[i]), times[i]);
        }
        h.processWatermark(4_000);
        h.processBroadcastWatermark(4_000);
        assertThat(h.extractOutputValues()).extracting(PolicyEvaluation::entersBreach)
                .containsExactly(true, false, false, true);
    }

    @Test
    void noPolicyIsABreachAndTheOrgDefaultCoversStrategiesWithoutTheirOwn() throws Exception {
        h.processElement(snap("s9", 1_000, 0), 1_000);
        h.processWatermark(1_000);
        h.processBroadcastWatermark(1_000);
        assertThat(h.extractOutputValues().get(0).reasonCode()).isEqualTo(DrawdownReason.POLICY_MISSING);

        h.processBroadcastElement(policy("default", 1, PolicyRecord.EACH_STRATEGY, 10, 1_500), 1_500);
        h.processBroadcastElement(policy("org", 1, PolicyRecord.ORG_WIDE, 1_000, 1_500), 1_500);
        h.processElement(snap("s9", 2_000, 5), 2_000);
        h.processElement(snap("", 2_000, 500), 2_000);
        h.processWatermark(2_000);
        h.processBroadcastWatermark(2_000);
        List<PolicyEvaluation> out = h.extractOutputValues();
        PolicyEvaluation strategy = out.stream().filter(e -> e.snapshot().strategy().equals("s9")).reduce((a, b) -> b)
                .orElseThrow();
        assertThat(strategy.policy().policyId()).isEqualTo("default");
        assertThat(strategy.breached()).isFalse();
        PolicyEvaluation org = out.stream().filter(e -> e.snapshot().strategy().isEmpty()).findFirst().orElseThrow();
        assertThat(org.policy().policyId()).isEqualTo("org"); // never the per-strategy default
        assertThat(org.breached()).isFalse();
    }

    @Test
    void aNonFiniteMeasureIsABreachNeverASilentFalse() throws Exception {
        h.processBroadcastElement(policy("p", 1, "s1", 50, 0), 0);
        // fees of -1e308 twice: equity and peak +Infinity, drawdown NaN (inf - inf); every comparison would be false
        PnlSnapshot nan = new PnlSnapshot("pnl-nan", PnlSnapshot.STRATEGY, "acme", "s1", 1_000, "2026-11-20", 0,
                Double.NEGATIVE_INFINITY, 0, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0, Double.NaN, null,
                Double.POSITIVE_INFINITY, 0, new String[0]);
        h.processElement(nan, 1_000);
        h.processWatermark(1_000);
        h.processBroadcastWatermark(1_000);
        PolicyEvaluation e = h.extractOutputValues().get(0);
        assertThat(e.breached()).isTrue();
        assertThat(e.entersBreach()).isTrue();
        assertThat(e.reasonCode()).isEqualTo(DrawdownReason.NON_FINITE_MEASURE);
    }

    @Test
    void amongEquallySpecificPoliciesTheStrictestDecidesAndARepublishedVersionDoesNotReplaceTheFirst()
            throws Exception {
        h.processBroadcastElement(policy("desk", 1, "s1", 50, 0), 0);
        // a later policy of another id for the same strategy, with a loose limit: it must not loosen the desk's
        h.processBroadcastElement(policy("zz-loose", 1, "s1", 1e15, 500), 500);
        // the desk's own id and version re-published with a loose limit: the first copy stays
        h.processBroadcastElement(policy("desk", 1, "s1", 1e15, 0), 0);
        h.processElement(snap("s1", 1_000, 60), 1_000);
        h.processElement(snap("s1", 2_000, 10), 2_000);
        h.processWatermark(2_000);
        h.processBroadcastWatermark(2_000);
        List<PolicyEvaluation> out = h.extractOutputValues();
        assertThat(out.get(0).breached()).isTrue();
        assertThat(out.get(0).policy().policyId()).isEqualTo("desk");
        assertThat(out.get(0).policy().maxDrawdown()).isEqualTo(50);
        assertThat(out.get(1).breached()).isFalse();
        assertThat(out.get(1).policy().policyId()).isEqualTo("zz-loose"); // within every limit: names the latest
    }
}
