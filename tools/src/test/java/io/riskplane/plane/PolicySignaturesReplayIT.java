package io.riskplane.plane;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.EnvelopeJson;
import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.demo.TradingSession;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.outputs.PlaneOutputs;
import io.riskplane.replay.Replay;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.Envelope;
import io.riskplane.verify.ControlSigner;
import io.riskplane.verify.SignedPayloads;
import io.riskplane.verify.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Risk-desk-signed policies through the whole job graph (issue 16): the demo session with its policies signed and two
 * attempts to loosen the incident strategy's drawdown limit slipped in (an unsigned new version, and a forged one).
 * Required, both are dead-lettered and the plane decides exactly what it decides on the plain session; not required,
 * the forged one is still refused but the unsigned one applies, and the drawdown kill-switch does not fire.
 */
class PolicySignaturesReplayIT {
    static final byte[] DESK_KEY = "risk-desk-key-risk-desk-key-1-32".getBytes(StandardCharsets.US_ASCII);
    static final ControlSigner DESK = new ControlSigner("risk-desk", DESK_KEY);
    static final ControlSigner MALLORY =
            new ControlSigner("risk-desk", "mallory-key-mallory-key-mallory!".getBytes(StandardCharsets.US_ASCII));

    @TempDir
    Path dir;

    @Test
    void aPolicyWithoutTheDesksSignatureIsNeverApplied() throws Exception {
        List<TradingSession.Item> items = TradingSession.demo().generate();
        Path plain = dir.resolve("plain.jsonl");
        TradingSession.export(items, plain);

        List<TradingSession.Item> signed = new ArrayList<>();
        for (TradingSession.Item i : items) {
            if (i.envelope() != null && i.envelope().hasRiskPolicy()) {
                Envelope e = SignedPayloads.RISK_POLICY.signAs(i.envelope(), DESK);
                signed.add(new TradingSession.Item(i.topic(), i.eventTimeMillis(), e.toByteArray(), null, e));
                if (e.getRiskPolicy().getPolicyId().equals("acme-momentum-btc")) {
                    signed.add(loosened(e, "pol-loosened-unsigned", 2, null));
                    signed.add(loosened(e, "pol-loosened-forged", 3, MALLORY));
                }
            } else {
                signed.add(i);
            }
        }
        Path input = dir.resolve("signed.jsonl");
        TradingSession.export(signed, input);
        Path keyFile = dir.resolve("risk-desk.key");
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(DESK_KEY));
        List<SigningKey> keys = List.of(new SigningKey("risk-desk", null, keyFile.toString()));

        Path expected = dir.resolve("plain");
        Replay.run(plain, expected, 1, PlaneOptions.replay());
        Path required = dir.resolve("required");
        Replay.run(input, required, 1, PlaneOptions.replay().withPolicyKeys(keys, true));
        Path optional = dir.resolve("optional");
        Replay.run(input, optional, 1, PlaneOptions.replay().withPolicyKeys(keys, false));

        // Required: the same decisions as without the attempts, which are dead letters with their reasons.
        for (var out : List.of(PlaneOutputs.CONTROL_EVENTS, PlaneOutputs.EARLY_CONTROL_EVENTS)) {
            assertThat(Files.readAllLines(required.resolve(out.replayFile())))
                    .as(out.replayFile())
                    .isNotEmpty()
                    .isEqualTo(Files.readAllLines(expected.resolve(out.replayFile())));
        }
        assertThat(killSwitches(required)).containsExactly("acme/" + TradingSession.INCIDENT_STRATEGY);
        Map<String, String> refused = policyDeadLetters(required);
        assertThat(refused)
                .containsExactly(
                        Map.entry("pol-loosened-forged", DeadLetterReason.BAD_POLICY_SIGNATURE),
                        Map.entry("pol-loosened-unsigned", DeadLetterReason.UNSIGNED_POLICY));
        assertThat(Files.readAllLines(required.resolve(PlaneOutputs.DEAD_LETTERS.replayFile())))
                .hasSize(Files.readAllLines(expected.resolve(PlaneOutputs.DEAD_LETTERS.replayFile()))
                                .size()
                        + 2);

        // Not required: a forged signature is refused all the same, an unsigned policy applies (as before signing).
        assertThat(policyDeadLetters(optional))
                .containsExactly(Map.entry("pol-loosened-forged", DeadLetterReason.BAD_POLICY_SIGNATURE));
        assertThat(killSwitches(optional)).doesNotContain("acme/" + TradingSession.INCIDENT_STRATEGY);
    }

    /** A later version of the incident strategy's policy with the limit out of reach, unsigned or forged. */
    static TradingSession.Item loosened(Envelope original, String eventId, long version, ControlSigner forger) {
        Envelope.Builder b = original.toBuilder()
                .setEventId(eventId)
                .setEventTime(ProtoTime.fromMillis(ProtoTime.toMillis(original.getEventTime()) + 1_000));
        b.getRiskPolicyBuilder()
                .setVersion(version)
                .setMaxDrawdown(1e12)
                .clearSignature()
                .clearSignerId();
        Envelope e = forger == null ? b.build() : SignedPayloads.RISK_POLICY.signAs(b.build(), forger);
        return new TradingSession.Item(Topics.POLICIES, ProtoTime.toMillis(e.getEventTime()), e.toByteArray(), null, e);
    }

    static List<String> killSwitches(Path out) throws Exception {
        List<String> scopes = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve(PlaneOutputs.CONTROL_EVENTS.replayFile()))) {
            ControlEvent c = EnvelopeJson.parse(line).getControl();
            if (c.getRuleId().equals("pnl.drawdown.kill-switch")) {
                scopes.add(c.getScope().getOrg() + "/" + c.getScope().getStrategy());
            }
        }
        return scopes;
    }

    /** Policy dead letters: original event id to reason. */
    static Map<String, String> policyDeadLetters(Path out) throws Exception {
        Map<String, String> refused = new TreeMap<>();
        for (String line : Files.readAllLines(out.resolve(PlaneOutputs.DEAD_LETTERS.replayFile()))) {
            var d = EnvelopeJson.parse(line).getDeadLetter();
            if (d.getReasonCode().contains("POLICY") || d.getReasonCode().equals("CONFLICTING_VERSION")) {
                refused.put(d.getOriginalEventId(), d.getReasonCode());
            }
        }
        return refused;
    }
}
