package io.riskplane.plane;

import static io.riskplane.testing.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.demo.TradingSession;
import io.riskplane.infra.CommittedTopicReader;
import io.riskplane.infra.EnvelopePublisher;
import io.riskplane.infra.LocalPlane;
import io.riskplane.infra.PrometheusScrape;
import io.riskplane.testing.KafkaHeaders;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Quote;
import io.riskplane.v1.RiskPolicy;
import io.riskplane.v1.Scope;
import io.riskplane.verify.ControlSigner;
import io.riskplane.verify.ControlVerifier;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Silence drill. A live quote feed stops entirely: with time.live_lag_ms set, event time keeps following the wall
 * clock, quote freshness breaches, and the SLO rule halts the instrument on that venue (QUOTE_STALE) within the
 * bound its policy implies. Then the plane itself goes down: its heartbeats stop, and an execution-side
 * ControlVerifier refuses every order once the last heartbeat is older than its allowed age.
 */
class SilenceIT {
    static final long FRESHNESS_MS = 2_000;
    static final int CONFIRM = 3;
    static final long TICK_MS = RiskPlaneJob.QUOTE_FRESHNESS_TICK_MS;
    static final long LIVE_LAG_MS = 1_000;
    static final Duration MAX_HEARTBEAT_AGE = Duration.ofSeconds(3);
    static final String VENUE = "kraken";
    static final String INSTRUMENT = "CRYPTO:BTC-USD";

    @TempDir
    Path dir;

    @Test
    void silentFeedHaltsWithinItsBoundAndADownPlaneHaltsTheExecutionSide() throws Exception {
        try (LocalPlane plane = LocalPlane.start(
                dir.resolve("plane"),
                null,
                2,
                LocalPlane.DEFAULT_CHECKPOINT_INTERVAL_MS,
                true,
                LIVE_LAG_MS,
                line -> System.out.println("[silence] " + line))) {
            // Past the startup grace, so that topics without producers no longer hold event time back.
            long idleMs = plane.config.options().idleness().toMillis() * RiskPlaneJob.STARTUP_GRACE_FACTOR;
            awaitTrue("source readers idle past the startup grace before the feed starts", () -> {
                List<Double> idle = PrometheusScrape.values(plane.metricsUrl(), "_sourceIdleTime");
                // Two readers each of the main source, the early decisions' source and the operator commands'
                // source (parallelism 2).
                return idle.size() == 6 && idle.stream().allMatch(v -> v > idleMs);
            });
            long start = System.currentTimeMillis();
            long lastQuote;
            try (EnvelopePublisher p = new EnvelopePublisher(plane.kafka.bootstrapServers(), new Properties())) {
                for (TradingSession.Item i : TradingSession.demo().generate()) {
                    if (i.topic().equals(Topics.INSTRUMENTS)) {
                        p.send(i.topic(), i.envelope(), i.value());
                    }
                }
                Envelope policy = Envelope.newBuilder()
                        .setEventId("silence-policy")
                        .setSource("risk-desk")
                        .setEventTime(ProtoTime.fromMillis(start - 60_000))
                        .setRiskPolicy(RiskPolicy.newBuilder()
                                .setPolicyId("slo-silence")
                                .setVersion(1)
                                .setScope(Scope.newBuilder().setOrg("*").setVenue(VENUE))
                                .putThresholds("quote_freshness_ms", FRESHNESS_MS)
                                .putThresholds("confirm_evaluations", CONFIRM))
                        .build();
                p.send(Topics.POLICIES, policy, policy.toByteArray());
                p.flush();
                // A live feed for 8 s (stamped with the wall clock, as producers do), then nothing at all.
                long now = start;
                for (int k = 0; now < start + 8_000; k++) {
                    now = System.currentTimeMillis();
                    Envelope q = Envelope.newBuilder()
                            .setEventId("silence-q-" + k)
                            .setSource("feed")
                            .setEventTime(ProtoTime.fromMillis(now))
                            .setQuote(Quote.newBuilder()
                                    .setInstrument(INSTRUMENT)
                                    .setVenue(VENUE)
                                    .setBid(95_990)
                                    .setAsk(96_010)
                                    .setBidSize(1)
                                    .setAskSize(1))
                            .build();
                    p.send(Topics.QUOTES, q, q.toByteArray());
                    p.flush();
                    Thread.sleep(100); // the feed's pace, not synchronisation
                }
                lastQuote = now;
            }

            ControlSigner key = ControlSigner.fromFile(
                    LocalPlane.SIGNING_KEY_ID, Path.of(plane.config.signingKey().file()));
            ControlVerifier verifier = new ControlVerifier(List.of(key), MAX_HEARTBEAT_AGE);
            Scope order = Scope.newBuilder()
                    .setOrg("acme")
                    .setStrategy("mm")
                    .setInstrument(INSTRUMENT)
                    .setVenue(VENUE)
                    .build();
            Scope elsewhere = Scope.newBuilder()
                    .setOrg("acme")
                    .setStrategy("mm")
                    .setInstrument("EQ:AAPL")
                    .setVenue("nasdaq")
                    .build();
            try (KafkaConsumer<byte[], byte[]> consumer = CommittedTopicReader.fromBeginning(
                    plane.kafka.bootstrapServers(), Topics.CONTROL, Topics.HEARTBEAT)) {
                ControlEvent[] halt = new ControlEvent[1];
                awaitTrue("a QUOTE_STALE kill-switch for the silent feed", () -> {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        verifier.accept(r.value(), KafkaHeaders.of(r), Instant.now());
                        ControlEvent c = control(r);
                        if (c != null
                                && c.getKind() == ControlKind.KILL_SWITCH
                                && c.getReasonCode().equals("QUOTE_STALE")) {
                            halt[0] = c;
                        }
                    }
                    return halt[0] != null;
                });
                long seen = System.currentTimeMillis();
                // In event time: the first tick whose age exceeds the freshness limit, then CONFIRM-1 more ticks.
                long firstBreach = (Math.floorDiv(lastQuote + FRESHNESS_MS, TICK_MS) + 1) * TICK_MS;
                long expectedDecision = firstBreach + (CONFIRM - 1) * TICK_MS;
                long decided = ProtoTime.toMillis(halt[0].getDecidedAt());
                assertThat(halt[0].getScope().getVenue()).isEqualTo(VENUE);
                assertThat(halt[0].getScope().getInstrument()).isEqualTo(INSTRUMENT);
                assertThat(decided).isBetween(expectedDecision - TICK_MS, expectedDecision);
                // On the wall clock: the decision's event time, plus the live lag and out-of-orderness the watermark
                // keeps behind the clock, plus up to two checkpoints until the control event is committed.
                long bound = expectedDecision
                        - lastQuote
                        + LIVE_LAG_MS
                        + plane.config.options().outOfOrderness().toMillis()
                        + 2 * LocalPlane.DEFAULT_CHECKPOINT_INTERVAL_MS;
                System.out.printf(
                        "[silence] feed silent at %s; QUOTE_STALE kill-switch decided at +%.1f s of event "
                                + "time, readable at +%.1f s (bound %.1f s)%n",
                        Instant.ofEpochMilli(lastQuote),
                        (decided - lastQuote) / 1e3,
                        (seen - lastQuote) / 1e3,
                        bound / 1e3);
                assertThat(seen - lastQuote).isLessThanOrEqualTo(bound + 5_000); // 5 s for a noisy machine
                assertThat(verifier.mayTrade(order, Instant.now()).reason()).contains("slo.breach.kill-switch");
                assertThat(verifier.mayTrade(elsewhere, Instant.now()).allowed())
                        .isTrue();

                // The plane goes down: no more heartbeats, and the execution side stops trading everywhere.
                plane.job.cancel().get();
                long down = System.currentTimeMillis();
                awaitTrue("the execution side halts on the stale heartbeat", () -> {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        verifier.accept(r.value(), KafkaHeaders.of(r), Instant.now());
                    }
                    return !verifier.mayTrade(elsewhere, Instant.now()).allowed();
                });
                long halted = System.currentTimeMillis();
                System.out.printf(
                        "[silence] plane down; execution side halted %.1f s later (max heartbeat age " + "%.1f s)%n",
                        (halted - down) / 1e3, MAX_HEARTBEAT_AGE.toMillis() / 1e3);
                assertThat(verifier.mayTrade(elsewhere, Instant.now()).reason()).startsWith("PLANE_HEARTBEAT_STALE");
                assertThat(halted - down).isLessThanOrEqualTo(MAX_HEARTBEAT_AGE.toMillis() + 5_000);
            }
        }
    }

    static ControlEvent control(ConsumerRecord<byte[], byte[]> r) {
        if (!r.topic().equals(Topics.CONTROL)) {
            return null;
        }
        try {
            return Envelope.parseFrom(r.value()).getControl();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
