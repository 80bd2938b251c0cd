package io.riskplane.cli;

import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.demo.StrategyEquity;
import io.riskplane.demo.TradingSession;
import io.riskplane.infra.CommittedTopicReader;
import io.riskplane.infra.EnvelopePublisher;
import io.riskplane.infra.LocalPlane;
import io.riskplane.v1.Alert;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.HaltState;
import io.riskplane.v1.HaltStatus;
import io.riskplane.v1.OperatorAction;
import io.riskplane.v1.Scope;
import io.riskplane.v1.Severity;
import io.riskplane.verify.OperatorCommands;
import io.riskplane.verify.SigningKey;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The demo's second act, on a plane that has judged the demo session (globex/pm-arb killed by its guardrail,
 * acme/momentum-btc by its drawdown). Each step waits for the plane's answer to the one before, so that records of
 * different partitions never race (a partition idle since the session would otherwise let another one run event time
 * past it, and its records would be late):
 *
 * <ol>
 *   <li>on-call resumes globex/pm-arb for every rule: a command signed with the local plane's operator key as
 *       `riskplane control resume` signs it (ControlCommand), stamped just after the session's last event; the plane
 *       answers with a RESUME of rule operator.resume, which starts the scope's guardrails afresh;
 *   <li>globex/pm-arb runs away again (TradingSession.runawayAgain): its guardrail fires again, a cooldown, the
 *       first trip of a fresh scope;
 *   <li>BTC whipsaws acme/momentum-btc's drawdown across its limit (TradingSession.drawdownWhipsaw): the scope is
 *       halted already, and the drawdown rule stays latched (docs/rules.md): no second kill, no second page.
 * </ol>
 */
public final class DemoSecondAct {
    /** The resume's command id (deterministic, so its control event's id is too). */
    public static final String RESUME_COMMAND_ID = "cmd-demo-resume-pm-arb";

    public static final String RESUMED_ORG = "globex";
    public static final String RESUMED_STRATEGY = "pm-arb";
    public static final String DRAWDOWN_RULE = "pnl.drawdown.kill-switch";
    public static final String BTC = "CRYPTO:BTC-USD";

    /**
     * What the act did and what the plane answered.
     *
     * @param resumeAt the resume's event time
     * @param resume the plane's answer to it (rule operator.resume)
     * @param burst the runaway orders published after it
     * @param guardrailAfter the confirmed guardrail control events of globex/pm-arb decided after the resume
     * @param earlyAfter the early ones (riskplane.v1.control-early), each once
     * @param whipsaw the quotes published last
     * @param crossings how often the whipsaw took acme/momentum-btc's drawdown across its limit (StrategyEquity over
     *     the generated records, not the plane's PnL)
     * @param drawdownKills every drawdown kill-switch of acme/momentum-btc on the control topic, both acts
     * @param drawdownPages the firing pages of acme/momentum-btc on the alerts topic, both acts
     * @param halted the scopes not ACTIVE on the halt-state topic at the end (`riskplane control status`)
     */
    public record Outcome(
            long resumeAt,
            ControlEvent resume,
            List<TradingSession.Item> burst,
            List<ControlEvent> guardrailAfter,
            List<ControlEvent> earlyAfter,
            List<TradingSession.Item> whipsaw,
            int crossings,
            List<ControlEvent> drawdownKills,
            List<Alert> drawdownPages,
            List<HaltState> halted) {}

    private DemoSecondAct() {}

    public static Outcome run(
            LocalPlane plane,
            TradingSession generator,
            List<TradingSession.Item> session,
            Duration timeout,
            Consumer<String> progress)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String bootstrap = plane.kafka.bootstrapServers();
        long resumeAt = resumeTime(session);
        Envelope command = resumeCommand(
                plane.config.security().operatorKeys().stream()
                        .filter(k -> k.keyId().equals(LocalPlane.OPERATOR_KEY_ID))
                        .findFirst()
                        .orElseThrow()
                        .keyFile(),
                Instant.ofEpochMilli(resumeAt));
        try (EnvelopePublisher p = new EnvelopePublisher(bootstrap, new Properties());
                CommittedTopicReader controls = CommittedTopicReader.control(bootstrap)) {
            p.send(Topics.OPERATOR, command, command.toByteArray());
            p.flush();
            progress.accept(String.format(
                    "%s on-call resumes %s/%s (every rule): command %s, signed with %s's key",
                    time(resumeAt), RESUMED_ORG, RESUMED_STRATEGY, RESUME_COMMAND_ID, LocalPlane.OPERATOR_KEY_ID));
            ControlEvent resume = await(
                    deadline, "the plane's answer to the resume", () -> controls.poll(Duration.ofMillis(250)).stream()
                            .map(Envelope::getControl)
                            .filter(c -> c.getRuleId().equals("operator.resume")
                                    && c.getEvidence().getTriggerEventIdsList().contains(RESUME_COMMAND_ID))
                            .findFirst());

            List<TradingSession.Item> burst = generator.runawayAgain(session, resumeAt + 1000);
            publish(p, burst);
            progress.accept(String.format(
                    "%s %s/%s runs away again: %d orders in %.0f s",
                    time(first(burst)),
                    RESUMED_ORG,
                    RESUMED_STRATEGY,
                    TradingSession.RUNAWAY_ORDERS,
                    (last(burst) - first(burst)) / 1e3));
            List<ControlEvent> guardrail = await(
                    deadline, "the guardrail of " + RESUMED_ORG + "/" + RESUMED_STRATEGY + " after the resume", () -> {
                        List<ControlEvent> after = guardrailAfter(controls.poll(Duration.ofMillis(250)), resumeAt);
                        return after.isEmpty() ? Optional.empty() : Optional.of(after);
                    });

            long from = (last(burst) / 1000 + 2) * 1000;
            List<TradingSession.Item> whipsaw = generator.drawdownWhipsaw(session, from);
            publish(p, whipsaw);
            long lastMark = whipsaw.stream()
                    .mapToLong(TradingSession.Item::eventTimeMillis)
                    .filter(t -> t < from + TradingSession.WHIPSAW_MARKS * 1000L)
                    .max()
                    .orElseThrow();
            progress.accept(String.format(
                    "%s BTC whipsaws around acme/momentum-btc's drawdown limit for %d s",
                    time(from), TradingSession.WHIPSAW_MARKS));
            // Every mark judged (the heartbeat carries the watermark of the control events), then committed (two
            // more checkpoints: the heartbeat is not transactional, the control and alert topics are).
            awaitWatermark(bootstrap, lastMark, deadline);
            long checkpoint = completedCheckpoint(plane);
            await(
                    deadline,
                    "two more checkpoints",
                    () -> completedCheckpoint(plane) >= checkpoint + 2 ? Optional.of(true) : Optional.empty());
            List<Envelope> allControls = readToEnd(bootstrap, Topics.CONTROL);
            List<ControlEvent> guardrailAfter = guardrailAfter(allControls, resumeAt);
            List<ControlEvent> earlyAfter =
                    new ArrayList<>(guardrailAfter(readToEnd(bootstrap, Topics.CONTROL_EARLY), resumeAt).stream()
                            .collect(java.util.stream.Collectors.toMap(
                                    ControlEvent::getControlId, c -> c, (a, b) -> a, TreeMap::new))
                            .values());
            List<ControlEvent> kills = allControls.stream()
                    .map(Envelope::getControl)
                    .filter(c -> c.getRuleId().equals(DRAWDOWN_RULE)
                            && isScope(c.getScope(), TradingSession.INCIDENT_ORG, TradingSession.INCIDENT_STRATEGY))
                    .toList();
            List<Alert> pages = readToEnd(bootstrap, Topics.ALERTS).stream()
                    .map(Envelope::getAlert)
                    .filter(a -> a.getSeverity() == Severity.PAGE
                            && !a.hasEndsAt()
                            && isScope(a.getScope(), TradingSession.INCIDENT_ORG, TradingSession.INCIDENT_STRATEGY))
                    .toList();
            String newest = guardrail.get(guardrail.size() - 1).getControlId();
            List<HaltState> halted = await(deadline, "the halt state of the relapse", () -> {
                Map<String, HaltState> states = ControlCommand.latest(bootstrap, new Properties());
                boolean seen = states.values().stream()
                        .anyMatch(s -> isScope(s.getScope(), RESUMED_ORG, RESUMED_STRATEGY)
                                && s.getHaltsList().stream()
                                        .anyMatch(h -> h.getControlId().equals(newest)));
                return seen
                        ? Optional.of(states.values().stream()
                                .filter(s -> s.getStatus() != HaltStatus.HALT_STATUS_ACTIVE)
                                .toList())
                        : Optional.empty();
            });
            int crossings = StrategyEquity.crossings(
                    session,
                    whipsaw,
                    TradingSession.INCIDENT_ORG,
                    TradingSession.INCIDENT_STRATEGY,
                    BTC,
                    TradingSession.INCIDENT_MAX_DRAWDOWN);
            return new Outcome(
                    resumeAt, resume, burst, guardrailAfter, earlyAfter, whipsaw, crossings, kills, pages, halted);
        }
    }

    /** When on-call resumes: the first whole second after the session's last event. */
    public static long resumeTime(List<TradingSession.Item> session) {
        return (TradingSession.lastEventTime(session) / 1000 + 1) * 1000;
    }

    /**
     * The resume as `riskplane control resume --org globex --strategy pm-arb --operator oncall --key-file FILE`
     * builds and signs it, stamped {@code at}.
     */
    public static Envelope resumeCommand(String oncallKeyFile, Instant at) {
        ControlCommand.Common c = new ControlCommand.Common();
        c.scope = new ControlCommand.ScopeOptions();
        c.scope.org = RESUMED_ORG;
        c.scope.strategy = RESUMED_STRATEGY;
        c.operator = LocalPlane.OPERATOR_KEY_ID;
        c.key = new ControlCommand.KeySource();
        c.key.file = oncallKeyFile;
        c.reason = "runaway loop fixed in pm-arb v7.1; resuming after review";
        c.ticket = "DEMO-2";
        c.commandId = RESUME_COMMAND_ID;
        return OperatorCommands.sign(
                ControlCommand.command(c, OperatorAction.OPERATOR_RESUME, "", at),
                new SigningKey(c.operator, c.key.env, c.key.file).load());
    }

    /** The guardrail control events of globex/pm-arb decided after {@code resumeAt}, in decision order. */
    static List<ControlEvent> guardrailAfter(List<Envelope> controls, long resumeAt) {
        return controls.stream()
                .map(Envelope::getControl)
                .filter(c -> c.getRuleId().startsWith("guardrail.")
                        && isScope(c.getScope(), RESUMED_ORG, RESUMED_STRATEGY)
                        && ProtoTime.toMillis(c.getDecidedAt()) > resumeAt)
                .sorted(Comparator.comparingLong(c -> ProtoTime.toMillis(c.getDecidedAt())))
                .toList();
    }

    static boolean isScope(Scope s, String org, String strategy) {
        return s.getOrg().equals(org) && s.getStrategy().equals(strategy);
    }

    static String time(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    private static long first(List<TradingSession.Item> items) {
        return items.get(0).eventTimeMillis();
    }

    private static long last(List<TradingSession.Item> items) {
        return items.get(items.size() - 1).eventTimeMillis();
    }

    private static void publish(EnvelopePublisher p, List<TradingSession.Item> items) {
        for (TradingSession.Item i : items) {
            p.send(i.topic(), i.envelope(), i.value());
        }
        p.flush();
    }

    private static <T> T await(long deadline, String what, Callable<Optional<T>> condition) throws Exception {
        while (System.nanoTime() < deadline) {
            Optional<T> done = condition.call();
            if (done.isPresent()) {
                return done.get();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the demo's second act gave up waiting for " + what);
    }

    /** Waits for a heartbeat whose watermark (that of the control events) has passed {@code eventTime}. */
    private static void awaitWatermark(String bootstrap, long eventTime, long deadline) throws Exception {
        try (KafkaConsumer<byte[], byte[]> c = CommittedTopicReader.fromBeginning(bootstrap, Topics.HEARTBEAT)) {
            await(deadline, "the plane's event time to pass " + time(eventTime), () -> {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(250))) {
                    Envelope e = Envelope.parseFrom(r.value());
                    if (e.hasHeartbeat() && ProtoTime.toMillis(e.getHeartbeat().getWatermark()) >= eventTime) {
                        return Optional.of(true);
                    }
                }
                return Optional.empty();
            });
        }
    }

    /** The number of the decision job's latest completed checkpoint (chk-N with its _metadata), 0 before the first. */
    static long completedCheckpoint(LocalPlane plane) {
        Path jobDir = Path.of(URI.create(plane.config.flink().checkpointDir()))
                .resolve(plane.job.getJobID().toString());
        try (Stream<Path> dirs = Files.list(jobDir)) {
            return dirs.filter(
                            d -> d.getFileName().toString().startsWith("chk-") && Files.exists(d.resolve("_metadata")))
                    .mapToLong(d -> Long.parseLong(d.getFileName().toString().substring(4)))
                    .max()
                    .orElse(0);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return 0; // not yet, or a subsumed checkpoint deleted while listing: look again
        }
    }

    /** Every committed record of a topic, read to its end (read_committed). */
    static List<Envelope> readToEnd(String bootstrap, String topic) throws Exception {
        List<Envelope> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = CommittedTopicReader.fromBeginning(bootstrap, topic)) {
            List<TopicPartition> parts = new ArrayList<>(c.assignment());
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end in 60 s");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(250))) {
                    out.add(Envelope.parseFrom(r.value()));
                }
            }
        }
        return out;
    }
}
