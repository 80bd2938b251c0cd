package io.riskplane.halts;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.alerting.AlertSettings;
import io.riskplane.contract.ProtoTime;
import io.riskplane.model.AlertRecord;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.HaltStateRecord;
import io.riskplane.sinks.alerting.AlertmanagerForwarder;
import io.riskplane.v1.Alert;
import io.riskplane.v1.ControlAction;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Evidence;
import io.riskplane.v1.HaltState;
import io.riskplane.v1.HaltStatus;
import io.riskplane.v1.Scope;
import io.riskplane.v1.Severity;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Harness test of the halt ledger: one alert per halt episode, resolved by the RESUME that ends it; the state of each
 * scope after every change; cooldowns that run out by themselves; state and timers gone once a scope is ACTIVE; the
 * same outputs after a restore from a snapshot.
 */
class HaltLedgerTest {
    static final AlertSettings SETTINGS =
            new AlertSettings("https://runbooks.example/runbooks.md", "trading-oncall", Map.of());
    static final Scope MOMO =
            Scope.newBuilder().setOrg("acme").setStrategy("momo").build();
    static final long T = 1_795_185_000_000L;
    static final String DRAWDOWN = "pnl.drawdown.kill-switch";

    KeyedOneInputStreamOperatorTestHarness<String, ControlRecord, HaltStateRecord> h;

    @BeforeEach
    void setUp() throws Exception {
        h = harness();
    }

    static KeyedOneInputStreamOperatorTestHarness<String, ControlRecord, HaltStateRecord> harness() throws Exception {
        var harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new HaltLedger(SETTINGS), HaltLedger::key, Types.STRING);
        harness.processWatermark(T - 60_000);
        return harness;
    }

    static ControlRecord control(String id, ControlKind kind, String rule, long at, long expiresAt, String lifts) {
        ControlEvent.Builder c = ControlEvent.newBuilder()
                .setControlId(id)
                .setKind(kind)
                .setAction(kind == ControlKind.RESUME ? ControlAction.RESUME_TRADING : ControlAction.HALT_NEW_ENTRIES)
                .setRuleId(rule)
                .setRuleVersion(1)
                .setScope(MOMO)
                .setReasonCode("TEST")
                .setDecidedAt(ProtoTime.fromMillis(at))
                .setLiftsRuleId(lifts)
                .setEvidence(Evidence.newBuilder().setSummary("summary of " + id));
        if (expiresAt > 0) {
            c.setExpiresAt(ProtoTime.fromMillis(expiresAt));
        }
        Envelope e = Envelope.newBuilder()
                .setEventId(id)
                .setSource("riskplane")
                .setEventTime(c.getDecidedAt())
                .setControl(c)
                .build();
        return new ControlRecord(id, "strategy|acme|momo", at, rule, e.toByteArray());
    }

    static ControlRecord withReason(ControlRecord r, String reasonCode) throws Exception {
        Envelope e = Envelope.parseFrom(r.envelope());
        Envelope.Builder b = e.toBuilder();
        b.getControlBuilder().setReasonCode(reasonCode);
        return new ControlRecord(
                r.controlId(),
                r.scopeKey(),
                r.decidedAtMillis(),
                r.ruleId(),
                b.build().toByteArray());
    }

    static ControlRecord kill(String id, long at) {
        return control(id, ControlKind.KILL_SWITCH, DRAWDOWN, at, 0, "");
    }

    static ControlRecord operatorResume(String id, long at) {
        return control(id, ControlKind.RESUME, "operator.resume", at, 0, "*");
    }

    void feed(ControlRecord r) throws Exception {
        h.processElement(r, r.decidedAtMillis());
    }

    List<HaltState> states() throws Exception {
        List<HaltState> out = new java.util.ArrayList<>();
        for (HaltStateRecord r : h.extractOutputValues()) {
            out.add(Envelope.parseFrom(r.envelope()).getHaltState());
        }
        return out;
    }

    List<Alert> alerts() throws Exception {
        var q = h.getSideOutput(HaltLedger.ALERTS);
        List<Alert> out = new java.util.ArrayList<>();
        if (q != null) {
            for (StreamRecord<AlertRecord> r : q) {
                out.add(Envelope.parseFrom(r.getValue().envelope()).getAlert());
            }
        }
        return out;
    }

    @Test
    void aHaltThatTheRuleConfirmsAgainPagesOnceAndItsResumeResolvesThatPage() throws Exception {
        feed(kill("ctl-k1", T));
        feed(kill("ctl-k2", T + 10_000)); // the drawdown crossed its limit again while halted
        feed(kill("ctl-k3", T + 20_000));
        feed(operatorResume("ctl-r1", T + 30_000));
        h.processWatermark(T + 40_000);

        List<Alert> alerts = alerts();
        assertThat(alerts).hasSize(2);
        Alert page = alerts.get(0);
        Alert end = alerts.get(1);
        assertThat(page.getSeverity()).isEqualTo(Severity.PAGE);
        assertThat(page.getControlId()).isEqualTo("ctl-k1");
        assertThat(page.hasEndsAt()).isFalse();
        assertThat(end.getControlId()).isEqualTo("ctl-k1"); // the same episode
        assertThat(end.getEndsAt()).isEqualTo(ProtoTime.fromMillis(T + 30_000));
        assertThat(end.getResolvedByControlId()).isEqualTo("ctl-r1");
        assertThat(end.getAlertId()).isNotEqualTo(page.getAlertId());
        // Alertmanager identifies an alert by its labels: the resolution must carry exactly the page's.
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var posted = json.readTree(AlertmanagerForwarder.body(List.of(
                Envelope.newBuilder()
                        .setEventTime(ProtoTime.fromMillis(T))
                        .setAlert(page)
                        .build(),
                Envelope.newBuilder()
                        .setEventTime(ProtoTime.fromMillis(T + 30_000))
                        .setAlert(end)
                        .build())));
        assertThat(posted.get(1).path("labels")).isEqualTo(posted.get(0).path("labels"));
        assertThat(posted.get(1).path("endsAt").asText()).isEqualTo("2026-11-20T14:30:30Z");
        assertThat(posted.get(0).path("endsAt").asText()).isEqualTo("2026-12-20T14:30:00Z"); // open: +30 days

        List<HaltState> states = states();
        assertThat(states)
                .extracting(HaltState::getStatus)
                .containsExactly(
                        HaltStatus.HALT_STATUS_HALTED,
                        HaltStatus.HALT_STATUS_HALTED,
                        HaltStatus.HALT_STATUS_HALTED,
                        HaltStatus.HALT_STATUS_ACTIVE);
        assertThat(states.get(0).getHalts(0).getEpisodeId()).isEqualTo("ctl-k1");
        assertThat(states.get(2).getHalts(0).getEpisodeId()).isEqualTo("ctl-k1");
        assertThat(states.get(2).getHalts(0).getControlId()).isEqualTo("ctl-k3");
        assertThat(states.get(2).getChange()).contains("CONFIRMED").contains("no new page");
        assertThat(states.get(3).getHaltsCount()).isZero();
        assertThat(states.get(3).getControlId()).isEqualTo("ctl-r1");
        assertThat(states.get(3).getLiftedEpisodeIdsList()).containsExactly("ctl-k1");
        assertThat(h.extractOutputValues())
                .extracting(HaltStateRecord::stateId)
                .containsExactly("hst-ctl-k1", "hst-ctl-k2", "hst-ctl-k3", "hst-ctl-r1");

        // ACTIVE again: nothing kept.
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void aKillAfterTheResumeOpensANewEpisodeWithItsOwnPage() throws Exception {
        feed(kill("ctl-k1", T));
        feed(operatorResume("ctl-r1", T + 30_000));
        feed(kill("ctl-k2", T + 60_000));
        h.processWatermark(T + 70_000);
        assertThat(alerts()).extracting(Alert::getControlId).containsExactly("ctl-k1", "ctl-k1", "ctl-k2");
        assertThat(alerts().get(2).hasEndsAt()).isFalse();
        assertThat(states().get(2).getHalts(0).getEpisodeId()).isEqualTo("ctl-k2");
    }

    @Test
    void theOrderOfArrivalDoesNotMatterOnlyEventTime() throws Exception {
        // The resume reaches the ledger before the kill it lifts (two rules, two channels), both within the bound.
        feed(operatorResume("ctl-r1", T + 30_000));
        feed(kill("ctl-k1", T));
        // A resume at the kill's very millisecond lifts it, as execution's verifier does.
        feed(kill("ctl-k2", T + 50_000));
        feed(operatorResume("ctl-r2", T + 50_000));
        h.processWatermark(T + 70_000);
        assertThat(states())
                .extracting(HaltState::getStatus)
                .containsExactly(
                        HaltStatus.HALT_STATUS_HALTED, HaltStatus.HALT_STATUS_ACTIVE, HaltStatus.HALT_STATUS_ACTIVE);
        assertThat(alerts())
                .extracting(Alert::getAlertId)
                .containsExactly("alt-ctl-k1", "alt-ctl-k1-end", "alt-ctl-k2", "alt-ctl-k2-end");
    }

    @Test
    void aCooldownWarnsWithItsEndAndRunsOutByItself() throws Exception {
        String rule = "guardrail.order-rate.cooldown";
        feed(control("ctl-c1", ControlKind.COOLDOWN, rule, T, T + 60_000, ""));
        feed(control("ctl-c2", ControlKind.COOLDOWN, rule, T + 30_000, T + 120_000, "")); // escalated, longer
        feed(control("ctl-c3", ControlKind.COOLDOWN, rule, T + 40_000, T + 90_000, "")); // shorter: no change
        h.processWatermark(T + 119_999);
        assertThat(states())
                .extracting(HaltState::getStatus)
                .containsExactly(HaltStatus.HALT_STATUS_COOLING_DOWN, HaltStatus.HALT_STATUS_COOLING_DOWN);
        h.processWatermark(T + 120_000);

        List<Alert> alerts = alerts();
        assertThat(alerts).extracting(Alert::getSeverity).containsOnly(Severity.WARNING);
        assertThat(alerts).extracting(Alert::getControlId).containsOnly("ctl-c1");
        assertThat(alerts.get(0).getEndsAt()).isEqualTo(ProtoTime.fromMillis(T + 60_000));
        assertThat(alerts.get(1).getEndsAt()).isEqualTo(ProtoTime.fromMillis(T + 120_000));
        assertThat(alerts).hasSize(2);

        List<HaltState> states = states();
        assertThat(states).hasSize(3);
        assertThat(states.get(2).getStatus()).isEqualTo(HaltStatus.HALT_STATUS_ACTIVE);
        assertThat(states.get(2).getChange()).startsWith("EXPIRED");
        assertThat(states.get(2).getUpdatedAt()).isEqualTo(ProtoTime.fromMillis(T + 120_000));
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void aKillSwitchOverACooldownEndsTheWarningAndPages() throws Exception {
        String rule = "guardrail.order-rate.cooldown";
        feed(control("ctl-c1", ControlKind.COOLDOWN, rule, T, T + 60_000, ""));
        feed(control("ctl-k1", ControlKind.KILL_SWITCH, rule, T + 10_000, 0, ""));
        h.processWatermark(T + 100_000); // past the cooldown's end: the kill-switch stays
        assertThat(alerts())
                .extracting(Alert::getAlertId)
                .containsExactly("alt-ctl-c1", "alt-ctl-c1-end", "alt-ctl-k1");
        assertThat(alerts().get(1).getEndsAt()).isEqualTo(ProtoTime.fromMillis(T + 10_000));
        assertThat(alerts().get(2).getSeverity()).isEqualTo(Severity.PAGE);
        assertThat(states())
                .extracting(HaltState::getStatus)
                .containsExactly(HaltStatus.HALT_STATUS_COOLING_DOWN, HaltStatus.HALT_STATUS_HALTED);
        assertThat(states().get(1).getLiftedEpisodeIdsList()).containsExactly("ctl-c1");
    }

    @Test
    void aHaltSurvivesARestoreAndItsResumeStillResolvesTheSamePage() throws Exception {
        feed(kill("ctl-k1", T));
        h.processWatermark(T + 5_000);
        OperatorSubtaskState snapshot = h.snapshot(1, T + 5_000);
        h.close();

        h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new HaltLedger(SETTINGS)), HaltLedger::key, Types.STRING);
        h.setup();
        h.initializeState(snapshot);
        h.open();
        feed(kill("ctl-k2", T + 10_000));
        feed(operatorResume("ctl-r1", T + 20_000));
        h.processWatermark(T + 30_000);
        assertThat(alerts()).extracting(Alert::getAlertId).containsExactly("alt-ctl-k1-end");
        assertThat(alerts().get(0).getControlId()).isEqualTo("ctl-k1");
        assertThat(states())
                .extracting(HaltState::getStatus)
                .containsExactly(HaltStatus.HALT_STATUS_HALTED, HaltStatus.HALT_STATUS_ACTIVE);
        assertThat(h.numKeyedStateEntries()).isZero();
    }

    /**
     * A control event behind the watermark is applied on arrival (fail closed), and its state is stamped with the
     * watermark, so that it is never older than the state published before it (the halts view takes the latest).
     */
    @Test
    void aLateHaltIsAppliedAndItsStateIsNotOlderThanThoseBefore() throws Exception {
        feed(operatorResume("ctl-r0", T + 20_000)); // lifts nothing: no state
        feed(control("ctl-c1", ControlKind.COOLDOWN, "guardrail.trip.cooldown", T + 30_000, T + 40_000, ""));
        h.processWatermark(T + 50_000); // the cooldown opened at 30 s and ran out at 40 s
        feed(kill("ctl-k1", T + 10_000)); // 40 s behind the watermark
        List<HaltState> states = states();
        assertThat(states)
                .extracting(HaltState::getStatus)
                .containsExactly(
                        HaltStatus.HALT_STATUS_COOLING_DOWN,
                        HaltStatus.HALT_STATUS_ACTIVE,
                        HaltStatus.HALT_STATUS_HALTED);
        assertThat(h.extractOutputValues())
                .extracting(HaltStateRecord::updatedAtMillis)
                .containsExactly(T + 30_000, T + 40_000, T + 50_000);
        assertThat(states.get(2).getHalts(0).getSince()).isEqualTo(ProtoTime.fromMillis(T + 10_000));
        assertThat(alerts()).extracting(Alert::getControlId).containsExactly("ctl-c1", "ctl-k1");
    }

    @Test
    void anSloResumeLiftsOnlyItsOwnSloAndAnotherRulesHaltStays() throws Exception {
        feed(withReason(control("ctl-s1", ControlKind.KILL_SWITCH, "slo.breach.kill-switch", T, 0, ""), "QUOTE_STALE"));
        feed(kill("ctl-k1", T + 1_000));
        feed(withReason(control("ctl-s2", ControlKind.RESUME, "slo.recovery.resume", T + 5_000, 0, ""), "QUOTE_STALE"));
        h.processWatermark(T + 10_000);
        HaltState last = states().get(states().size() - 1);
        assertThat(last.getStatus()).isEqualTo(HaltStatus.HALT_STATUS_HALTED);
        assertThat(last.getHaltsList()).extracting(e -> e.getRuleId()).containsExactly(DRAWDOWN);
        assertThat(last.getLiftedEpisodeIdsList()).containsExactly("ctl-s1");
        assertThat(h.numEventTimeTimers()).isZero();
    }
}
