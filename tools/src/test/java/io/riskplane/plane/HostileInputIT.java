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
import io.riskplane.v1.DeadLetter;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Fill;
import io.riskplane.v1.Quote;
import io.riskplane.v1.RiskPolicy;
import io.riskplane.v1.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile records of the hardening issue, mixed into the demo session, change no control event: the demo session
 * replayed alone and with them (same job graph, on a MiniCluster) gives byte-identical control events, among them
 * the drawdown kill of acme/momentum-btc that two fills with fees of -1e308 used to switch off; and each hostile
 * record is on the dead letters with the reason that names it.
 */
class HostileInputIT {
    @TempDir
    Path dir;

    @Test
    void hostileRecordsChangeNoControlEventAndAreEachDeadLettered() throws Exception {
        List<TradingSession.Item> session = TradingSession.demo().generate();
        long t0 = session.stream()
                .mapToLong(TradingSession.Item::eventTimeMillis)
                .min()
                .orElseThrow();
        Map<String, String> expected = new TreeMap<>(); // hostile event id -> reason
        List<TradingSession.Item> hostile = hostile(session, t0, expected);
        List<TradingSession.Item> mixed = new ArrayList<>(session);
        for (TradingSession.Item h : hostile) { // each at its place in time, after the events of its instant
            int at = 0;
            while (at < mixed.size() && mixed.get(at).eventTimeMillis() <= h.eventTimeMillis()) {
                at++;
            }
            mixed.add(at, h);
        }
        Path clean = dir.resolve("clean.pb");
        Path attacked = dir.resolve("attacked.pb");
        TradingSession.export(session, clean);
        TradingSession.export(mixed, attacked);
        Replay.run(clean, dir.resolve("clean"), 2, PlaneOptions.replay());
        Replay.run(attacked, dir.resolve("attacked"), 2, PlaneOptions.replay());

        List<String> cleanControls =
                Files.readAllLines(dir.resolve("clean").resolve(PlaneOutputs.CONTROL_EVENTS.replayFile()));
        List<String> attackedControls =
                Files.readAllLines(dir.resolve("attacked").resolve(PlaneOutputs.CONTROL_EVENTS.replayFile()));
        List<ControlEvent> controls =
                cleanControls.stream().map(l -> parse(l).getControl()).toList();
        assertThat(controls).anySatisfy(c -> {
            assertThat(c.getRuleId()).isEqualTo("pnl.drawdown.kill-switch");
            assertThat(c.getScope().getStrategy()).isEqualTo(TradingSession.INCIDENT_STRATEGY);
        });
        assertThat(controls).anySatisfy(c -> assertThat(c.getRuleId()).startsWith("guardrail."));
        assertThat(attackedControls).isEqualTo(cleanControls);
        assertThat(Files.readAllLines(dir.resolve("attacked").resolve(PlaneOutputs.EARLY_CONTROL_EVENTS.replayFile())))
                .isEqualTo(Files.readAllLines(
                        dir.resolve("clean").resolve(PlaneOutputs.EARLY_CONTROL_EVENTS.replayFile())));

        Map<String, String> deadLetters =
                Files.readAllLines(dir.resolve("attacked").resolve(PlaneOutputs.DEAD_LETTERS.replayFile())).stream()
                        .map(l -> parse(l).getDeadLetter())
                        .filter(d -> expected.containsKey(d.getOriginalEventId()))
                        .collect(Collectors.toMap(
                                DeadLetter::getOriginalEventId,
                                DeadLetter::getReasonCode,
                                (a, b) -> a + b,
                                TreeMap::new));
        assertThat(deadLetters).isEqualTo(expected);
        // Nothing of the refused records reached the PnL: no PnL bar of the session carries a non-finite number.
        assertThat(Files.readAllLines(dir.resolve("attacked").resolve(PlaneOutputs.PNL_BARS.replayFile())))
                .noneMatch(l -> l.contains("Infinity") || l.contains("NaN"));
    }

    /** The records of the hardening issue, at times inside the session. */
    static List<TradingSession.Item> hostile(List<TradingSession.Item> session, long t0, Map<String, String> expected) {
        Function<String, Envelope> first = topic -> session.stream()
                .filter(i -> i.topic().equals(topic)
                        && i.envelope() != null
                        && !i.envelope().getEventId().startsWith("bad-"))
                .findFirst()
                .orElseThrow()
                .envelope();
        List<TradingSession.Item> out = new ArrayList<>();
        long minute = 60_000;
        // Two fills with fees of -1e308 for the strategy that the drawdown kill halts.
        Fill fill = session.stream()
                .filter(i -> i.envelope() != null
                        && i.envelope().hasFill()
                        && i.envelope().getFill().getStrategy().equals(TradingSession.INCIDENT_STRATEGY))
                .findFirst()
                .orElseThrow()
                .envelope()
                .getFill();
        for (int i = 0; i < 2; i++) {
            String id = "hostile-fee-" + i;
            add(
                    out,
                    expected,
                    DeadLetterReason.INVALID_VALUE,
                    t0 + 5 * minute + i,
                    id,
                    b -> b.setFill(fill.toBuilder().setFillId(id).setFee(-1e308)));
        }
        // globex-default v2 with a negative cooldown and trip window; acme-momentum-btc v1 re-published with a
        // limit of 1e300 (absurd) and of 1e14 (in range, but a conflicting copy of version 1); a new policy for every
        // venue with a freshness limit of 1e12 ms (absurd) and one of an hour (in range: the stricter limit stays).
        RiskPolicy momentum = policy(session, "acme-momentum-btc", 1);
        RiskPolicy globex = policy(session, "globex-default", 1);
        add(
                out,
                expected,
                DeadLetterReason.INVALID_VALUE,
                t0 + minute,
                "hostile-globex-v2",
                b -> b.setRiskPolicy(globex.toBuilder()
                        .setVersion(2)
                        .putThresholds("cooldown_base_s", -30)
                        .putThresholds("trip_window_s", -1)));
        add(
                out,
                expected,
                DeadLetterReason.INVALID_VALUE,
                t0 + minute,
                "hostile-momentum-1e300",
                b -> b.setRiskPolicy(momentum.toBuilder().setMaxDrawdown(1e300)));
        add(
                out,
                expected,
                DeadLetterReason.CONFLICTING_VERSION,
                t0 + minute,
                "hostile-momentum-conflict",
                b -> b.setRiskPolicy(momentum.toBuilder().setMaxDrawdown(1e14)));
        add(
                out,
                expected,
                DeadLetterReason.INVALID_VALUE,
                t0 + minute,
                "hostile-evil-slo",
                b -> b.setRiskPolicy(RiskPolicy.newBuilder()
                        .setPolicyId("zz-evil-slo")
                        .setVersion(1)
                        .setScope(Scope.newBuilder().setOrg("*").setVenue("*"))
                        .setAutoResume(true)
                        .putThresholds("quote_freshness_ms", 1e12)));
        out.add(item(
                t0 + minute,
                "hostile-loose-slo",
                b -> b.setRiskPolicy(RiskPolicy.newBuilder()
                        .setPolicyId("zz-loose-slo")
                        .setVersion(1)
                        .setScope(Scope.newBuilder().setOrg("*").setVenue("*"))
                        .setAutoResume(true)
                        .putThresholds("quote_freshness_ms", 3_600_000)
                        .putThresholds("confirm_evaluations", 1_000))));
        // A quote dated 1970-01-01T00:00:01Z for an instrument the plane has not seen.
        TradingSession.Item ancient =
                item(t0 + 10 * minute, "hostile-1970", b -> b.setEventTime(ProtoTime.fromMillis(1_000))
                        .setQuote(Quote.newBuilder()
                                .setVenue("kraken")
                                .setInstrument("CRYPTO:NEW")
                                .setBid(1)
                                .setAsk(2)));
        expected.put("hostile-1970", DeadLetterReason.STALE_TIMESTAMP);
        out.add(ancient);
        // A health probe with 160,000 control characters of detail.
        Envelope probe = first.apply(Topics.HEALTH);
        add(
                out,
                expected,
                DeadLetterReason.INVALID_VALUE,
                t0 + 11 * minute,
                "hostile-probe",
                b -> b.setHealthProbe(probe.getHealthProbe().toBuilder().setDetail("\u0001".repeat(160_000))));
        return out;
    }

    static Envelope parse(String line) {
        try {
            return EnvelopeJson.parse(line);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(line, e);
        }
    }

    static RiskPolicy policy(List<TradingSession.Item> session, String id, long version) {
        return session.stream()
                .filter(i -> i.envelope() != null
                        && i.envelope().hasRiskPolicy()
                        && i.envelope().getRiskPolicy().getPolicyId().equals(id)
                        && i.envelope().getRiskPolicy().getVersion() == version)
                .findFirst()
                .orElseThrow()
                .envelope()
                .getRiskPolicy();
    }

    static void add(
            List<TradingSession.Item> out,
            Map<String, String> expected,
            String reason,
            long at,
            String id,
            Function<Envelope.Builder, Envelope.Builder> payload) {
        expected.put(id, reason);
        out.add(item(at, id, payload));
    }

    static TradingSession.Item item(long at, String id, Function<Envelope.Builder, Envelope.Builder> payload) {
        Envelope e = payload.apply(Envelope.newBuilder()
                        .setEventId(id)
                        .setSource("intruder")
                        .setEventTime(ProtoTime.fromMillis(at)))
                .build();
        return new TradingSession.Item(Topics.forPayload(e.getPayloadCase()), at, e.toByteArray(), null, e);
    }
}
