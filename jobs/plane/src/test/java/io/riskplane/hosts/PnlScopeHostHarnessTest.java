package io.riskplane.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.ControlRecord;
import io.riskplane.model.OperatorDirective;
import io.riskplane.model.PnlBar;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.PolicyRecord;
import io.riskplane.model.RuleDirective;
import io.riskplane.pnl.EquityComponent;
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
 * Snapshot/restore of PnlScopeHost, strategy and org scopes (its cleanup, no buffer or timer left and only the
 * scope's own figures kept, is PnlScopeHostTest's): kill switches, snapshots and bars equal the uninterrupted run's
 * for a snapshot anywhere, including with components held for the watermark and a bar open.
 */
class PnlScopeHostHarnessTest {
    private interface S
            extends Step<KeyedBroadcastOperatorTestHarness<String, EquityComponent, RuleDirective, ControlRecord>> {}

    static SnapshotRestore.Factory<
                    KeyedBroadcastOperatorTestHarness<String, EquityComponent, RuleDirective, ControlRecord>>
            host(String scopeType) {
        return () -> new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(
                        new PnlScopeHost(scopeType), List.of(PnlScopeHost.POLICIES, PnlScopeHost.OPERATOR_RESUMES)),
                PnlSnapshot.ORG.equals(scopeType) ? PnlScopeHost::orgKey : PnlScopeHost::strategyKey,
                Types.STRING,
                1,
                1,
                0);
    }

    static S c(String strategy, String instrument, long t, double realized, double unrealized, String id) {
        EquityComponent e = new EquityComponent(
                PnlSnapshot.STRATEGY, "acme", strategy, instrument, t, realized, 0, unrealized, new String[] {id});
        return h -> h.processElement(e, t);
    }

    static S wm(long t) {
        return (S & SnapshotRestore.Rewatermark) h -> {
            h.processWatermark(t);
            h.processBroadcastWatermark(t);
        };
    }

    static List<S> input() {
        List<S> steps = new ArrayList<>();
        steps.add(h -> h.processBroadcastElement(
                RuleDirective.of(new PolicyRecord(
                        "p", 1, "acme", "*", "", "", "", "USD", 50, 0, 0, 0, false, 0, "p1", Map.of())),
                0));
        steps.add(h -> h.processBroadcastElement(
                RuleDirective.of(new OperatorDirective(
                        "cmd-desk", false, "acme", "s1", "", "", "", "", "pnl.drawdown.kill-switch", 3_500)),
                0));
        steps.add(c("s1", "BTC", 1_000, 0, -60, "e1"));
        steps.add(c("s2", "ETH", 1_200, 5, 10, "e2"));
        steps.add(c("s1", "ETH", 1_500, 0, 5, "e3"));
        steps.add(wm(1_200));
        steps.add(c("s1", "BTC", 2_000, 0, -10, "e4"));
        steps.add(wm(2_500));
        steps.add(c("s1", "BTC", 3_000, 0, -70, "e5"));
        steps.add(c("s2", "ETH", 3_200, 5, -100, "e6"));
        steps.add(wm(3_000));
        steps.add(c("s1", "BTC", 4_000, 0, -80, "e7"));
        steps.add(c("s1", "BTC", 1_800, 0, -20, "e-late")); // behind the watermark: applied on arrival
        steps.add(wm(4_500));
        steps.add(wm(6_000));
        return steps;
    }

    static void sameAtEveryCut(String scopeType, int controls) throws Exception {
        List<Object> main =
                SnapshotRestore.assertSameAtEveryCut(host(scopeType), input(), SnapshotRestore.mainOutput());
        assertThat(main).hasSize(controls);
        List<Object> snapshots = SnapshotRestore.assertSameAtEveryCut(
                host(scopeType), input(), SnapshotRestore.sideOutput(PnlScopeHost.SNAPSHOTS));
        assertThat(snapshots).isNotEmpty();
        List<Object> bars = SnapshotRestore.assertSameAtEveryCut(
                host(scopeType), input(), SnapshotRestore.sideOutput(PnlScopeHost.BARS));
        assertThat(bars).extracting(b -> ((PnlBar) b).barStartMillis()).contains(1_000L, 2_000L, 3_000L, 4_000L);
    }

    @Test
    void aStrategyScopeRestoresToTheUninterruptedOutputs() throws Exception {
        List<Object> main = SnapshotRestore.uninterrupted(
                        host(PnlSnapshot.STRATEGY), input(), SnapshotRestore.mainOutput())
                .outputs();
        // s1 over 50 at 1 s (halt); the desk's resume at 3.5 s re-arms it, still over at 4 s: halted again. s2 at
        // 3.2 s: over.
        assertThat(main).extracting(o -> ((ControlRecord) o).decidedAtMillis()).contains(1_000L, 4_000L, 3_200L);
        sameAtEveryCut(PnlSnapshot.STRATEGY, main.size());
    }

    @Test
    void anOrgScopeRestoresToTheUninterruptedOutputs() throws Exception {
        List<Object> main = SnapshotRestore.uninterrupted(host(PnlSnapshot.ORG), input(), SnapshotRestore.mainOutput())
                .outputs();
        sameAtEveryCut(PnlSnapshot.ORG, main.size());
    }
}
