package io.riskplane.rules.lanes;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.eventtime.PolicyHarness;
import io.riskplane.model.LaneRunEvaluation;
import io.riskplane.model.LaneRunRecord;
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

/** K failures within T roll the lane back to the version it ran before; the failed version is never a target. */
class LaneFailureEvaluatorTest {
    KeyedBroadcastOperatorTestHarness<String, LaneRunRecord, RuleDirective, LaneRunEvaluation> h;

    @BeforeEach
    void setUp() throws Exception {
        h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new LaneFailureEvaluator(), LaneRunRecord::lane, Types.STRING, LaneFailureEvaluator.POLICIES);
        h.processBroadcastElement(policy(), 0);
    }

    static RuleDirective policy() {
        return RuleDirective.of(new PolicyRecord(
                "lanes",
                2,
                "*",
                "",
                "",
                "",
                "*",
                "",
                0,
                0,
                0,
                0,
                false,
                0,
                "p",
                Map.of("lane_max_failures", 3.0, "lane_failure_window_s", 600.0)));
    }

    static LaneRunRecord run(long seconds, String version, boolean ok) {
        return new LaneRunRecord(
                "r" + seconds,
                seconds * 1000,
                "lane-pm",
                "run-" + seconds,
                ok ? "SUCCEEDED" : "FAILED",
                version,
                "globex",
                "pm-arb",
                ok ? List.of() : List.of("backtest-sharpe"));
    }

    private List<LaneRunEvaluation> feed(LaneRunRecord... runs) throws Exception {
        return PolicyHarness.feed(h, LaneRunRecord::eventTimeMillis, runs);
    }

    @Test
    void threeFailuresWithinTheWindowRollBackToThePreviousVersion() throws Exception {
        List<LaneRunEvaluation> out = feed(
                run(0, "v6", true),
                run(100, "v7", false),
                run(300, "v7", false),
                run(350, "v7", true),
                run(800, "v7", false),
                run(850, "v7", false),
                run(900, "v6", false),
                run(950, "v6", false),
                run(1000, "v6", false));
        // Window (t - 600 s, t]: at 800 s the 100 s failure has left it, so 300 and 800 count: 2; at 850 s: 3.
        assertThat(out).extracting(LaneRunEvaluation::failures).containsExactly(0, 1, 2, 2, 2, 3, 1, 2, 3);
        assertThat(out)
                .extracting(LaneRunEvaluation::entersRollback)
                .containsExactly(false, false, false, false, false, true, false, false, true);
        assertThat(out.get(5).rollbackTarget()).isEqualTo("v6");
        assertThat(out.get(5).failedRunEventIds()).containsExactly("r300", "r800", "r850");
        // v7 was rolled back from: when v6 fails in turn there is no earlier version left to revert to.
        assertThat(out.get(8).rollbackTarget()).isEmpty();

        ControlEvent c = Envelope.parseFrom(
                        LaneRollbackRule.controlEvent(out.get(5)).envelope())
                .getControl();
        assertThat(c.getKind()).isEqualTo(ControlKind.ROLLBACK);
        assertThat(c.getAction()).isEqualTo(ControlAction.DISABLE_LANE);
        assertThat(c.getRollbackTarget()).isEqualTo("v6");
        assertThat(c.getScope().getLane()).isEqualTo("lane-pm");
        assertThat(c.getPolicyVersion()).isEqualTo(2);
        assertThat(c.getEvidence().getTriggerEventIdsList()).containsExactly("r300", "r800", "r850");
        assertThat(c.getDecidedAt().getSeconds()).isEqualTo(850);
    }

    @Test
    void abortedRunsAreNotFailures() throws Exception {
        LaneRunRecord aborted =
                new LaneRunRecord("a", 10_000, "lane-pm", "run-a", "ABORTED", "v7", "globex", "pm-arb", List.of());
        List<LaneRunEvaluation> out = feed(run(1, "v7", false), run(2, "v7", false), aborted);
        assertThat(out).extracting(LaneRunEvaluation::failures).containsExactly(1, 2, 2);
        assertThat(out).noneMatch(LaneRunEvaluation::entersRollback);
    }
}
