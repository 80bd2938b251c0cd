package io.riskplane.rules.drawdown;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.ControlRecord;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.PolicyRecord;
import io.riskplane.v1.ControlAction;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Envelope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The CEP rule on a MiniCluster: one kill-switch per entry into breach, with its evidence and a stable id. */
class DrawdownKillSwitchRuleIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static PolicyEvaluation eval(long t, double dd, boolean breached, boolean enters) {
        PnlSnapshot s = new PnlSnapshot("pnl-" + t, PnlSnapshot.STRATEGY, "acme", "s1", t, "2026-11-20", -dd, 1, 0,
                -dd, 0, 500, dd, null, -dd, 0, new String[] {"fill-" + t});
        PolicyRecord p = new PolicyRecord("p", 3, "acme", "s1", "", "", "", "USD", 50, 0, 0, 0, false, 0, "e",
                java.util.Map.of());
        return new PolicyEvaluation(s, p, breached, enters,
                breached ? DrawdownReason.DRAWDOWN_LIMIT_BREACHED : DrawdownReason.WITHIN_LIMITS);
    }

    @Test
    void emitsOneKillSwitchPerEntryIntoBreach() throws Exception {
        List<Envelope> first = run();
        assertThat(first).hasSize(2);
        var ks = first.get(0).getControl();
        assertThat(ks.getKind()).isEqualTo(ControlKind.KILL_SWITCH);
        assertThat(ks.getAction()).isEqualTo(ControlAction.HALT_NEW_ENTRIES);
        assertThat(ks.getRuleId()).isEqualTo(DrawdownKillSwitchRule.RULE_ID);
        assertThat(ks.getPolicyVersion()).isEqualTo(3);
        assertThat(ks.getEvidence().getWindowStart().getSeconds()).isZero(); // peak at t=500ms
        assertThat(ks.getEvidence().getTriggerEventIdsList()).containsExactly("pnl-2000", "fill-2000");
        assertThat(ks.getEvidence().getMetrics(0).getName()).isEqualTo("drawdown");
        assertThat(ks.getEvidence().getMetrics(0).getValue()).isEqualTo(60);
        assertThat(first.get(1).getControl().getDecidedAt().getSeconds()).isEqualTo(5);
        // Same input, same bytes.
        assertThat(run()).isEqualTo(first);
    }

    private static List<Envelope> run() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        DataStream<PolicyEvaluation> evals = env.fromData(TypeInformation.of(PolicyEvaluation.class),
                        eval(1_000, 10, false, false), eval(2_000, 60, true, true), eval(3_000, 70, true, false),
                        eval(4_000, 5, false, false), eval(5_000, 55, true, true))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<PolicyEvaluation>forBoundedOutOfOrderness(
                        Duration.ZERO).withTimestampAssigner((e, ts) -> e.snapshot().eventTimeMillis()));
        List<Envelope> out = new ArrayList<>();
        try (CloseableIterator<ControlRecord> it = DrawdownKillSwitchRule.apply(evals).executeAndCollect()) {
            while (it.hasNext()) {
                out.add(Envelope.parseFrom(it.next().envelope()));
            }
        }
        out.sort(java.util.Comparator.comparing(e -> e.getControl().getDecidedAt().getSeconds()));
        return out;
    }
}
