package io.riskplane.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.DeterministicId;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.OperatorDirective;
import io.riskplane.model.PnlBar;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.PolicyRecord;
import io.riskplane.model.RuleDirective;
import io.riskplane.pnl.EquityComponent;
import io.riskplane.rules.drawdown.DrawdownKillSwitchRule;
import io.riskplane.rules.drawdown.DrawdownRecoveryRule;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Envelope;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * Harness test of the PnL host: event-time order against racing policies, the kill switch once per breach, an org's
 * figures as the sum of its strategies', and no state left but the scope's own.
 */
class PnlScopeHostTest {
    static KeyedBroadcastOperatorTestHarness<String, EquityComponent, RuleDirective, ControlRecord> host(
            String scopeType) throws Exception {
        KeySelector<EquityComponent, String> key =
                PnlSnapshot.ORG.equals(scopeType) ? PnlScopeHost::orgKey : PnlScopeHost::strategyKey;
        return ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new PnlScopeHost(scopeType), key, Types.STRING, PnlScopeHost.POLICIES, PnlScopeHost.OPERATOR_RESUMES);
    }

    static EquityComponent c(
            String strategy, String instrument, long t, double realized, double unrealized, String id) {
        return new EquityComponent(
                PnlSnapshot.STRATEGY, "acme", strategy, instrument, t, realized, 0, unrealized, new String[] {id});
    }

    static RuleDirective policy(String id, long version, String strategy, double maxDd, long effective) {
        return RuleDirective.of(new PolicyRecord(
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
                Map.of()));
    }

    /** An operator's accepted resume of acme/strategy lifting rule (or "*"), at t. */
    static RuleDirective resume(String id, String strategy, String rule, long t) {
        return RuleDirective.of(new OperatorDirective(id, false, "acme", strategy, "", "", "", "", rule, t));
    }

    static List<PnlSnapshot> snapshots(
            KeyedBroadcastOperatorTestHarness<String, EquityComponent, RuleDirective, ControlRecord> h) {
        var q = h.getSideOutput(PnlScopeHost.SNAPSHOTS);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
    }

    static List<PnlBar> bars(
            KeyedBroadcastOperatorTestHarness<String, EquityComponent, RuleDirective, ControlRecord> h) {
        var q = h.getSideOutput(PnlScopeHost.BARS);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void componentsWaitForTheWatermarkSoALatePolicyOnAnotherChannelStillApplies() throws Exception {
        var h = host(PnlSnapshot.STRATEGY);
        h.processElement(c("s1", "BTC", 6_000, 0, -80, "e1"), 6_000);
        // The policy arrives after the component but is effective before it.
        h.processBroadcastElement(policy("p", 1, "s1", 50, 5_000), 5_000);
        h.processWatermark(6_000);
        h.processBroadcastWatermark(6_000);
        List<ControlRecord> controls = h.extractOutputValues();
        assertThat(controls).singleElement().satisfies(r -> {
            var control = Envelope.parseFrom(r.envelope()).getControl();
            assertThat(control.getRuleId()).isEqualTo(DrawdownKillSwitchRule.RULE_ID);
            assertThat(control.getPolicyId()).isEqualTo("p"); // not POLICY_MISSING
            assertThat(control.getReasonCode()).isEqualTo("DRAWDOWN_LIMIT_BREACHED");
        });
    }

    @Test
    void anOperatorsResumeReArmsTheHaltedScopeFromItsTimeOn() throws Exception {
        var h = host(PnlSnapshot.STRATEGY);
        h.processBroadcastElement(policy("p", 1, "s1", 50, 0), 0);
        // Halted at 1 s; within limits at 2 s (stays halted: no recovery in the policy); over again at 3 s (no second
        // kill). The desk resumes at 3.5 s, lifting the drawdown rule; a resume of another strategy or another rule
        // changes nothing. Still over at 4 s: halted again (fail closed), once.
        h.processBroadcastElement(resume("cmd-other-strategy", "s2", "*", 3_500), 0);
        h.processBroadcastElement(resume("cmd-other-rule", "s1", "guardrail.repeat.kill-switch", 3_500), 0);
        h.processBroadcastElement(resume("cmd-desk", "s1", "pnl.drawdown.kill-switch", 3_500), 0);
        double[] unrealized = {-60, -10, -70, -80, -90};
        for (int i = 0; i < unrealized.length; i++) {
            long t = 1_000L * (i + 1);
            h.processElement(c("s1", "BTC", t, 0, unrealized[i], "e" + i), t);
        }
        h.processWatermark(5_000);
        h.processBroadcastWatermark(5_000);
        assertThat(h.extractOutputValues())
                .extracting(ControlRecord::decidedAtMillis)
                .containsExactly(1_000L, 4_000L);
    }

    @Test
    void resumesAreKeptForAWeekOfEventTimeThenForgotten() throws Exception {
        var h = host(PnlSnapshot.STRATEGY);
        h.processBroadcastElement(resume("cmd-1", "s1", "*", 1_000), 0);
        h.processBroadcastElement(resume("cmd-2", "s1", "operator.halt", 1_000), 0); // lifts another rule: not kept
        h.processBroadcastWatermark(1_000 + io.riskplane.eventtime.OperatorResumes.MEMORY_MS);
        h.processWatermark(1_000 + io.riskplane.eventtime.OperatorResumes.MEMORY_MS);
        h.processBroadcastElement(
                resume("cmd-3", "s1", "*", 2_000 + io.riskplane.eventtime.OperatorResumes.MEMORY_MS), 0);
        assertThat(h.getBroadcastState(PnlScopeHost.OPERATOR_RESUMES).immutableEntries())
                .extracting(java.util.Map.Entry::getKey)
                .containsExactlyInAnyOrder("cmd-1", "cmd-3");
        h.processBroadcastWatermark(1_001 + io.riskplane.eventtime.OperatorResumes.MEMORY_MS);
        h.processWatermark(1_001 + io.riskplane.eventtime.OperatorResumes.MEMORY_MS);
        h.processBroadcastElement(
                resume("cmd-4", "s1", "*", 3_000 + io.riskplane.eventtime.OperatorResumes.MEMORY_MS), 0);
        assertThat(h.getBroadcastState(PnlScopeHost.OPERATOR_RESUMES).immutableEntries())
                .extracting(java.util.Map.Entry::getKey)
                .containsExactlyInAnyOrder("cmd-3", "cmd-4");
    }

    @Test
    void theKillSwitchFiresOncePerHaltAndStaysLatchedWithoutAResume() throws Exception {
        var h = host(PnlSnapshot.STRATEGY);
        h.processBroadcastElement(policy("p", 1, "s1", 50, 0), 0);
        double[] unrealized = {-60, -70, -10, -55};
        for (int i = 0; i < unrealized.length; i++) {
            long t = 1_000L * (i + 1);
            h.processElement(c("s1", "BTC", t, 0, unrealized[i], "e" + i), t);
        }
        h.processWatermark(4_000);
        h.processBroadcastWatermark(4_000);
        assertThat(snapshots(h)).extracting(PnlSnapshot::drawdown).containsExactly(60.0, 70.0, 10.0, 55.0);
        // Over at 1 s, under at 3 s, over again at 4 s: one halt (until an operator resumes; issue 16's 11 pages).
        assertThat(h.extractOutputValues())
                .extracting(ControlRecord::decidedAtMillis)
                .containsExactly(1_000L);
        // the bar of second 4 closes when event time reaches its last millisecond: the one timer left
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        h.processWatermark(4_999);
        h.processBroadcastWatermark(4_999);
        assertThat(h.numEventTimeTimers()).isZero();
        // one bar per second, its close the second's last snapshot; no fill rows (no component came from a fill)
        assertThat(bars(h)).extracting(PnlBar::barStartMillis).containsExactly(1_000L, 2_000L, 3_000L, 4_000L);
        assertThat(bars(h)).extracting(PnlBar::maxDrawdown).containsExactly(60.0, 70.0, 10.0, 55.0);
    }

    @Test
    void anOscillatingDrawdownHaltsOnceAndThePolicysRecoveryResumesWithItsEvidence() throws Exception {
        var h = host(PnlSnapshot.STRATEGY);
        h.processBroadcastElement(
                RuleDirective.of(new PolicyRecord(
                        "p",
                        1,
                        "acme",
                        "s1",
                        "",
                        "",
                        "",
                        "USD",
                        50,
                        0,
                        0,
                        0,
                        false,
                        0,
                        "p1",
                        Map.of("drawdown_resume_below", 20.0, "drawdown_resume_after_s", 30.0))),
                0);
        // Around the limit of 50 five times, then below 20 from t=10s on: resumed at 40s; then 60 again at 41s.
        double[] unrealized = {-60, -40, -70, -45, -55, -40, -40, -40, -40, -10, -15, -5, -5};
        long[] at = {1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 9_000, 10_000, 25_000, 40_000, 41_000};
        for (int i = 0; i < at.length; i++) {
            h.processElement(c("s1", "BTC", at[i], 0, unrealized[i], "e" + i), at[i]);
        }
        h.processElement(c("s1", "BTC", 42_000, 0, -60, "e-again"), 42_000);
        h.processWatermark(42_000);
        h.processBroadcastWatermark(42_000);
        List<ControlEvent> controls = new java.util.ArrayList<>();
        for (ControlRecord r : h.extractOutputValues()) {
            controls.add(Envelope.parseFrom(r.envelope()).getControl());
        }
        assertThat(controls)
                .extracting(ControlEvent::getRuleId)
                .containsExactly(
                        DrawdownKillSwitchRule.RULE_ID, DrawdownRecoveryRule.RULE_ID, DrawdownKillSwitchRule.RULE_ID);
        ControlEvent resume = controls.get(1);
        assertThat(resume.getKind()).isEqualTo(ControlKind.RESUME);
        assertThat(resume.getReasonCode()).isEqualTo("DRAWDOWN_RECOVERED");
        assertThat(resume.getDecidedAt().getSeconds()).isEqualTo(40);
        assertThat(resume.getEvidence().getWindowStart().getSeconds()).isEqualTo(10);
        assertThat(resume.getEvidence().getThresholdsList())
                .extracting(t -> t.getName() + "=" + t.getLimit())
                .containsExactly("drawdown_resume_below=20.0", "drawdown_resume_after_s=30.0", "max_drawdown=50.0");
        assertThat(resume.getEvidence().getTriggerEventIdsList()).contains("e11");
        assertThat(controls.get(2).getDecidedAt().getSeconds()).isEqualTo(42);
    }

    @Test
    void anOrgIsTheExactSumOfItsStrategiesNamedByTheirSnapshots() throws Exception {
        var org = host(PnlSnapshot.ORG);
        var s1 = host(PnlSnapshot.STRATEGY);
        var s2 = host(PnlSnapshot.STRATEGY);
        List<EquityComponent> in = List.of(
                c("s1", "BTC", 1_000, 0.1, 0.2, "a"),
                c("s1", "ETH", 1_000, 0.7, 0.3, "b"),
                c("s2", "BTC", 1_000, 1e-17, -0.3, "c"),
                c("s1", "BTC", 2_000, 0.15, 0.25, "d"));
        for (EquityComponent e : in) {
            org.processElement(e, e.eventTimeMillis());
            (e.strategy().equals("s1") ? s1 : s2).processElement(e, e.eventTimeMillis());
        }
        for (var h : List.of(org, s1, s2)) {
            h.processWatermark(2_000);
            h.processBroadcastWatermark(2_000);
        }
        List<PnlSnapshot> orgs = snapshots(org);
        assertThat(orgs).hasSize(2);
        PnlSnapshot at1 = orgs.get(0);
        // by hand: s1 = (0.1 + 0.7, 0.2 + 0.3), s2 = (1e-17, -0.3); org = s1 + s2, in strategy order
        double s1Realized = 0.1 + 0.7;
        double s1Unrealized = 0.2 + 0.3;
        assertThat(at1.realizedPnl()).isEqualTo(s1Realized + 1e-17);
        assertThat(at1.unrealizedPnl()).isEqualTo(s1Unrealized + -0.3);
        assertThat(at1.strategy()).isEmpty();
        assertThat(at1.snapshotId()).isEqualTo(DeterministicId.of("pnl-", "org|acme|", 1_000));
        assertThat(at1.triggerEventIds())
                .containsExactly(
                        DeterministicId.of("pnl-", "strategy|acme|s1", 1_000),
                        DeterministicId.of("pnl-", "strategy|acme|s2", 1_000));
        // and the strategies' own snapshots carry those ids and add up to it
        PnlSnapshot s1At1 = snapshots(s1).get(0);
        PnlSnapshot s2At1 = snapshots(s2).get(0);
        assertThat(at1.triggerEventIds()).containsExactly(s1At1.snapshotId(), s2At1.snapshotId());
        assertThat(at1.realizedPnl()).isEqualTo(s1At1.realizedPnl() + s2At1.realizedPnl());
        assertThat(orgs.get(1).realizedPnl()).isEqualTo((0.15 + 0.7) + 1e-17);
        assertThat(snapshots(s1).get(1).realizedPnl()).isEqualTo(0.15 + 0.7);
    }

    @Test
    void aSecondsBarCarriesItsTroughAndEveryFillHasItsOwnRow() throws Exception {
        var h = host(PnlSnapshot.STRATEGY);
        h.processBroadcastElement(policy("p", 1, "s1", 500, 0), 0);
        EquityComponent fill = new EquityComponent(
                PnlSnapshot.STRATEGY, "acme", "s1", "BTC", 1_100, -1, 1, 0, new String[] {"f1"}, true);
        h.processElement(fill, 1_100);
        h.processElement(c("s1", "BTC", 1_400, -1, 30, "q1"), 1_400);
        h.processElement(c("s1", "BTC", 1_700, -1, -40, "q2"), 1_700); // the trough of the second
        h.processElement(c("s1", "BTC", 1_900, -1, 5, "q3"), 1_900);
        h.processWatermark(2_000);
        h.processBroadcastWatermark(2_000);
        List<PnlBar> rows = bars(h);
        assertThat(rows).filteredOn(PnlBar::fillRow).singleElement().satisfies(r -> assertThat(r.closeEquity())
                .isEqualTo(-1.0));
        PnlBar bar = rows.stream().filter(r -> !r.fillRow()).findFirst().orElseThrow();
        // by hand: equities -1, 29, -41, 4; peak 29 at 1.4 s, so the largest drawdown is 29 - (-41) = 70
        assertThat(bar.openEquity()).isEqualTo(-1.0);
        assertThat(bar.highEquity()).isEqualTo(29.0);
        assertThat(bar.lowEquity()).isEqualTo(-41.0);
        assertThat(bar.closeEquity()).isEqualTo(4.0);
        assertThat(bar.maxDrawdown()).isEqualTo(70.0);
        assertThat(bar.snapshotCount()).isEqualTo(4);
    }

    @Test
    void aScopeWithinItsLimitsKeepsOnlyItsComponentsPeakAndLastBar() throws Exception {
        var h = host(PnlSnapshot.STRATEGY);
        h.processBroadcastElement(policy("p", 1, "s1", 50, 0), 0);
        h.processElement(c("s1", "BTC", 1_000, 0, 10, "e1"), 1_000);
        h.processElement(c("s1", "BTC", 1_500, 0, 20, "e2"), 1_500);
        h.processWatermark(2_000);
        h.processBroadcastWatermark(2_000);
        assertThat(h.numEventTimeTimers()).isZero();
        // one component, the peak, where bars stopped: no buffer, no breach flag
        assertThat(((org.apache.flink.runtime.state.heap.HeapKeyedStateBackend<?>)
                                h.getOperator().getKeyedStateBackend())
                        .numKeyValueStateEntries())
                .isEqualTo(3);
    }
}
