package io.riskplane.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.riskplane.v1.ControlAction;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Heartbeat;
import io.riskplane.v1.Scope;
import io.riskplane.verify.ControlVerifier.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlVerifierTest {
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final ControlSigner SIGNER = new ControlSigner("k1", KEY);
    static final Instant T0 = Instant.parse("2026-11-20T15:00:00Z");
    static final Scope ACME_MOMO = Scope.newBuilder().setOrg("acme").setStrategy("momentum-btc").build();
    static final Scope ACME_MOMO_BTC = ACME_MOMO.toBuilder().setInstrument("CRYPTO:BTC-USD").setVenue("kraken")
            .setAdapter("kraken-rest").build();

    final ControlVerifier verifier = new ControlVerifier(List.of(SIGNER), Duration.ofSeconds(5));

    static byte[] control(String id, ControlKind kind, Scope scope, Instant expires) {
        ControlEvent.Builder c = ControlEvent.newBuilder().setControlId(id).setKind(kind).setScope(scope)
                .setAction(kind == ControlKind.RESUME ? ControlAction.RESUME_TRADING : ControlAction.HALT_NEW_ENTRIES)
                .setRuleId("test.rule");
        if (expires != null) {
            c.setExpiresAt(ts(expires));
        }
        return Envelope.newBuilder().setEventId(id).setSource("riskplane").setControl(c).build().toByteArray();
    }

    static byte[] heartbeat(Instant emitted) {
        return Envelope.newBuilder().setEventId("hb-" + emitted).setSource("riskplane").setEventTime(ts(emitted))
                .setHeartbeat(Heartbeat.newBuilder().setPlaneId("p").setWatermark(ts(emitted.minusSeconds(1))))
                .build().toByteArray();
    }

    static Timestamp ts(Instant i) {
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    }

    static Map<String, byte[]> signed(byte[] value) {
        return Map.of(ControlSigner.SIGNATURE_HEADER, SIGNER.signatureHeader(value),
                ControlSigner.KEY_ID_HEADER, "k1".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void failsClosedUntilASignedFreshHeartbeatArrives() {
        assertThat(verifier.mayTrade(ACME_MOMO_BTC, T0).reason()).isEqualTo("PLANE_HEARTBEAT_MISSING");
        byte[] hb = heartbeat(T0);
        assertThat(verifier.accept(hb, Map.of(), T0)).isEqualTo(Verdict.UNSIGNED);
        assertThat(verifier.mayTrade(ACME_MOMO_BTC, T0).allowed()).isFalse();
        assertThat(verifier.accept(hb, signed(hb), T0)).isEqualTo(Verdict.ACCEPTED);
        assertThat(verifier.mayTrade(ACME_MOMO_BTC, T0.plusSeconds(5)).allowed()).isTrue();
        // The plane goes quiet: after 5 s without a heartbeat, nothing is allowed.
        assertThat(verifier.mayTrade(ACME_MOMO_BTC, T0.plusSeconds(6)).reason()).startsWith("PLANE_HEARTBEAT_STALE");
        // Re-sending the old heartbeat does not revive it.
        assertThat(verifier.accept(hb, signed(hb), T0.plusSeconds(6))).isEqualTo(Verdict.REPLAYED);
        assertThat(verifier.mayTrade(ACME_MOMO_BTC, T0.plusSeconds(6)).allowed()).isFalse();
    }

    @Test
    void rejectsForgedAlteredAndReplayedControlEvents() {
        byte[] kill = control("ctl-1", ControlKind.KILL_SWITCH, ACME_MOMO, null);
        byte[] altered = Arrays.copyOf(kill, kill.length);
        altered[altered.length - 1] ^= 1;
        assertThat(verifier.accept(altered, signed(kill), T0)).isEqualTo(Verdict.BAD_SIGNATURE);
        ControlSigner other = new ControlSigner("k1", "another key of thirty-two bytes!".getBytes());
        assertThat(verifier.accept(kill, Map.of(ControlSigner.SIGNATURE_HEADER, other.signatureHeader(kill),
                ControlSigner.KEY_ID_HEADER, "k1".getBytes()), T0)).isEqualTo(Verdict.BAD_SIGNATURE);
        assertThat(verifier.accept(kill, Map.of(ControlSigner.SIGNATURE_HEADER, SIGNER.signatureHeader(kill),
                ControlSigner.KEY_ID_HEADER, "k2".getBytes()), T0)).isEqualTo(Verdict.UNKNOWN_KEY);
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
        assertThat(verifier.mayTrade(ACME_MOMO_BTC.toBuilder().setStrategy("pairs").build(), T0).allowed()).isTrue();

        // A cooldown on a route lifts itself at expires_at.
        byte[] cool = control("ctl-2", ControlKind.COOLDOWN, Scope.newBuilder().setAdapter("kraken-rest").build(),
                T0.plusSeconds(3));
        verifier.accept(cool, signed(cool), T0);
        Scope otherStrategy = ACME_MOMO_BTC.toBuilder().setStrategy("pairs").build();
        assertThat(verifier.mayTrade(otherStrategy, T0.plusSeconds(2)).allowed()).isFalse();
        assertThat(verifier.mayTrade(otherStrategy, T0.plusSeconds(3)).allowed()).isTrue();

        // A RESUME of the same scope lifts the halt; an operator can lift one too.
        byte[] resume = control("ctl-3", ControlKind.RESUME, ACME_MOMO, null);
        verifier.accept(resume, signed(resume), T0);
        assertThat(verifier.mayTrade(ACME_MOMO_BTC, T0).reason()).contains("COOLDOWN"); // the route is still cooling
        assertThat(verifier.mayTrade(ACME_MOMO_BTC, T0.plusSeconds(3)).allowed()).isTrue();
        byte[] rollback = control("ctl-4", ControlKind.ROLLBACK, Scope.newBuilder().setLane("lane-pm").build(), null);
        verifier.accept(rollback, signed(rollback), T0);
        Scope laneOrder = Scope.newBuilder().setOrg("globex").setLane("lane-pm").build();
        assertThat(verifier.mayTrade(laneOrder, T0).allowed()).isFalse();
        assertThat(verifier.lift(Scope.newBuilder().setLane("lane-pm").build())).isPresent();
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
        assertThat(verifier.halts().get(ControlVerifier.scopeKey(ACME_MOMO)).until()).isNull();

        // Early 30 s cooldown first, then the confirmed escalated 120 s one, then the early one's second copy.
        Scope pairs = ACME_MOMO.toBuilder().setStrategy("pairs").build();
        byte[] earlyPairs = control("ctl-early-pairs", ControlKind.COOLDOWN, pairs, T0.plusSeconds(30));
        byte[] confirmed = control("ctl-confirmed-pairs", ControlKind.COOLDOWN, pairs, T0.plusSeconds(120));
        byte[] shorter = control("ctl-shorter-pairs", ControlKind.COOLDOWN, pairs, T0.plusSeconds(10));
        verifier.accept(earlyPairs, signed(earlyPairs), T0);
        verifier.accept(confirmed, signed(confirmed), T0);
        assertThat(verifier.accept(earlyPairs, signed(earlyPairs), T0)).isEqualTo(Verdict.REPLAYED);
        verifier.accept(shorter, signed(shorter), T0);
        assertThat(verifier.halts().get(ControlVerifier.scopeKey(pairs)).controlId()).isEqualTo("ctl-confirmed-pairs");
        byte[] later = heartbeat(T0.plusSeconds(119));
        verifier.accept(later, signed(later), T0.plusSeconds(119));
        assertThat(verifier.mayTrade(pairs, T0.plusSeconds(119)).reason()).contains("ctl-confirmed-pairs");
        assertThat(verifier.mayTrade(pairs, T0.plusSeconds(120)).allowed()).isTrue();
    }

    @Test
    void refusesShortKeys() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ControlSigner("k", new byte[16]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
