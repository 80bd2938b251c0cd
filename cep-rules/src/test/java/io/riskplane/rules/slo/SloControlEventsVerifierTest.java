package io.riskplane.rules.slo;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.ControlRecord;
import io.riskplane.model.SloEvaluation;
import io.riskplane.model.SloMeasurement;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Heartbeat;
import io.riskplane.v1.Scope;
import io.riskplane.verify.ControlSigner;
import io.riskplane.verify.ControlVerifier;
import io.riskplane.verify.ControlVerifier.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contract between the SLO rules and the execution side's ControlVerifier: a resume as SloControlEvents writes
 * it (reason SLO_RECOVERED) lifts the halt of its own SLO on its scope, told by the SLO threshold in its evidence,
 * and no other halt.
 */
class SloControlEventsVerifierTest {
    static final ControlSigner SIGNER =
            new ControlSigner("k1", "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    static final long T = Instant.parse("2026-11-20T15:23:00Z").toEpochMilli();

    static ControlRecord event(String slo, String thresholdName, long at, boolean resume) {
        SloMeasurement m = new SloMeasurement(
                "m-" + slo + "-" + at,
                slo,
                SloMeasurement.ADAPTER,
                "",
                "",
                "nasdaq-ouch",
                at,
                at - 300_000,
                0.5,
                40,
                Map.of(),
                new String[0]);
        return SloControlEvents.of(new SloEvaluation(
                "e-" + slo + "-" + at,
                m,
                resume ? SloEvaluation.HEALTHY : SloEvaluation.BREACH,
                thresholdName,
                0.1,
                resume ? 0 : 3,
                resume ? 5 : 0,
                !resume,
                !resume,
                resume,
                "ouch-slo",
                1,
                3,
                5,
                true,
                Map.of(),
                new String[0],
                io.riskplane.eventtime.StoreOnChange.STATUS_CHANGE));
    }

    static Verdict feed(ControlVerifier v, byte[] value, Instant now) {
        return v.accept(
                value,
                Map.of(
                        ControlSigner.SIGNATURE_HEADER,
                        SIGNER.signatureHeader(value),
                        ControlSigner.KEY_ID_HEADER,
                        "k1".getBytes(StandardCharsets.UTF_8)),
                now);
    }

    @Test
    void theVerifierNamesTheSloRules() {
        assertThat(ControlVerifier.SLO_HALT_RULE).isEqualTo(SloRule.HALT_RULE_ID);
        assertThat(ControlVerifier.SLO_RESUME_RULE).isEqualTo(SloRule.RESUME_RULE_ID);
    }

    @Test
    void aResumeOfOneSloLeavesTheOtherSlosHalt() {
        Instant now = Instant.ofEpochMilli(T + 600_000);
        ControlVerifier v = new ControlVerifier(List.of(SIGNER), Duration.ofSeconds(5));
        byte[] hb = Envelope.newBuilder()
                .setEventId("hb")
                .setSource("riskplane")
                .setEventTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(now.getEpochSecond()))
                .setHeartbeat(Heartbeat.newBuilder()
                        .setPlaneId("p")
                        .setWatermark(com.google.protobuf.Timestamp.newBuilder().setSeconds(now.getEpochSecond() - 2)))
                .build()
                .toByteArray();
        assertThat(feed(v, hb, now)).isEqualTo(Verdict.ACCEPTED);
        for (ControlRecord r : List.of(
                event(SloMeasurement.LATENCY_P95, SloJudge.LATENCY_P95_MS, T, false),
                event(SloMeasurement.REJECTION_RATE, SloJudge.REJECTION_RATE, T + 60_000, false),
                event(SloMeasurement.LATENCY_P95, SloJudge.LATENCY_P95_MS, T + 300_000, true))) {
            assertThat(feed(v, r.envelope(), now)).isEqualTo(Verdict.ACCEPTED);
        }
        Scope ouch = Scope.newBuilder().setAdapter("nasdaq-ouch").build();
        assertThat(v.haltsOn(ouch))
                .extracting(ControlVerifier.Halt::ruleId, ControlVerifier.Halt::subject)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(SloRule.HALT_RULE_ID, SloMeasurement.REJECTION_RATE));
        // And the rejection rate's own resume lifts it.
        ControlRecord rejectionOk = event(SloMeasurement.REJECTION_RATE, SloJudge.REJECTION_RATE, T + 360_000, true);
        assertThat(feed(v, rejectionOk.envelope(), now)).isEqualTo(Verdict.ACCEPTED);
        assertThat(v.mayTrade(ouch.toBuilder().setOrg("globex").build(), now).allowed())
                .isTrue();
    }
}
