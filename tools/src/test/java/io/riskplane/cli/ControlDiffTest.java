package io.riskplane.cli;

import static io.riskplane.rules.ControlEvents.metric;
import static io.riskplane.rules.ControlEvents.threshold;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.riskplane.cli.ControlDiff.Row;
import io.riskplane.cli.ControlDiff.Status;
import io.riskplane.contract.ProtoTime;
import io.riskplane.v1.ControlAction;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Evidence;
import io.riskplane.v1.Scope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How `riskplane diff` matches control events of two replays, classifies the pairs and prints them. */
class ControlDiffTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Scope MOMO =
            Scope.newBuilder().setOrg("acme").setStrategy("momentum-btc").build();
    static final Scope MEANREV =
            Scope.newBuilder().setOrg("acme").setStrategy("meanrev-eth").build();
    static final Scope LANE = Scope.newBuilder().setLane("lane-momo").build();

    /** A drawdown halt as the kill switch writes it; the id hashes what the plane hashes (policy version, time). */
    static ControlEvent halt(String rule, Scope scope, String at, long policyVersion, double drawdown) {
        String id = "ctl-" + Integer.toHexString((rule + scope + at + policyVersion + drawdown).hashCode());
        return ControlEvent.newBuilder()
                .setControlId(id)
                .setKind(ControlKind.KILL_SWITCH)
                .setAction(ControlAction.HALT_NEW_ENTRIES)
                .setScope(scope)
                .setReasonCode("DRAWDOWN_BREACHED")
                .setRuleId(rule)
                .setRuleVersion(1)
                .setPolicyId("default")
                .setPolicyVersion(policyVersion)
                .setDecidedAt(ProtoTime.fromMillis(Instant.parse(at).toEpochMilli()))
                .setEvidence(Evidence.newBuilder()
                        .addMetrics(metric("drawdown_fraction", drawdown, ""))
                        .addMetrics(metric("samples", 3, "count"))
                        .addThresholds(threshold("max_drawdown_fraction", 0.05, "", ">="))
                        .setSummary("drawdown " + drawdown + " >= 0.05 (policy default v" + policyVersion + ")"))
                .build();
    }

    @Test
    void classifiesEveryPairAndLoneEvent() throws Exception {
        List<ControlEvent> a = new ArrayList<>();
        List<ControlEvent> b = new ArrayList<>();
        // SAME: identical in both.
        a.add(halt("pnl.drawdown", MEANREV, "2026-11-20T09:00:00Z", 1, 0.06));
        b.add(halt("pnl.drawdown", MEANREV, "2026-11-20T09:00:00Z", 1, 0.06));
        // MOVED: B decides 2m30s later under policy v2 (another control id).
        a.add(halt("pnl.drawdown", MOMO, "2026-11-20T09:10:00Z", 1, 0.07));
        b.add(halt("pnl.drawdown", MOMO, "2026-11-20T09:12:30Z", 2, 0.07));
        // CHANGED: same time, other evidence.
        a.add(halt("signal.lag.halt-lanes", LANE, "2026-11-20T09:06:40Z", 1, 0.08));
        b.add(halt("signal.lag.halt-lanes", LANE, "2026-11-20T09:06:40Z", 1, 0.09));
        // ONLY_IN_A: vanishes; ONLY_IN_B: appears (another scope).
        a.add(halt("pnl.loss", MOMO, "2026-11-20T10:00:00Z", 1, 0.1));
        b.add(halt("pnl.loss", MEANREV, "2026-11-20T10:05:00Z", 1, 0.1));
        // Shuffled input: the rows come out in their own order anyway.
        java.util.Collections.reverse(b);

        List<Row> rows = ControlDiff.diff(a, b);

        assertThat(rows)
                .extracting(r ->
                        r.any().getRuleId() + " " + ControlDiff.scope(r.any().getScope()) + " " + r.status())
                .containsExactly(
                        "pnl.drawdown org=acme strategy=meanrev-eth SAME",
                        "pnl.drawdown org=acme strategy=momentum-btc MOVED",
                        "pnl.loss org=acme strategy=meanrev-eth ONLY_IN_B",
                        "pnl.loss org=acme strategy=momentum-btc ONLY_IN_A",
                        "signal.lag.halt-lanes lane=lane-momo CHANGED");
        Row moved = rows.get(1);
        assertThat(moved.shiftMillis()).isEqualTo(150_000);
        assertThat(moved.differences()).containsExactly("decided_at", "policy", "evidence.summary");
        assertThat(rows.get(2).a()).isNull();
        assertThat(rows.get(3).b()).isNull();
        assertThat(rows.get(4).differences()).containsExactly("evidence.values", "evidence.summary");
        assertThat(ControlDiff.identical(rows)).isFalse();
        assertThat(ControlDiff.identical(ControlDiff.diff(a, a))).isTrue();

        List<String> lines = ControlDiff.jsonLines(rows, false);
        assertThat(lines).hasSize(5);
        JsonNode m = JSON.readTree(lines.get(1));
        assertThat(m.path("status").asText()).isEqualTo("MOVED");
        assertThat(m.path("rule_id").asText()).isEqualTo("pnl.drawdown");
        assertThat(m.path("kind").asText()).isEqualTo("KILL_SWITCH");
        assertThat(m.path("scope").path("strategy").asText()).isEqualTo("momentum-btc");
        assertThat(m.path("scope").path("lane").asText()).isEmpty();
        assertThat(m.path("shift_ms").asLong()).isEqualTo(150_000);
        assertThat(m.path("shift").asText()).isEqualTo("+2m30s");
        assertThat(m.path("a").path("decided_at").asText()).isEqualTo("2026-11-20T09:10:00Z");
        assertThat(m.path("b").path("decided_at").asText()).isEqualTo("2026-11-20T09:12:30Z");
        assertThat(m.path("a").path("policy_version").asLong()).isEqualTo(1);
        assertThat(m.path("b").path("policy_version").asLong()).isEqualTo(2);
        assertThat(m.path("a").path("control_id").asText())
                .isNotEqualTo(m.path("b").path("control_id").asText());
        assertThat(m.path("a").path("metrics").get(0).path("value").asDouble()).isEqualTo(0.07);
        assertThat(m.path("a").path("thresholds").get(0).path("limit").asDouble())
                .isEqualTo(0.05);
        assertThat(m.path("a").path("evidence").asText())
                .isEqualTo("drawdown_fraction=0.07, samples=3 vs max_drawdown_fraction >= 0.05");
        JsonNode onlyB = JSON.readTree(lines.get(2));
        assertThat(onlyB.path("status").asText()).isEqualTo("ONLY_IN_B");
        assertThat(onlyB.get("a").isNull()).isTrue();
        assertThat(onlyB.get("shift_ms").isNull()).isTrue();
        assertThat(onlyB.path("b").path("reason_code").asText()).isEqualTo("DRAWDOWN_BREACHED");
        JsonNode changed = JSON.readTree(lines.get(4));
        assertThat(changed.path("shift_ms").asLong()).isZero();
        assertThat(changed.path("differences").toString()).isEqualTo("[\"evidence.values\",\"evidence.summary\"]");
        assertThat(ControlDiff.jsonLines(rows, true)).hasSize(4);

        String table = ControlDiff.table(rows, a.size(), b.size(), false);
        assertThat(table)
                .contains(
                        "MOVED ",
                        "+2m30s",
                        "2026-11-20T09:10:00Z",
                        "2026-11-20T09:12:30Z",
                        "default@1",
                        "default@2",
                        "differs: decided_at, policy, evidence.summary",
                        "4 control events in A, 4 in B: 1 same, 1 moved, 1 changed, 1 only in a, 1 only in b");
        assertThat(table.lines().findFirst().orElseThrow())
                .startsWith("STATUS     RULE")
                .endsWith("SHIFT");
        assertThat(ControlDiff.table(rows, 4, 4, true)).doesNotContain("SAME ").contains("ONLY_IN_B  pnl.loss");
    }

    @Test
    void twoHaltsOfOneKeyPairInTimeOrder() {
        // A halts twice; B halts three times: the extra one in the middle appears, the others move a little.
        List<ControlEvent> a = List.of(
                halt("pnl.drawdown", MOMO, "2026-11-20T09:00:00Z", 1, 0.06),
                halt("pnl.drawdown", MOMO, "2026-11-20T11:00:00Z", 1, 0.06));
        List<ControlEvent> b = List.of(
                halt("pnl.drawdown", MOMO, "2026-11-20T11:00:45Z", 1, 0.06),
                halt("pnl.drawdown", MOMO, "2026-11-20T08:59:15Z", 1, 0.06),
                halt("pnl.drawdown", MOMO, "2026-11-20T10:00:00Z", 1, 0.06));

        List<Row> rows = ControlDiff.diff(a, b);

        assertThat(rows).extracting(Row::status).containsExactly(Status.MOVED, Status.ONLY_IN_B, Status.MOVED);
        assertThat(ControlDiff.shift(rows.get(0).shiftMillis())).isEqualTo("-45s");
        assertThat(rows.get(1).b().getDecidedAt())
                .isEqualTo(ProtoTime.fromMillis(
                        Instant.parse("2026-11-20T10:00:00Z").toEpochMilli()));
        assertThat(ControlDiff.shift(rows.get(2).shiftMillis())).isEqualTo("+45s");

        // Two and two at the same times: SAME twice, in order.
        assertThat(ControlDiff.diff(a, List.copyOf(a)))
                .extracting(Row::status)
                .containsExactly(Status.SAME, Status.SAME);
    }

    @Test
    void shiftsAndEvidenceAreCompact() {
        assertThat(ControlDiff.shift(0)).isEqualTo("0s");
        assertThat(ControlDiff.shift(150_000)).isEqualTo("+2m30s");
        assertThat(ControlDiff.shift(-45_000)).isEqualTo("-45s");
        assertThat(ControlDiff.shift(3_600_000)).isEqualTo("+1h");
        assertThat(ControlDiff.shift(3_725_250)).isEqualTo("+1h2m5.25s");
        assertThat(ControlDiff.shift(-120_000)).isEqualTo("-2m");
        assertThat(ControlDiff.evidence(Evidence.newBuilder()
                        .addMetrics(metric("signal_lag_s", 41.54, "s"))
                        .addThresholds(threshold("signal_lag_max_s", 10, "s", ">"))
                        .build()))
                .isEqualTo("signal_lag_s=41.54 s vs signal_lag_max_s > 10 s");
        assertThat(ControlDiff.scope(Scope.getDefaultInstance())).isEqualTo("(all)");
    }

    @Test
    void oncePerControlIdKeepsTheFirstCopyInOrder() {
        ControlEvent x = halt("guardrail.order-rate.early", MOMO, "2026-11-20T09:10:00Z", 1, 12);
        ControlEvent y = halt("guardrail.order-rate.early", MEANREV, "2026-11-20T09:00:00Z", 1, 11);
        ControlEvent xAgain = x.toBuilder()
                .setEvidence(x.getEvidence().toBuilder().setSummary("copy"))
                .build();
        assertThat(ControlDiff.oncePerControlId(List.of(x, y, xAgain, y))).containsExactly(x, y);
        assertThat(ControlDiff.oncePerControlId(List.of(y, x))).containsExactly(y, x);
        assertThat(ControlDiff.oncePerControlId(List.of())).isEmpty();
        // Without it, the copy is a halt of its own: ONLY_IN_A.
        assertThat(ControlDiff.diff(List.of(x, x), List.of(x)))
                .extracting(Row::status)
                .containsExactly(Status.SAME, Status.ONLY_IN_A);
    }
}
