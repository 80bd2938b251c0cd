package io.riskplane.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.riskplane.v1.ControlAction;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Evidence;
import io.riskplane.v1.Heartbeat;
import io.riskplane.v1.Scope;
import io.riskplane.v1.Threshold;
import io.riskplane.verify.ControlVerifier.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlVerifierTest {
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final ControlSigner SIGNER = new ControlSigner("k1", KEY);
    static final Instant T0 = Instant.parse("2026-11-20T15:00:00Z");
    static final Scope ACME_MOMO =
            Scope.newBuilder().setOrg("acme").setStrategy("momentum-btc").build();
    static final Scope ACME_MOMO_BTC = ACME_MOMO.toBuilder()
            .setInstrument("CRYPTO:BTC-USD")
            .setVenue("kraken")
            .setAdapter("kraken-rest")
            .build();

    final ControlVerifier verifier = new ControlVerifier(List.of(SIGNER), Duration.ofSeconds(5));

    static byte[] control(String id, ControlKind kind, Scope scope, Instant expires) {
        ControlEvent.Builder c = ControlEvent.newBuilder()
                .setControlId(id)
                .setKind(kind)
                .setScope(scope)
                .setAction(kind == ControlKind.RESUME ? ControlAction.RESUME_TRADING : ControlAction.HALT_NEW_ENTRIES)
                .setRuleId("test.rule");
        if (expires != null) {
            c.setExpiresAt(ts(expires));
        }
        return Envelope.newBuilder()
                .setEventId(id)
                .setSource("riskplane")
                .setControl(c)
                .build()
                .toByteArray();
    }

    static byte[] heartbeat(Instant emitted) {
        return heartbeat(emitted, emitted.minusSeconds(1));
    }

    static Timestamp ts(Instant i) {
        return Timestamp.newBuilder()
                .setSeconds(i.getEpochSecond())
                .setNanos(i.getNano())
                .build();
    }

    static Map<String, byte[]> signed(byte[] value) {
        return Map.of(
                ControlSigner.SIGNATURE_HEADER,
                SIGNER.signatureHeader(value),
                ControlSigner.KEY_ID_HEADER,
                "k1".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void failsClosedUntilASignedFreshHeartbeatArrives() {
        assertThat(verifier.mayTrade(ACME_MOMO_BTC, T0).reason()).isEqualTo("PLANE_HEARTBEAT_MISSING");
        byte[] hb = heartbeat(T0);
        assertThat(verifier.accept(hb, Map.of(), T0)).isEqualTo(Verdict.UNSIGNED);
        assertThat(verifier.mayTrade(ACME_MOMO_BTC, T0).allowed()).isFalse();
        assertThat(verifier.accept(hb, signed(hb), T0)).isEqualTo(Verdict.ACCEPTED);
        assertThat(verifier.mayTrade(ACME_MOMO_BTC, T0.plusSeconds(5)).allowed())
                .isTrue();
        // The plane goes quiet: after 5 s without a heartbeat, nothing is allowed.
        assertThat(verifier.mayTrade(ACME_MOMO_BTC, T0.plusSeconds(6)).reason()).startsWith("PLANE_HEARTBEAT_STALE");
        // Re-sending the old heartbeat does not revive it.
        assertThat(verifier.accept(hb, signed(hb), T0.plusSeconds(6))).isEqualTo(Verdict.REPLAYED);
        assertThat(verifier.mayTrade(ACME_MOMO_BTC, T0.plusSeconds(6)).allowed())
                .isFalse();
    }

    @Test
    void rejectsForgedAlteredAndReplayedControlEvents() {
        byte[] kill = control("ctl-1", ControlKind.KILL_SWITCH, ACME_MOMO, null);
        byte[] altered = Arrays.copyOf(kill, kill.length);
        altered[altered.length - 1] ^= 1;
        assertThat(verifier.accept(altered, signed(kill), T0)).isEqualTo(Verdict.BAD_SIGNATURE);
        ControlSigner other = new ControlSigner("k1", "another key of thirty-two bytes!".getBytes());
        assertThat(verifier.accept(
                        kill,
                        Map.of(
                                ControlSigner.SIGNATURE_HEADER,
                                other.signatureHeader(kill),
                                ControlSigner.KEY_ID_HEADER,
                                "k1".getBytes()),
                        T0))
                .isEqualTo(Verdict.BAD_SIGNATURE);
        assertThat(verifier.accept(
                        kill,
                        Map.of(
                                ControlSigner.SIGNATURE_HEADER,
                                SIGNER.signatureHeader(kill),
                                ControlSigner.KEY_ID_HEADER,
                                "k2".getBytes()),
                        T0))
                .isEqualTo(Verdict.UNKNOWN_KEY);
        assertThat(verifier.halts()).isEmpty();

        assertThat(verifier.accept(kill, signed(kill), T0)).isEqualTo(Verdict.ACCEPTED);
        assertThat(verifier.accept(kill, signed(kill), T0)).isEqualTo(Verdict.REPLAYED);
    }

    @Test
    void keepsTheHaltStatePerScope() {
        byte[] hb = heartbeat(T0);
        verifier.accept(hb, signed(hb), T0);
        byte[] kill = control("ctl-1", ControlKind.KILL_SWITCH, ACME_MOMO, null);
        verifier.accept(kill, signed(kill), T0);
        // A strategy halt covers every order of that strategy, not another strategy of the org.
        assertThat(verifier.mayTrade(ACME_MOMO_BTC, T0).allowed()).isFalse();
        assertThat(verifier.mayTrade(ACME_MOMO_BTC, T0).reason()).contains("KILL_SWITCH", "ctl-1");
        assertThat(verifier.mayTrade(
                                ACME_MOMO_BTC.toBuilder().setStrategy("pairs").build(), T0)
                        .allowed())
                .isTrue();

        // A cooldown on a route lifts itself at expires_at.
        byte[] cool = control(
                "ctl-2",
                ControlKind.COOLDOWN,
                Scope.newBuilder().setAdapter("kraken-rest").build(),
                T0.plusSeconds(3));
        verifier.accept(cool, signed(cool), T0);
        Scope otherStrategy = ACME_MOMO_BTC.toBuilder().setStrategy("pairs").build();
        assertThat(verifier.mayTrade(otherStrategy, T0.plusSeconds(2)).allowed())
                .isFalse();
        assertThat(verifier.mayTrade(otherStrategy, T0.plusSeconds(3)).allowed())
                .isTrue();

        // A RESUME of a rule that resumes nothing lifts nothing; an operator lifts the kill.
        byte[] resume = control("ctl-3", ControlKind.RESUME, ACME_MOMO, null);
        assertThat(verifier.accept(resume, signed(resume), T0)).isEqualTo(Verdict.ACCEPTED);
        assertThat(verifier.mayTrade(ACME_MOMO_BTC, T0.plusSeconds(3)).reason()).contains("KILL_SWITCH", "ctl-1");
        assertThat(verifier.operatorResume(ACME_MOMO, "test.rule", "alice", T0)).hasSize(1);
        assertThat(verifier.mayTrade(ACME_MOMO_BTC, T0).reason()).contains("COOLDOWN"); // the route is still cooling
        assertThat(verifier.mayTrade(ACME_MOMO_BTC, T0.plusSeconds(3)).allowed())
                .isTrue();
        byte[] rollback = control(
                "ctl-4",
                ControlKind.ROLLBACK,
                Scope.newBuilder().setLane("lane-pm").build(),
                null);
        verifier.accept(rollback, signed(rollback), T0);
        Scope laneOrder = Scope.newBuilder().setOrg("globex").setLane("lane-pm").build();
        assertThat(verifier.mayTrade(laneOrder, T0).allowed()).isFalse();
        assertThat(verifier.operatorResume(
                        Scope.newBuilder().setLane("lane-pm").build(), ControlVerifier.ALL_RULES, "alice", T0))
                .hasSize(1);
        assertThat(verifier.mayTrade(laneOrder, T0).allowed()).isTrue();
    }

    @Test
    void aCooldownNeverShortensTheHaltInForce() {
        byte[] hb = heartbeat(T0);
        verifier.accept(hb, signed(hb), T0);
        // The confirmed kill-switch reaches execution first; the early cooldown of the same scope arrives after it.
        byte[] kill = control("ctl-kill", ControlKind.KILL_SWITCH, ACME_MOMO, null);
        byte[] early = control("ctl-early", ControlKind.COOLDOWN, ACME_MOMO, T0.plusSeconds(30));
        assertThat(verifier.accept(kill, signed(kill), T0)).isEqualTo(Verdict.ACCEPTED);
        assertThat(verifier.accept(early, signed(early), T0)).isEqualTo(Verdict.ACCEPTED);
        assertThat(verifier.mayTrade(ACME_MOMO_BTC, T0.plusSeconds(1)).reason()).contains("KILL_SWITCH", "ctl-kill");
        assertThat(verifier.halt(ACME_MOMO, "test.rule", "").orElseThrow().until())
                .isNull();

        // Early 30 s cooldown first, then the confirmed escalated 120 s one, then the early one's second copy.
        Scope pairs = ACME_MOMO.toBuilder().setStrategy("pairs").build();
        byte[] earlyPairs = control("ctl-early-pairs", ControlKind.COOLDOWN, pairs, T0.plusSeconds(30));
        byte[] confirmed = control("ctl-confirmed-pairs", ControlKind.COOLDOWN, pairs, T0.plusSeconds(120));
        byte[] shorter = control("ctl-shorter-pairs", ControlKind.COOLDOWN, pairs, T0.plusSeconds(10));
        verifier.accept(earlyPairs, signed(earlyPairs), T0);
        verifier.accept(confirmed, signed(confirmed), T0);
        assertThat(verifier.accept(earlyPairs, signed(earlyPairs), T0)).isEqualTo(Verdict.REPLAYED);
        verifier.accept(shorter, signed(shorter), T0);
        assertThat(verifier.halt(pairs, "test.rule", "").orElseThrow().controlId())
                .isEqualTo("ctl-confirmed-pairs");
        byte[] later = heartbeat(T0.plusSeconds(119));
        verifier.accept(later, signed(later), T0.plusSeconds(119));
        assertThat(verifier.mayTrade(pairs, T0.plusSeconds(119)).reason()).contains("ctl-confirmed-pairs");
        assertThat(verifier.mayTrade(pairs, T0.plusSeconds(120)).allowed()).isTrue();
    }

    static final Scope NASDAQ_OUCH =
            Scope.newBuilder().setAdapter("nasdaq-ouch").build();
    static final Scope OUCH_ORDER = Scope.newBuilder()
            .setOrg("globex")
            .setStrategy("pm-arb")
            .setInstrument("EQ:AAPL")
            .setVenue("nasdaq")
            .setAdapter("nasdaq-ouch")
            .build();
    static final Scope KRAKEN_ETH = Scope.newBuilder()
            .setVenue("kraken")
            .setInstrument("CRYPTO:ETH-USD")
            .build();
    static final Scope KRAKEN_ETH_ORDER = KRAKEN_ETH.toBuilder()
            .setOrg("acme")
            .setStrategy("mm")
            .setAdapter("kraken-rest")
            .build();

    /** A control event as a rule of the plane writes it: rule id, reason code, decision time, SLO threshold. */
    static byte[] control(
            String id,
            ControlKind kind,
            String ruleId,
            String reason,
            Scope scope,
            Instant decided,
            Instant expires,
            String sloThreshold) {
        ControlEvent.Builder c = ControlEvent.newBuilder()
                .setControlId(id)
                .setKind(kind)
                .setScope(scope)
                .setAction(kind == ControlKind.RESUME ? ControlAction.RESUME_TRADING : ControlAction.HALT_NEW_ENTRIES)
                .setRuleId(ruleId)
                .setReasonCode(reason)
                .setDecidedAt(ts(decided));
        if (expires != null) {
            c.setExpiresAt(ts(expires));
        }
        if (sloThreshold != null) {
            c.setEvidence(Evidence.newBuilder()
                    .addThresholds(Threshold.newBuilder()
                            .setName(sloThreshold)
                            .setLimit(1)
                            .setComparison(">")));
        }
        return Envelope.newBuilder()
                .setEventId(id)
                .setSource("riskplane")
                .setControl(c)
                .build()
                .toByteArray();
    }

    static byte[] sloKill(String id, String reason, String threshold, Scope scope, Instant decided) {
        return control(id, ControlKind.KILL_SWITCH, "slo.breach.kill-switch", reason, scope, decided, null, threshold);
    }

    /** As SloControlEvents writes a resume: reason SLO_RECOVERED, the SLO told by the threshold in the evidence. */
    static byte[] sloResume(String id, String threshold, Scope scope, Instant decided) {
        return control(id, ControlKind.RESUME, "slo.recovery.resume", "SLO_RECOVERED", scope, decided, null, threshold);
    }

    static byte[] routeRollback(String id, String adapter, Instant decided) {
        return control(
                id,
                ControlKind.ROLLBACK,
                "route.fallback.rollback",
                "FALLBACK_RATIO_OVER_BUDGET",
                Scope.newBuilder().setAdapter(adapter).build(),
                decided,
                null,
                null);
    }

    static byte[] heartbeat(Instant emitted, Instant watermark) {
        Heartbeat.Builder h = Heartbeat.newBuilder().setPlaneId("p");
        if (watermark != null) {
            h.setWatermark(ts(watermark));
        }
        return Envelope.newBuilder()
                .setEventId("hb-" + emitted)
                .setSource("riskplane")
                .setEventTime(ts(emitted))
                .setHeartbeat(h)
                .build()
                .toByteArray();
    }

    static void feed(ControlVerifier v, Instant now, byte[]... records) {
        for (byte[] r : records) {
            assertThat(v.accept(r, signed(r), now))
                    .as("first copy of a control event")
                    .isEqualTo(Verdict.ACCEPTED);
        }
    }

    static List<String> rulesOf(List<ControlVerifier.Halt> halts) {
        return halts.stream()
                .map(h -> h.ruleId() + (h.subject().isEmpty() ? "" : "/" + h.subject()))
                .toList();
    }

    /**
     * Issue 14 item 7, as found: a route ROLLBACK and two SLO kills on adapter nasdaq-ouch, then one SLO RESUME. The
     * resume lifts its own SLO's kill only: the rollback (never resumes by itself) and the other SLO's kill stay.
     */
    @Test
    void anSloResumeLiftsOnlyItsOwnSloHaltNeverARouteRollback() {
        byte[] hb = heartbeat(T0);
        verifier.accept(hb, signed(hb), T0);
        feed(
                verifier,
                T0,
                routeRollback("ctl-rollback", "nasdaq-ouch", T0.minusSeconds(600)),
                sloKill("ctl-latency", "LATENCY_P95_BREACHED", "latency_p95_ms", NASDAQ_OUCH, T0.minusSeconds(300)),
                sloKill("ctl-reject", "REJECTION_RATE_BREACHED", "rejection_rate", NASDAQ_OUCH, T0.minusSeconds(240)),
                sloResume("ctl-latency-ok", "latency_p95_ms", NASDAQ_OUCH, T0.minusSeconds(60)));

        ControlVerifier.Decision d = verifier.mayTrade(OUCH_ORDER, T0);
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason())
                .contains(
                        "ROLLBACK route.fallback.rollback ctl-rollback",
                        "KILL_SWITCH slo.breach.kill-switch/rejection_rate ctl-reject")
                .doesNotContain("ctl-latency ");
        assertThat(rulesOf(verifier.haltsOn(NASDAQ_OUCH)))
                .containsExactly("route.fallback.rollback", "slo.breach.kill-switch/rejection_rate");

        // The rejection rate recovers too: the route stays disabled until an operator re-enables it.
        feed(verifier, T0, sloResume("ctl-reject-ok", "rejection_rate", NASDAQ_OUCH, T0.minusSeconds(30)));
        assertThat(verifier.mayTrade(OUCH_ORDER, T0).reason())
                .isEqualTo("ROLLBACK route.fallback.rollback ctl-rollback");
        assertThat(verifier.operatorResume(NASDAQ_OUCH, "route.fallback.rollback", "ops-alice", T0))
                .hasSize(1);
        assertThat(verifier.mayTrade(OUCH_ORDER, T0)).isEqualTo(new ControlVerifier.Decision(true, "OK"));
    }

    /** The same with both kills of one SLO: the resume lifts that SLO's halt; the rollback still halts. */
    @Test
    void anSloResumeAfterTwoKillsOfTheSameSloLeavesTheRollback() {
        byte[] hb = heartbeat(T0);
        verifier.accept(hb, signed(hb), T0);
        feed(
                verifier,
                T0,
                routeRollback("ctl-rollback", "nasdaq-ouch", T0.minusSeconds(600)),
                sloKill("ctl-latency-1", "LATENCY_P95_BREACHED", "latency_p95_ms", NASDAQ_OUCH, T0.minusSeconds(300)),
                sloKill("ctl-latency-2", "LATENCY_P95_BREACHED", "latency_p95_ms", NASDAQ_OUCH, T0.minusSeconds(240)),
                sloResume("ctl-latency-ok", "latency_p95_ms", NASDAQ_OUCH, T0.minusSeconds(60)));
        assertThat(verifier.mayTrade(OUCH_ORDER, T0).reason())
                .isEqualTo("ROLLBACK route.fallback.rollback ctl-rollback");
    }

    @Test
    void aResumeLiftsOnlyWhatItsRuleSetOnItsScope() {
        byte[] hb = heartbeat(T0);
        verifier.accept(hb, signed(hb), T0);
        feed(
                verifier,
                T0,
                sloKill("ctl-stale", "QUOTE_STALE", "quote_freshness_ms", KRAKEN_ETH, T0.minusSeconds(300)),
                control(
                        "ctl-other",
                        ControlKind.KILL_SWITCH,
                        "signal.lag.halt-lanes",
                        "SIGNAL_LAG_BREACHED",
                        KRAKEN_ETH,
                        T0.minusSeconds(290),
                        null,
                        null),
                // an org-level drawdown kill covers the order from a parent scope
                control(
                        "ctl-dd",
                        ControlKind.KILL_SWITCH,
                        "pnl.drawdown.kill-switch",
                        "DRAWDOWN_LIMIT_BREACHED",
                        Scope.newBuilder().setOrg("acme").build(),
                        T0.minusSeconds(280),
                        null,
                        null));
        assertThat(rulesOf(verifier.haltsOn(KRAKEN_ETH)))
                .containsExactly("signal.lag.halt-lanes", "slo.breach.kill-switch/quote_freshness");

        // Resumes that must lift nothing: a rule that resumes nothing; an SLO resume of another SLO, of another scope
        // (a parent scope included), without an SLO it can tell, or decided before the halt.
        feed(
                verifier,
                T0,
                control(
                        "ctl-r1",
                        ControlKind.RESUME,
                        "pnl.drawdown.kill-switch",
                        "OPERATOR",
                        KRAKEN_ETH,
                        T0.minusSeconds(200),
                        null,
                        null),
                sloResume("ctl-r2", "latency_p95_ms", KRAKEN_ETH, T0.minusSeconds(200)),
                sloResume(
                        "ctl-r3",
                        "quote_freshness_ms",
                        Scope.newBuilder().setVenue("kraken").build(),
                        T0.minusSeconds(200)),
                sloResume("ctl-r4", null, KRAKEN_ETH, T0.minusSeconds(200)));
        assertThat(verifier.halts()).hasSize(3);
        ControlVerifier fresh = new ControlVerifier(List.of(SIGNER), Duration.ofSeconds(5));
        feed(
                fresh,
                T0,
                sloResume("ctl-early-resume", "quote_freshness_ms", KRAKEN_ETH, T0.minusSeconds(400)),
                sloKill("ctl-stale", "QUOTE_STALE", "quote_freshness_ms", KRAKEN_ETH, T0.minusSeconds(300)));
        assertThat(fresh.halts()).hasSize(1);

        // The resume of the stale quotes lifts that halt only; the lane kill and the org's drawdown kill stay.
        feed(verifier, T0, sloResume("ctl-fresh", "quote_freshness_ms", KRAKEN_ETH, T0.minusSeconds(100)));
        assertThat(rulesOf(verifier.haltsOn(KRAKEN_ETH))).containsExactly("signal.lag.halt-lanes");
        assertThat(verifier.mayTrade(KRAKEN_ETH_ORDER, T0).reason())
                .isEqualTo("KILL_SWITCH pnl.drawdown.kill-switch ctl-dd; KILL_SWITCH signal.lag.halt-lanes ctl-other");
    }

    static byte[] operatorResume(String id, Scope scope, String lifts, Instant decided) {
        ControlEvent c = ControlEvent.newBuilder()
                .setControlId(id)
                .setKind(ControlKind.RESUME)
                .setAction(ControlAction.RESUME_TRADING)
                .setScope(scope)
                .setRuleId("operator.resume")
                .setReasonCode("OPERATOR_RESUME")
                .setLiftsRuleId(lifts)
                .setDecidedAt(ts(decided))
                .build();
        return Envelope.newBuilder()
                .setEventId(id)
                .setSource("riskplane")
                .setControl(c)
                .build()
                .toByteArray();
    }

    @Test
    void anOperatorsResumeThroughThePlaneLiftsItsRuleOrAllOnExactlyItsScope() {
        byte[] hb = heartbeat(T0);
        verifier.accept(hb, signed(hb), T0);
        Scope momo = Scope.newBuilder().setOrg("acme").setStrategy("momo").build();
        Scope acme = Scope.newBuilder().setOrg("acme").build();
        feed(
                verifier,
                T0,
                control(
                        "ctl-dd",
                        ControlKind.KILL_SWITCH,
                        "pnl.drawdown.kill-switch",
                        "DRAWDOWN_LIMIT_BREACHED",
                        momo,
                        T0.minusSeconds(300),
                        null,
                        null),
                control(
                        "ctl-op",
                        ControlKind.KILL_SWITCH,
                        "operator.halt",
                        "OPERATOR_HALT",
                        momo,
                        T0.minusSeconds(290),
                        null,
                        null),
                control(
                        "ctl-lag",
                        ControlKind.KILL_SWITCH,
                        "signal.lag.halt-lanes",
                        "SIGNAL_LAG_BREACHED",
                        momo,
                        T0.minusSeconds(280),
                        null,
                        null),
                control(
                        "ctl-org",
                        ControlKind.KILL_SWITCH,
                        "pnl.drawdown.kill-switch",
                        "DRAWDOWN_LIMIT_BREACHED",
                        acme,
                        T0.minusSeconds(270),
                        null,
                        null));
        // Decided before the halts: lifts nothing. Then the drawdown halt of the strategy only.
        feed(
                verifier,
                T0,
                operatorResume("ctl-r0", momo, "*", T0.minusSeconds(400)),
                operatorResume("ctl-r1", momo, "pnl.drawdown.kill-switch", T0.minusSeconds(200)));
        assertThat(rulesOf(verifier.haltsOn(momo))).containsExactly("operator.halt", "signal.lag.halt-lanes");
        // "*": every rule on the strategy, the org's halt stays (a parent scope is another scope).
        feed(verifier, T0, operatorResume("ctl-r2", momo, "*", T0.minusSeconds(100)));
        assertThat(verifier.haltsOn(momo)).isEmpty();
        assertThat(rulesOf(verifier.haltsOn(acme))).containsExactly("pnl.drawdown.kill-switch");
    }

    @Test
    void aDrawdownRecoveryLiftsTheDrawdownHaltOfItsScopeOnly() {
        byte[] hb = heartbeat(T0);
        verifier.accept(hb, signed(hb), T0);
        Scope momo = Scope.newBuilder().setOrg("acme").setStrategy("momo").build();
        Scope acme = Scope.newBuilder().setOrg("acme").build();
        feed(
                verifier,
                T0,
                control(
                        "ctl-dd-momo",
                        ControlKind.KILL_SWITCH,
                        "pnl.drawdown.kill-switch",
                        "DRAWDOWN_LIMIT_BREACHED",
                        momo,
                        T0.minusSeconds(300),
                        null,
                        null),
                control(
                        "ctl-dd-acme",
                        ControlKind.KILL_SWITCH,
                        "pnl.drawdown.kill-switch",
                        "DRAWDOWN_LIMIT_BREACHED",
                        acme,
                        T0.minusSeconds(290),
                        null,
                        null),
                control(
                        "ctl-lag",
                        ControlKind.KILL_SWITCH,
                        "signal.lag.halt-lanes",
                        "SIGNAL_LAG_BREACHED",
                        momo,
                        T0.minusSeconds(280),
                        null,
                        null));
        // A recovery decided before the halt lifts nothing; then the strategy's recovery lifts its drawdown halt
        // only: the org's drawdown halt and the other rule's halt on the strategy stay.
        feed(
                verifier,
                T0,
                control(
                        "ctl-rec-early",
                        ControlKind.RESUME,
                        "pnl.recovery.resume",
                        "DRAWDOWN_RECOVERED",
                        momo,
                        T0.minusSeconds(310),
                        null,
                        null));
        assertThat(verifier.halts()).hasSize(3);
        feed(
                verifier,
                T0,
                control(
                        "ctl-rec",
                        ControlKind.RESUME,
                        "pnl.recovery.resume",
                        "DRAWDOWN_RECOVERED",
                        momo,
                        T0.minusSeconds(100),
                        null,
                        null));
        assertThat(rulesOf(verifier.haltsOn(momo))).containsExactly("signal.lag.halt-lanes");
        assertThat(rulesOf(verifier.haltsOn(acme))).containsExactly("pnl.drawdown.kill-switch");
    }

    @Test
    void anOperatorLiftsTheHaltsOfOneRuleOrAllOnExactlyItsScope() {
        byte[] hb = heartbeat(T0);
        verifier.accept(hb, signed(hb), T0);
        Scope acme = Scope.newBuilder().setOrg("acme").build();
        feed(
                verifier,
                T0,
                control(
                        "ctl-dd-org",
                        ControlKind.KILL_SWITCH,
                        "pnl.drawdown.kill-switch",
                        "DAILY_LOSS_LIMIT_BREACHED",
                        acme,
                        T0.minusSeconds(100),
                        null,
                        null),
                control(
                        "ctl-cool-org",
                        ControlKind.COOLDOWN,
                        "guardrail.trip.cooldown",
                        "GUARDRAIL_ORDER_RATE",
                        acme,
                        T0.minusSeconds(90),
                        T0.plusSeconds(600),
                        null),
                control(
                        "ctl-dd-momo",
                        ControlKind.KILL_SWITCH,
                        "pnl.drawdown.kill-switch",
                        "DRAWDOWN_LIMIT_BREACHED",
                        ACME_MOMO,
                        T0.minusSeconds(80),
                        null,
                        null));

        assertThatThrownBy(() -> verifier.operatorResume(acme, ControlVerifier.ALL_RULES, " ", T0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> verifier.operatorResume(acme, "", "ops-bob", T0))
                .isInstanceOf(IllegalArgumentException.class);
        List<ControlVerifier.OperatorLift> lifted =
                verifier.operatorResume(acme, "pnl.drawdown.kill-switch", "ops-bob", T0);
        assertThat(lifted)
                .extracting(
                        l -> l.halt().controlId(),
                        ControlVerifier.OperatorLift::operatorId,
                        ControlVerifier.OperatorLift::at)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ctl-dd-org", "ops-bob", T0));
        assertThat(verifier.halts()).hasSize(2);
        assertThat(verifier.mayTrade(ACME_MOMO_BTC, T0).reason()).contains("ctl-cool-org", "ctl-dd-momo");

        assertThat(verifier.operatorResume(acme, ControlVerifier.ALL_RULES, "ops-bob", T0))
                .hasSize(1);
        // The strategy's own kill is on another scope: lifting the org leaves it.
        assertThat(verifier.mayTrade(ACME_MOMO_BTC, T0).reason())
                .isEqualTo("KILL_SWITCH pnl.drawdown.kill-switch ctl-dd-momo");
        assertThat(verifier.mayTrade(
                                ACME_MOMO_BTC.toBuilder().setStrategy("pairs").build(), T0)
                        .allowed())
                .isTrue();
        // A replay of the lifted kill does not bring it back.
        byte[] again = control(
                "ctl-dd-org",
                ControlKind.KILL_SWITCH,
                "pnl.drawdown.kill-switch",
                "DAILY_LOSS_LIMIT_BREACHED",
                acme,
                T0.minusSeconds(100),
                null,
                null);
        assertThat(verifier.accept(again, signed(again), T0)).isEqualTo(Verdict.REPLAYED);
    }

    /** Decisions of one SLO on nasdaq-ouch: kill, resume, kill again. */
    static final byte[] KILL_1 =
            sloKill("ctl-k1", "LATENCY_P95_BREACHED", "latency_p95_ms", NASDAQ_OUCH, T0.minusSeconds(400));

    static final byte[] RESUME_1 = sloResume("ctl-r1", "latency_p95_ms", NASDAQ_OUCH, T0.minusSeconds(300));
    static final byte[] KILL_2 =
            sloKill("ctl-k2", "LATENCY_P95_BREACHED", "latency_p95_ms", NASDAQ_OUCH, T0.minusSeconds(200));

    @Test
    void aRestoredSnapshotRejectsAnOldResume(@TempDir Path dir) throws Exception {
        feed(verifier, T0, KILL_1, RESUME_1, KILL_2);
        Scope acme = Scope.newBuilder().setOrg("acme").build();
        feed(
                verifier,
                T0,
                control(
                        "ctl-dd",
                        ControlKind.KILL_SWITCH,
                        "pnl.drawdown.kill-switch",
                        "DRAWDOWN_LIMIT_BREACHED",
                        acme,
                        T0.minusSeconds(100),
                        null,
                        null));
        verifier.operatorResume(acme, ControlVerifier.ALL_RULES, "ops-carol", T0);
        Path file = dir.resolve("verifier.state");
        verifier.snapshotTo(file);
        assertThat(Files.size(file)).isLessThan(1024);

        // The restarted verifier: its state from the file; the attacker replays the signed RESUME_1.
        ControlVerifier restarted = new ControlVerifier(List.of(SIGNER), Duration.ofSeconds(5));
        restarted.restoreFrom(file);
        assertThat(restarted.accept(RESUME_1, signed(RESUME_1), T0)).isEqualTo(Verdict.REPLAYED);
        byte[] hb = heartbeat(T0);
        assertThat(restarted.accept(hb, signed(hb), T0)).isEqualTo(Verdict.ACCEPTED);
        assertThat(restarted.mayTrade(OUCH_ORDER, T0).reason())
                .isEqualTo("KILL_SWITCH slo.breach.kill-switch/latency_p95 ctl-k2");
        // Reading the topics again from the start changes nothing, and the operator's lift holds.
        for (byte[] r : List.of(KILL_1, RESUME_1, KILL_2)) {
            assertThat(restarted.accept(r, signed(r), T0)).isEqualTo(Verdict.REPLAYED);
        }
        assertThat(restarted.mayTrade(ACME_MOMO_BTC, T0).allowed()).isTrue();
        assertThat(restarted.halts().keySet()).containsExactly("||||nasdaq-ouch|#slo.breach.kill-switch/latency_p95");

        // A verifier restarted without the snapshot would have obeyed the replayed RESUME: the state is what stops it.
        ControlVerifier amnesiac = new ControlVerifier(List.of(SIGNER), Duration.ofSeconds(5));
        feed(amnesiac, T0, KILL_2);
        assertThat(amnesiac.accept(RESUME_1, signed(RESUME_1), T0)).isEqualTo(Verdict.ACCEPTED);

        // A damaged snapshot is refused and leaves the state as it was.
        byte[] bytes = verifier.snapshot();
        bytes[bytes.length / 2] ^= 1;
        byte[] broken = bytes;
        assertThatThrownBy(() -> restarted.restore(broken)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> restarted.restore(Arrays.copyOf(broken, 10)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(restarted.halts()).hasSize(1);
    }

    /**
     * A verifier that restarts with nothing and reads the control and early control topics from the start ends in the
     * state of the one that read them live, and rejects a signed RESUME replayed after them, although the RESUME is
     * older than the last one of its scope and rule: no set of applied ids is needed for that.
     */
    @Test
    void aVerifierRebuiltFromTheTopicsEndsInTheSameStateAndRejectsAnOldResume() {
        Scope pmArb = Scope.newBuilder().setOrg("globex").setStrategy("pm-arb").build();
        Instant tripAt = T0.minusSeconds(40);
        byte[] early = control(
                "ctl-early",
                ControlKind.COOLDOWN,
                "guardrail.order-rate.early",
                "GUARDRAIL_ORDER_RATE_EARLY",
                pmArb,
                tripAt,
                tripAt.plusSeconds(30),
                null);
        byte[] confirmed = control(
                "ctl-confirmed",
                ControlKind.COOLDOWN,
                "guardrail.trip.cooldown",
                "GUARDRAIL_ORDER_RATE",
                pmArb,
                tripAt,
                tripAt.plusSeconds(60),
                null);
        byte[] lateEarly = control(
                "ctl-early-other-partition",
                ControlKind.COOLDOWN,
                "guardrail.order-rate.early",
                "GUARDRAIL_ORDER_RATE_EARLY",
                pmArb,
                tripAt.minusSeconds(1),
                tripAt.plusSeconds(29),
                null);
        byte[] resume2 = sloResume("ctl-r2", "latency_p95_ms", NASDAQ_OUCH, T0.minusSeconds(100));
        byte[] kill3 = sloKill("ctl-k3", "LATENCY_P95_BREACHED", "latency_p95_ms", NASDAQ_OUCH, T0.minusSeconds(50));
        byte[] hb = heartbeat(T0);
        // The topics as read: the early copy arrives twice (at least once), before and after the confirmed one.
        List<byte[]> history =
                List.of(KILL_1, RESUME_1, early, KILL_2, confirmed, early, resume2, lateEarly, kill3, hb);
        List<Verdict> expected = List.of(
                Verdict.ACCEPTED,
                Verdict.ACCEPTED,
                Verdict.ACCEPTED,
                Verdict.ACCEPTED,
                Verdict.ACCEPTED,
                Verdict.REPLAYED,
                Verdict.ACCEPTED,
                Verdict.REPLAYED,
                Verdict.ACCEPTED,
                Verdict.ACCEPTED);

        ControlVerifier live = new ControlVerifier(List.of(SIGNER), Duration.ofSeconds(5));
        ControlVerifier rebuilt = new ControlVerifier(List.of(SIGNER), Duration.ofSeconds(5));
        for (ControlVerifier v : List.of(live, rebuilt)) {
            for (int i = 0; i < history.size(); i++) {
                byte[] r = history.get(i);
                assertThat(v.accept(r, signed(r), T0)).as("record %d", i).isEqualTo(expected.get(i));
            }
        }
        assertThat(rebuilt.accept(RESUME_1, signed(RESUME_1), T0)).isEqualTo(Verdict.REPLAYED);
        assertThat(rebuilt.accept(resume2, signed(resume2), T0)).isEqualTo(Verdict.REPLAYED);
        assertThat(rebuilt.halts()).isEqualTo(live.halts());
        assertThat(rebuilt.snapshot()).isEqualTo(live.snapshot());
        assertThat(rebuilt.halts().values())
                .extracting(ControlVerifier.Halt::controlId)
                .containsExactlyInAnyOrder("ctl-k3", "ctl-early", "ctl-confirmed");
        assertThat(rebuilt.mayTrade(OUCH_ORDER, T0).reason()).contains("ctl-k3");
        // Both cooldowns halt; the confirmed one outlasts the early one.
        Scope pmArbOrder = pmArb.toBuilder().setInstrument("EQ:AAPL").build();
        assertThat(rebuilt.mayTrade(pmArbOrder, tripAt.plusSeconds(29)).reason())
                .contains("ctl-early", "ctl-confirmed");
        assertThat(rebuilt.mayTrade(pmArbOrder, tripAt.plusSeconds(30)).reason())
                .isEqualTo("COOLDOWN guardrail.trip.cooldown ctl-confirmed until " + tripAt.plusSeconds(60));
    }

    @Test
    void theDefaultSetUpFailsClosedOnAFrozenWatermark() {
        ControlVerifier v = new ControlVerifier(List.of(SIGNER), Duration.ofSeconds(5)); // as docs/security.md shows
        ControlVerifier replayOnly = ControlVerifier.withoutWatermarkLagCheck(List.of(SIGNER), Duration.ofSeconds(5));
        Instant frozen = T0.minusSeconds(2);
        for (int s = 0; s <= 61; s++) { // the heartbeat keeps coming every second; the watermark does not move
            byte[] hb = heartbeat(T0.plusSeconds(s), frozen);
            assertThat(v.accept(hb, signed(hb), T0.plusSeconds(s))).isEqualTo(Verdict.ACCEPTED);
            replayOnly.accept(hb, signed(hb), T0.plusSeconds(s));
        }
        assertThat(ControlVerifier.DEFAULT_MAX_WATERMARK_LAG).isEqualTo(Duration.ofSeconds(60));
        assertThat(v.mayTrade(ACME_MOMO_BTC, frozen.plusSeconds(60)).allowed()).isTrue();
        assertThat(v.mayTrade(ACME_MOMO_BTC, T0.plusSeconds(61)).reason())
                .isEqualTo("PLANE_EVENT_TIME_STALLED: watermark " + frozen);
        assertThat(replayOnly.mayTrade(ACME_MOMO_BTC, T0.plusSeconds(61)).allowed())
                .isTrue();

        // A heartbeat without a watermark (the plane has none yet) does not allow trading either.
        byte[] none = heartbeat(T0.plusSeconds(62), null);
        v.accept(none, signed(none), T0.plusSeconds(62));
        assertThat(v.mayTrade(ACME_MOMO_BTC, T0.plusSeconds(62)).reason())
                .isEqualTo("PLANE_EVENT_TIME_STALLED: no watermark yet");

        // The check cannot be switched off by passing nothing.
        assertThatThrownBy(() -> new ControlVerifier(List.of(SIGNER), Duration.ofSeconds(5), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ControlVerifier(List.of(SIGNER), Duration.ofSeconds(5), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        ControlVerifier strict = new ControlVerifier(List.of(SIGNER), Duration.ofSeconds(5), Duration.ofSeconds(5));
        byte[] hb = heartbeat(T0, frozen);
        strict.accept(hb, signed(hb), T0);
        assertThat(strict.mayTrade(ACME_MOMO_BTC, frozen.plusSeconds(5)).allowed())
                .isTrue();
        assertThat(strict.mayTrade(ACME_MOMO_BTC, frozen.plusSeconds(6)).reason())
                .startsWith("PLANE_EVENT_TIME_STALLED");
    }

    @Test
    void refusesShortKeys() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ControlSigner("k", new byte[16]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** A scope's state as the plane's halt ledger publishes it on riskplane.v1.halt-state. */
    static byte[] haltState(Scope scope, Instant updated, String controlId, io.riskplane.v1.HaltEntry... halts) {
        return Envelope.newBuilder()
                .setEventId("hst-" + controlId)
                .setSource("riskplane")
                .setEventTime(ts(updated))
                .setHaltState(io.riskplane.v1.HaltState.newBuilder()
                        .setScope(scope)
                        .setControlId(controlId)
                        .setUpdatedAt(ts(updated))
                        .addAllHalts(List.of(halts))
                        .setStatus(
                                halts.length == 0
                                        ? io.riskplane.v1.HaltStatus.HALT_STATUS_ACTIVE
                                        : io.riskplane.v1.HaltStatus.HALT_STATUS_HALTED))
                .build()
                .toByteArray();
    }

    static io.riskplane.v1.HaltEntry entry(String controlId, String ruleId, Instant decided) {
        return io.riskplane.v1.HaltEntry.newBuilder()
                .setRuleId(ruleId)
                .setKind(ControlKind.KILL_SWITCH)
                .setEpisodeId(controlId)
                .setSince(ts(decided))
                .setControlId(controlId)
                .setDecidedAt(ts(decided))
                .build();
    }

    /**
     * A starting verifier learns what is halted from the halt-state topic alone, then follows the control topic from
     * a little earlier: what the state covers is REPLAYED (an old kill lifted since must not halt again), what
     * follows applies.
     */
    @Test
    void aStartingVerifierBootstrapsFromTheHaltStateThenFollowsTheControlTopic() {
        ControlVerifier v = ControlVerifier.withoutWatermarkLagCheck(List.of(SIGNER), Duration.ofSeconds(5));
        Instant now = T0;
        feed(v, now, heartbeat(now));
        byte[] oldKill = routeRollback("ctl-old", "kraken-rest", T0.minusSeconds(600));
        byte[] oldResume = operatorResume(
                "ctl-old-resume", Scope.newBuilder().setAdapter("kraken-rest").build(), "*", T0.minusSeconds(500));
        byte[] sloKill = sloKill("ctl-k1", "LATENCY_P95_BREACHED", "latency_p95_ms", NASDAQ_OUCH, T0.minusSeconds(300));
        // The state of both scopes: kraken-rest lifted (ACTIVE), nasdaq-ouch halted by ctl-k1.
        byte[] active =
                haltState(Scope.newBuilder().setAdapter("kraken-rest").build(), T0.minusSeconds(500), "ctl-old-resume");
        byte[] halted = haltState(
                NASDAQ_OUCH,
                T0.minusSeconds(300),
                "ctl-k1",
                entry("ctl-k1", "slo.breach.kill-switch", T0.minusSeconds(300)).toBuilder()
                        .setSubject("latency_p95")
                        .build());
        feed(v, now, active, halted);
        assertThat(v.mayTrade(OUCH_ORDER, now).reason())
                .contains("slo.breach.kill-switch/latency_p95")
                .contains("ctl-k1");
        // The control topic from a little before the states: all of it is covered, nothing changes.
        for (byte[] r : List.of(oldKill, oldResume, sloKill)) {
            assertThat(v.accept(r, signed(r), now)).isEqualTo(Verdict.REPLAYED);
        }
        Scope krakenOrder = Scope.newBuilder()
                .setOrg("acme")
                .setStrategy("mm")
                .setAdapter("kraken-rest")
                .build();
        assertThat(v.mayTrade(krakenOrder, now).allowed()).isTrue();
        // What follows the state applies: the SLO's resume lifts the halt the state named.
        feed(v, now, sloResume("ctl-r1", "latency_p95_ms", NASDAQ_OUCH, T0.minusSeconds(60)));
        assertThat(v.mayTrade(OUCH_ORDER, now).allowed()).isTrue();
        // The same state read again, or an older one, is REPLAYED; so is a state behind a control already applied.
        assertThat(v.accept(halted, signed(halted), now)).isEqualTo(Verdict.REPLAYED);
        assertThat(v.mayTrade(OUCH_ORDER, now).allowed()).isTrue();
        // The floors survive a restart.
        ControlVerifier restored = ControlVerifier.withoutWatermarkLagCheck(List.of(SIGNER), Duration.ofSeconds(5));
        restored.restore(v.snapshot());
        assertThat(restored.accept(oldKill, signed(oldKill), now)).isEqualTo(Verdict.REPLAYED);
        // Unsigned or forged states are refused like any control record.
        byte[] forged = haltState(
                Scope.newBuilder().setAdapter("kraken-rest").build(),
                T0,
                "ctl-x",
                entry("ctl-x", "route.fallback.rollback", T0));
        assertThat(v.accept(forged, Map.of(), now)).isEqualTo(Verdict.UNSIGNED);
    }

    @Test
    void aHaltStateBehindAControlAlreadyAppliedIsStale() {
        ControlVerifier v = ControlVerifier.withoutWatermarkLagCheck(List.of(SIGNER), Duration.ofSeconds(5));
        feed(v, T0, heartbeat(T0), sloKill("ctl-k2", "LATENCY_P95_BREACHED", "latency_p95_ms", NASDAQ_OUCH, T0));
        byte[] older = haltState(NASDAQ_OUCH, T0.minusSeconds(10), "ctl-r0");
        assertThat(v.accept(older, signed(older), T0)).isEqualTo(Verdict.REPLAYED);
        assertThat(v.mayTrade(OUCH_ORDER, T0).allowed()).isFalse();
    }

    /**
     * A halt state dated far after the wall clock (a plane whose event time ran ahead) is refused: its floor would
     * make the verifier refuse the scope's new kill-switches as replays until then.
     */
    @Test
    void aHaltStateFarAheadOfTheClockIsRefusedAndLaterKillsStillHalt() {
        ControlVerifier v = ControlVerifier.withoutWatermarkLagCheck(List.of(SIGNER), Duration.ofSeconds(5));
        feed(v, T0, heartbeat(T0));
        byte[] ahead = haltState(NASDAQ_OUCH, T0.plus(Duration.ofDays(365)), "ctl-r9");
        assertThat(v.accept(ahead, signed(ahead), T0)).isEqualTo(Verdict.AHEAD_OF_THE_CLOCK);
        byte[] nearlyNow = haltState(KRAKEN_ETH, T0.plus(ControlVerifier.MAX_STATE_AHEAD), "ctl-r8");
        assertThat(v.accept(nearlyNow, signed(nearlyNow), T0)).isEqualTo(Verdict.ACCEPTED);
        feed(v, T0, sloKill("ctl-k3", "LATENCY_P95_BREACHED", "latency_p95_ms", NASDAQ_OUCH, T0.plusSeconds(1)));
        assertThat(v.mayTrade(OUCH_ORDER, T0.plusSeconds(2)).allowed()).isFalse();
    }
}
