package io.riskplane.plane;

import static io.riskplane.testing.Await.awaitTrue;
import static io.riskplane.testing.PlaneDrills.poll;
import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.Topics;
import io.riskplane.dashboards.GrafanaDashboards;
import io.riskplane.demo.TradingSession;
import io.riskplane.infra.CommittedTopicReader;
import io.riskplane.infra.EnvelopePublisher;
import io.riskplane.infra.LocalPlane;
import io.riskplane.outputs.PlaneOutputs;
import io.riskplane.replay.Replay;
import io.riskplane.sinks.iceberg.IcebergLakehouse;
import io.riskplane.testing.KafkaHeaders;
import io.riskplane.testing.PlaneDrills;
import io.riskplane.v1.ControlAction;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Scope;
import io.riskplane.verify.ControlSigner;
import io.riskplane.verify.ControlVerifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo path end to end on real parts: an in-JVM KRaft broker, the ClickHouse server from the machine's package,
 * an Iceberg Hadoop catalog on disk and the job on a Flink MiniCluster with checkpoints. The drawdown kill-switch
 * reaches the control topic exactly once (read_committed), ClickHouse and Iceberg; bad input lands in dead letters.
 */
class PlaneEndToEndIT {
    /** Drawdown kill-switch, quote-stale halt and its resume, adapter latency halt (see TradingSession). */
    /** The session's 11, and the answers to the two accepted operator commands (operator.halt, operator.resume). */
    static final int EXPECTED_CONTROLS = 13;
    /** Operator commands published beside the session: a halt, a forged resume, the halt again, a resume. */
    static List<Envelope> commands;

    @TempDir
    static Path dir;

    static LocalPlane plane;
    static List<TradingSession.Item> items;
    static long validEvents;
    /** Valid records as published: Iceberg's raw_events appends each (the replayed halt twice). */
    static long validRecords;

    static long malformed;

    @BeforeAll
    static void startAndPublish() throws Exception {
        plane = LocalPlane.start(dir, null, 2, line -> System.out.println("[e2e] " + line));
        // The plane starts before its producers, as in production: every source reader has been without input for
        // longer than the idleness timeout when the session arrives, and must still not let the first partition it
        // reads run the watermark ahead of the others (late_events is checked below).
        long idleMs = plane.config.options().idleness().toMillis();
        awaitTrue("source readers without input for longer than the idleness timeout", () -> {
            List<Double> idle;
            try {
                idle = metricValues("_sourceIdleTime");
            } catch (IllegalStateException reporterStarting) {
                return false; // the reporter's HTTP server can drop a connection while the job starts
            }
            // Two readers each of the main source, the early decisions' source and the operator commands' source
            // (parallelism 2).
            return idle.size() == 6 && idle.stream().allMatch(v -> v > idleMs);
        });
        items = TradingSession.demo().generate();
        malformed = items.stream()
                .filter(i -> i.envelope() == null || i.envelope().getEventId().startsWith("bad-"))
                .count();
        commands = operatorCommands(dir.resolve("keys").resolve(LocalPlane.OPERATOR_KEY_ID + ".key"));
        // raw_events holds each event id once (ReplacingMergeTree by kind and event id): the replayed halt is one.
        validEvents = items.size()
                - malformed
                + commands.stream().map(Envelope::getEventId).distinct().count();
        validRecords = items.size() - malformed + commands.size();
        try (EnvelopePublisher p = new EnvelopePublisher(plane.kafka.bootstrapServers(), new Properties())) {
            for (TradingSession.Item i : items) {
                p.send(i.topic(), i.envelope(), i.value());
            }
            p.flush();
        }
        publishInTransactions(plane.kafka.bootstrapServers(), commands);
    }

    /** Offsets of the operator topic without a record a consumer reads: two commit markers, an aborted record and
     * its abort marker; the archive accounts for the three before the last command (the last marker has no record
     * after it yet). */
    static final int OPERATOR_OFFSETS_WITHOUT_RECORD = 3;

    /**
     * The operator console publishes with Kafka transactions, as an exactly-once producer does: the commands in two
     * committed transactions, between them an aborted one (a command no read_committed consumer sees). Their markers
     * and the aborted record take offsets that hold no record: the plane and the archive pass over them, and a replay
     * from the lake must not take them for lost records.
     */
    static void publishInTransactions(String bootstrap, List<Envelope> commands) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("transactional.id", "e2e-operator-console");
        props.put("key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
        props.put("value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(props)) {
            producer.initTransactions();
            for (int half = 0; half < 2; half++) {
                producer.beginTransaction();
                for (Envelope c : commands.subList(half * 2, half * 2 + 2)) {
                    producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                            Topics.OPERATOR,
                            c.getEventId().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            c.toByteArray()));
                }
                producer.commitTransaction();
                if (half == 0) {
                    producer.beginTransaction();
                    Envelope aborted = command(
                            "cmd-e2e-aborted",
                            commands.get(0).getEventTime().getSeconds() * 1000,
                            io.riskplane.v1.OperatorAction.OPERATOR_HALT,
                            "");
                    producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                            Topics.OPERATOR,
                            aborted.getEventId().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            aborted.toByteArray()));
                    producer.flush();
                    producer.abortTransaction();
                }
            }
        }
    }

    /**
     * On-call halts globex/pm-arb with the local plane's operator key, someone else forges a resume of it under the
     * same operator id, the halt is published again (a replay), and on-call resumes it: two control events, two dead
     * letters (BAD_SIGNATURE, REPLAYED_COMMAND). Times within the session, so that the watermark holds them.
     */
    static List<Envelope> operatorCommands(Path oncallKey) throws Exception {
        io.riskplane.verify.ControlSigner oncall =
                io.riskplane.verify.ControlSigner.fromFile(LocalPlane.OPERATOR_KEY_ID, oncallKey);
        io.riskplane.verify.ControlSigner forger = new io.riskplane.verify.ControlSigner(
                LocalPlane.OPERATOR_KEY_ID,
                "not-the-oncall-key-not-the-key!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        long t = TradingSession.DEFAULT_START.plus(Duration.ofMinutes(50)).toEpochMilli();
        Envelope halt = io.riskplane.verify.OperatorCommands.sign(
                command("cmd-e2e-halt", t, io.riskplane.v1.OperatorAction.OPERATOR_HALT, ""), oncall);
        Envelope forged = io.riskplane.verify.OperatorCommands.sign(
                command("cmd-e2e-forged", t + 60_000, io.riskplane.v1.OperatorAction.OPERATOR_RESUME, ""), forger);
        Envelope resume = io.riskplane.verify.OperatorCommands.sign(
                command("cmd-e2e-resume", t + 120_000, io.riskplane.v1.OperatorAction.OPERATOR_RESUME, "operator.halt"),
                oncall);
        return List.of(halt, forged, halt, resume);
    }

    static Envelope command(String id, long t, io.riskplane.v1.OperatorAction action, String rule) {
        return Envelope.newBuilder()
                .setEventId(id)
                .setSource("riskplane-cli")
                .setEventTime(io.riskplane.contract.ProtoTime.fromMillis(t))
                .setOperatorCommand(io.riskplane.v1.OperatorCommand.newBuilder()
                        .setCommandId(id)
                        .setAction(action)
                        .setScope(io.riskplane.v1.Scope.newBuilder()
                                .setOrg("globex")
                                .setStrategy("pm-arb"))
                        .setRuleId(rule)
                        .setOperatorId(LocalPlane.OPERATOR_KEY_ID)
                        .setReason("e2e drill")
                        .setTicket("E2E-1"))
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (plane != null) {
            plane.close();
        }
    }

    @Test
    void killSwitchArrivesOnceOnKafkaClickHouseAndIceberg() throws Exception {
        try (CommittedTopicReader reader = CommittedTopicReader.control(plane.kafka.bootstrapServers())) {
            awaitTrue(
                    "all control events on the control topic",
                    () -> poll(reader).size() >= EXPECTED_CONTROLS);
            awaitTrue(
                    "all valid events in ClickHouse raw_events",
                    () -> count("SELECT count() FROM riskplane.raw_events FINAL") == validEvents);
            // The confirmed control events and the demo's early ones (one per runaway burst).
            awaitTrue(
                    "control events in Iceberg",
                    () -> iceberg(IcebergLakehouse.CONTROL_EVENTS).size()
                            == EXPECTED_CONTROLS + TradingSession.RUNAWAY_BURSTS);
            awaitTrue(
                    "raw events in Iceberg",
                    () -> iceberg(IcebergLakehouse.RAW_EVENTS).size() == validRecords);

            // Two more checkpoints after everything above has landed: a duplicate would have been committed by now.
            long checkpoints = completedCheckpoints();
            awaitTrue("two more checkpoints", () -> completedCheckpoints() >= checkpoints + 2);
            // A partition read behind the others must not arrive behind the watermark (see SplitIdleness): on the
            // live path as in replay, no operator may have judged an input out of event-time order.
            assertThat(metricValues("_late_events")).as("late_events series").isNotEmpty();
            assertThat(metricTotal("_late_events"))
                    .as("late_events on the live path")
                    .isZero();
            List<Envelope> controls = poll(reader);
            assertThat(controls).hasSize(EXPECTED_CONTROLS);
            assertThat(controls.stream().map(Envelope::getEventId).distinct()).hasSize(EXPECTED_CONTROLS);

            // The live Kafka path and a replay of the same session decide exactly the same control events.
            Path session = dir.resolve("session.jsonl");
            TradingSession.export(items, session);
            Replay.run(session, dir.resolve("replay"), 2, PlaneOptions.replay());
            List<Envelope> replayed = new java.util.ArrayList<>();
            for (String line : java.nio.file.Files.readAllLines(
                    dir.resolve("replay").resolve(PlaneOutputs.CONTROL_EVENTS.replayFile()))) {
                replayed.add(io.riskplane.contract.EnvelopeJson.parse(line));
            }
            // The session's own: the operator's commands are not in the file (and replay holds no operator keys).
            List<Envelope> fromRules = controls.stream()
                    .filter(e -> !e.getControl().getRuleId().startsWith("operator."))
                    .toList();
            assertThat(fromRules).hasSize(EXPECTED_CONTROLS - 2).containsExactlyInAnyOrderElementsOf(replayed);

            // Early decisions: one per confirmed order-rate trip (each runaway burst), same scope, decided at the
            // same order, on their own topic at least once (so de-duplicated here by id, as execution does); and
            // the same bytes as the replay's, since each burst's orders are on one partition.
            List<String> confirmedRate = fromRules.stream()
                    .filter(e ->
                            e.getControl().getEvidence().getMetrics(0).getName().equals("order_rate"))
                    .map(PlaneEndToEndIT::scopeAndTime)
                    .sorted()
                    .toList();
            assertThat(confirmedRate).hasSize(TradingSession.RUNAWAY_BURSTS);
            try (CommittedTopicReader earlyTopic =
                    new CommittedTopicReader(plane.kafka.bootstrapServers(), Topics.CONTROL_EARLY)) {
                awaitTrue(
                        "early control events",
                        () -> distinctById(poll(earlyTopic)).size() >= confirmedRate.size());
                List<Envelope> early = distinctById(poll(earlyTopic));
                assertThat(early)
                        .extracting(PlaneEndToEndIT::scopeAndTime)
                        .containsExactlyInAnyOrderElementsOf(confirmedRate);
                assertThat(early).allSatisfy(e -> {
                    assertThat(e.getControl().getRuleId()).isEqualTo("guardrail.order-rate.early");
                    assertThat(e.getControl().getKind()).isEqualTo(ControlKind.COOLDOWN);
                    // More than the policy's 20 orders, of which the latest 20 are cited.
                    assertThat(e.getControl().getEvidence().getMetrics(0).getValue())
                            .isGreaterThan(20);
                    assertThat(e.getControl().getEvidence().getTriggerEventIdsCount())
                            .isEqualTo(20);
                });
                List<Envelope> replayedEarly = new java.util.ArrayList<>();
                for (String line : java.nio.file.Files.readAllLines(
                        dir.resolve("replay").resolve(PlaneOutputs.EARLY_CONTROL_EVENTS.replayFile()))) {
                    replayedEarly.add(io.riskplane.contract.EnvelopeJson.parse(line));
                }
                assertThat(early).containsExactlyInAnyOrderElementsOf(replayedEarly);
                awaitTrue(
                        "early control events in ClickHouse",
                        () -> count("SELECT count() FROM "
                                        + "riskplane.control_events FINAL WHERE rule_id = 'guardrail.order-rate.early'")
                                == TradingSession.RUNAWAY_BURSTS);
            }

            // One alert per halt episode (docs/alerting.md): each halting control event of this session opens an
            // episode of its own (no scope and rule halts twice), and each RESUME ends the episode of the latest
            // halt on its scope that it lifts, raising that episode's alert again with its end.
            try (CommittedTopicReader alertsTopic =
                    new CommittedTopicReader(plane.kafka.bootstrapServers(), Topics.ALERTS)) {
                awaitTrue(
                        "an alert per episode and one per end",
                        () -> poll(alertsTopic).size() >= EXPECTED_CONTROLS);
                java.util.Map<String, String> expectedSeverity = new java.util.TreeMap<>();
                java.util.Map<String, String> expectedEnds = new java.util.TreeMap<>(); // resume -> episode it ends
                List<Envelope> byTime = controls.stream()
                        .sorted(java.util.Comparator.comparing((Envelope e) -> io.riskplane.contract.ProtoTime.toMillis(
                                e.getControl().getDecidedAt())))
                        .toList();
                for (Envelope c : byTime) {
                    String kind = c.getControl().getKind().name();
                    if (kind.equals("RESUME")) {
                        String lifts = c.getControl().getRuleId().equals("operator.resume")
                                ? c.getControl().getLiftsRuleId()
                                : "slo.breach.kill-switch";
                        Envelope halt = byTime.stream()
                                .filter(h -> h.getControl()
                                                .getScope()
                                                .equals(c.getControl().getScope())
                                        && h.getControl().getRuleId().equals(lifts)
                                        && io.riskplane.contract.ProtoTime.toMillis(
                                                        h.getControl().getDecidedAt())
                                                <= io.riskplane.contract.ProtoTime.toMillis(
                                                        c.getControl().getDecidedAt()))
                                .reduce((a, b) -> b)
                                .orElseThrow();
                        expectedEnds.put(
                                c.getControl().getControlId(), halt.getControl().getControlId());
                        continue;
                    }
                    expectedSeverity.put(
                            c.getControl().getControlId(),
                            switch (kind) {
                                case "KILL_SWITCH", "ROLLBACK" -> "PAGE";
                                case "COOLDOWN" -> "WARNING";
                                default -> "unexpected kind " + kind;
                            });
                }
                java.util.Map<String, String> alertSeverity = new java.util.TreeMap<>();
                java.util.Map<String, String> ends = new java.util.TreeMap<>();
                for (Envelope a : poll(alertsTopic)) {
                    io.riskplane.v1.Alert alert = a.getAlert();
                    if (alert.getResolvedByControlId().isEmpty()) {
                        alertSeverity.put(
                                alert.getControlId(), alert.getSeverity().name());
                    } else {
                        ends.put(alert.getResolvedByControlId(), alert.getControlId());
                        assertThat(alert.getEndsAt())
                                .isEqualTo(byId(controls, alert.getResolvedByControlId())
                                        .getControl()
                                        .getDecidedAt());
                    }
                    assertThat(alert.getRunbookUrl()).isEqualTo("docs/runbooks.md#" + alert.getRuleId());
                    assertThat(alert.getLabelsMap()).containsEntry("team", "trading-oncall");
                }
                assertThat(poll(alertsTopic)).hasSize(EXPECTED_CONTROLS);
                assertThat(alertSeverity).isEqualTo(expectedSeverity);
                assertThat(ends)
                        .isEqualTo(expectedEnds)
                        .containsValue(
                                byRule(controls, "operator.halt").getControl().getControlId());
                awaitTrue(
                        "alerts in ClickHouse",
                        () -> count("SELECT count() FROM riskplane.alerts FINAL") == EXPECTED_CONTROLS);
                assertThat(count("SELECT count() FROM riskplane.alerts FINAL WHERE control_id IN "
                                + "(SELECT control_id FROM riskplane.control_events FINAL)"))
                        .isEqualTo(EXPECTED_CONTROLS);
                assertThat(count("SELECT count() FROM riskplane.alerts FINAL WHERE resolved_by != '' "
                                + "AND ends_at_ms > 0"))
                        .isEqualTo(expectedEnds.size());
            }

            assertThat(metricTotal("_control_events"))
                    .as("control_events metric")
                    .isEqualTo(EXPECTED_CONTROLS);

            Envelope drawdown = controls.stream()
                    .filter(e -> e.getControl().getRuleId().equals("pnl.drawdown.kill-switch"))
                    .findFirst()
                    .orElseThrow();
            var ks = drawdown.getControl();
            assertThat(ks.getKind()).isEqualTo(ControlKind.KILL_SWITCH);
            assertThat(ks.getAction()).isEqualTo(ControlAction.HALT_NEW_ENTRIES);
            assertThat(ks.getScope().getOrg()).isEqualTo(TradingSession.INCIDENT_ORG);
            assertThat(ks.getScope().getStrategy()).isEqualTo(TradingSession.INCIDENT_STRATEGY);
            assertThat(ks.getReasonCode()).isEqualTo("DRAWDOWN_LIMIT_BREACHED");
            assertThat(drawdown.getEventId()).isEqualTo(ks.getControlId());

            assertThat(plane.clickhouse
                            .query("SELECT control_id, kind, action, org, strategy, rule_id "
                                    + "FROM riskplane.control_events FINAL WHERE rule_id = 'pnl.drawdown.kill-switch'")
                            .trim())
                    .isEqualTo(String.join(
                            "\t",
                            ks.getControlId(),
                            "KILL_SWITCH",
                            "HALT_NEW_ENTRIES",
                            "acme",
                            "momentum-btc",
                            "pnl.drawdown.kill-switch"));
            List<Record> lake = iceberg(IcebergLakehouse.CONTROL_EVENTS).stream()
                    .filter(r -> !"guardrail.order-rate.early".equals(r.getField("rule_id")))
                    .toList();
            assertThat(lake)
                    .extracting(r -> r.getField("control_id"))
                    .containsExactlyInAnyOrderElementsOf(
                            controls.stream().map(Envelope::getEventId).toList());
            assertThat(count("SELECT count() FROM riskplane.control_events FINAL "
                            + "WHERE rule_id != 'guardrail.order-rate.early'"))
                    .isEqualTo(EXPECTED_CONTROLS);
            assertThat(count("SELECT count() FROM riskplane.pnl_bars FINAL WHERE strategy = 'momentum-btc' "
                            + "AND max_drawdown >= 25000"))
                    .isGreaterThan(0);
            awaitTrue(
                    "execution telemetry in ClickHouse",
                    () -> count("SELECT count() FROM "
                                    + "riskplane.execution_telemetry FINAL WHERE level = 'adapter' AND fills > 0")
                            > 0);
            awaitTrue("execution telemetry in Iceberg", () -> !iceberg(IcebergLakehouse.DETECTOR_OUTPUTS)
                    .isEmpty());
            assertThat(count("SELECT count() FROM riskplane.slo_evaluations FINAL WHERE status = 'BREACH'"))
                    .isGreaterThan(0);
            assertThat(plane.clickhouse.query("SELECT status, instrument, high_venue FROM riskplane.dislocations FINAL "
                            + "ORDER BY status"))
                    .isEqualTo("CLOSED\tCRYPTO:BTC-USD\tcoinbase\nOPEN\tCRYPTO:BTC-USD\tcoinbase\n");
            awaitTrue(
                    "guardrail trips, lane runs, staleness and condition rows in ClickHouse",
                    () -> count("SELECT count() FROM riskplane.guardrail_trips FINAL") == 4
                            && count("SELECT count() FROM riskplane.lane_runs FINAL WHERE enters_rollback = 1") == 1
                            && count("SELECT count() FROM riskplane.cursor_staleness FINAL "
                                            + "WHERE cursor_ahead_of_stream = 1")
                                    > 0
                            && count("SELECT count() FROM riskplane.condition_evaluations FINAL "
                                            + "WHERE enters_trigger = 1")
                                    == 2);
            // Kafka timestamps are real: the live path measures ingest latency, replay cannot.
            assertThat(count("SELECT count() FROM riskplane.execution_telemetry FINAL "
                            + "WHERE ingest_latency_p50_ms IS NOT NULL"))
                    .isGreaterThan(0);
        }
    }

    /**
     * The lifecycle of the session's halts (docs/rules.md, "Lifecycle of a halt"): the halt-state topic as execution
     * bootstraps from it and `riskplane control status` reads it, the halts view, and the operator commands view.
     */
    /**
     * `riskplane replay --from-lake` of the session's trading day, from what the archive job wrote to Iceberg while
     * the plane ran: the control events it decides are, id for id, those on the control topic and in ClickHouse's
     * control_events, and its early ones those on the early topic; the malformed records come back from
     * rejected_inputs as the same dead letters.
     */
    @Test
    void theLakeReplaysTheDayAsThePlaneDecidedIt() throws Exception {
        List<Envelope> live;
        try (CommittedTopicReader reader = CommittedTopicReader.control(plane.kafka.bootstrapServers())) {
            awaitTrue(
                    "all control events on the control topic",
                    () -> poll(reader).size() >= EXPECTED_CONTROLS);
            live = poll(reader);
        }
        awaitTrue(
                "every input record in the lake",
                () -> iceberg(IcebergLakehouse.RAW_EVENTS).size() == validRecords
                        && iceberg(IcebergLakehouse.REJECTED_INPUTS).size()
                                == malformed + OPERATOR_OFFSETS_WITHOUT_RECORD);
        java.util.Set<String> early = new java.util.TreeSet<>();
        try (var c = CommittedTopicReader.fromBeginning(plane.kafka.bootstrapServers(), Topics.CONTROL_EARLY)) {
            awaitTrue("the early control events", () -> {
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    try {
                        early.add(Envelope.parseFrom(r.value()).getControl().getControlId());
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new IllegalStateException(e);
                    }
                });
                return early.size() == TradingSession.RUNAWAY_BURSTS;
            });
        }
        java.time.LocalDate day = TradingSession.DEFAULT_START
                .atZone(io.riskplane.pnl.NewYorkTradingDay.NEW_YORK)
                .toLocalDate();
        Path out = dir.resolve("lake-replay");
        io.riskplane.lake.LakeReplay.Outcome o = io.riskplane.lake.LakeReplay.run(
                plane.lakehouse,
                new io.riskplane.lake.LakeReplay.Request(
                        new io.riskplane.lake.LakeInput.Range(
                                day.atStartOfDay(io.riskplane.pnl.NewYorkTradingDay.NEW_YORK)
                                        .toInstant()
                                        .toEpochMilli(),
                                day.plusDays(1)
                                        .atStartOfDay(io.riskplane.pnl.NewYorkTradingDay.NEW_YORK)
                                        .toInstant()
                                        .toEpochMilli()),
                        java.util.Map.of(),
                        null,
                        null,
                        null),
                out,
                2,
                PlaneOptions.replay()
                        .withOperatorKeys(List.of(new io.riskplane.verify.SigningKey(
                                LocalPlane.OPERATOR_KEY_ID,
                                null,
                                dir.resolve("keys")
                                        .resolve(LocalPlane.OPERATOR_KEY_ID + ".key")
                                        .toString()))),
                line -> System.out.println("[e2e lake replay] " + line));
        assertThat(o.records()).isEqualTo(validRecords + malformed);

        java.util.Set<String> liveIds = new java.util.TreeSet<>();
        live.forEach(e -> liveIds.add(e.getControl().getControlId()));
        assertThat(liveIds).hasSize(EXPECTED_CONTROLS);
        assertThat(controlIds(out.resolve("control-events.jsonl"))).isEqualTo(liveIds);
        assertThat(controlIds(out.resolve("control-events-early.jsonl"))).isEqualTo(early);
        awaitTrue(
                "the control events in ClickHouse",
                () -> count("SELECT count() FROM riskplane.control_events " + "FINAL")
                        == EXPECTED_CONTROLS + TradingSession.RUNAWAY_BURSTS);
        java.util.Set<String> stored = new java.util.TreeSet<>(List.of(plane.clickhouse
                .query(
                        "SELECT control_id FROM riskplane.control_events FINAL WHERE rule_id != 'guardrail.order-rate.early' "
                                + "FORMAT TabSeparated")
                .strip()
                .split("\n")));
        assertThat(controlIds(out.resolve("control-events.jsonl"))).isEqualTo(stored);
        // The malformed records, refused again from rejected_inputs, and the refused operator commands: the same dead
        // letters (ids over their topic, partition and offset) as the plane's.
        awaitTrue(
                "the dead letters in ClickHouse",
                () -> count("SELECT count() FROM riskplane.dead_letters FINAL") >= malformed + 2);
        java.util.Set<String> deadLetters = new java.util.TreeSet<>(List.of(plane.clickhouse
                .query("SELECT dead_letter_id FROM riskplane.dead_letters FINAL FORMAT TabSeparated")
                .strip()
                .split("\n")));
        assertThat(controlIds(out.resolve("dead-letters.jsonl"))).isEqualTo(deadLetters);
    }

    /** The event ids of a replay file's lines (a control event's id is its control id). */
    static java.util.Set<String> controlIds(Path file) throws java.io.IOException {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        for (String l : java.nio.file.Files.readAllLines(file)) {
            ids.add(new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(l)
                    .path("eventId")
                    .asText());
        }
        return ids;
    }

    @Test
    void everyHaltHasItsStateAndEveryOperatorCommandItsVerdict() throws Exception {
        List<Envelope> controls;
        try (CommittedTopicReader reader = CommittedTopicReader.control(plane.kafka.bootstrapServers())) {
            awaitTrue(
                    "all control events on the control topic",
                    () -> poll(reader).size() >= EXPECTED_CONTROLS);
            controls = poll(reader);
        }
        var ks = byRule(controls, "pnl.drawdown.kill-switch").getControl();
        // The halt state of every scope, as execution bootstraps from it and `riskplane control status` shows it:
        // the drawdown halt stands; globex/pm-arb's operator halt was lifted by the operator's resume, and its
        // guardrail kill-switch (another rule, later) stands.
        String operatorResume = byRule(controls, "operator.resume").getControl().getControlId();
        awaitTrue("the halt state of the halted scopes", () -> {
            var st = haltStates();
            var pm = st.get("globex|pm-arb||||");
            return st.containsKey("acme|momentum-btc||||")
                    && pm != null
                    && pm.getHaltsList().stream().anyMatch(h -> h.getRuleId().equals("guardrail.repeat.kill-switch"));
        });
        java.util.Map<String, io.riskplane.v1.HaltState> states = haltStates();
        io.riskplane.v1.HaltState momo = states.get("acme|momentum-btc||||");
        assertThat(momo.getStatus()).isEqualTo(io.riskplane.v1.HaltStatus.HALT_STATUS_HALTED);
        assertThat(momo.getHaltsList())
                .extracting(io.riskplane.v1.HaltEntry::getEpisodeId)
                .containsExactly(ks.getControlId());
        assertThat(states.get("globex|pm-arb||||").getHaltsList())
                .extracting(io.riskplane.v1.HaltEntry::getRuleId)
                .containsExactly("guardrail.repeat.kill-switch");
        awaitTrue(
                "the operator's lift in the scope's history",
                () -> count("SELECT count() FROM "
                                + "riskplane.halt_states FINAL WHERE scope_key = 'globex|pm-arb||||' AND control_id = '"
                                + operatorResume
                                + "' AND change LIKE 'LIFTED KILL_SWITCH operator.halt by operator.resume%'")
                        == 1);
        // Every scope a halting control event named and no RESUME lifted is halted there; no other is.
        java.util.Set<String> expectedHalted = new java.util.TreeSet<>();
        for (Envelope c : controls) {
            if (c.getControl().getKind() == ControlKind.KILL_SWITCH
                    || c.getControl().getKind() == ControlKind.ROLLBACK) {
                // Lifted: a later RESUME of the same scope that lifts its rule (an SLO resume lifts SLO halts).
                boolean lifted = controls.stream()
                        .anyMatch(r -> r.getControl().getKind() == ControlKind.RESUME
                                && r.getControl()
                                        .getScope()
                                        .equals(c.getControl().getScope())
                                && (r.getControl()
                                                .getLiftsRuleId()
                                                .equals(c.getControl().getRuleId())
                                        || r.getControl().getLiftsRuleId().equals("*")
                                        || r.getControl().getRuleId().equals("slo.recovery.resume")
                                                && c.getControl().getRuleId().equals("slo.breach.kill-switch"))
                                && io.riskplane.contract.ProtoTime.toMillis(
                                                r.getControl().getDecidedAt())
                                        >= io.riskplane.contract.ProtoTime.toMillis(
                                                c.getControl().getDecidedAt()));
                if (!lifted) {
                    expectedHalted.add(io.riskplane.verify.ControlVerifier.scopeKey(
                            c.getControl().getScope()));
                }
            }
        }
        assertThat(states.entrySet().stream()
                        .filter(e -> e.getValue().getStatus() == io.riskplane.v1.HaltStatus.HALT_STATUS_HALTED)
                        .map(java.util.Map.Entry::getKey))
                .containsExactlyInAnyOrderElementsOf(expectedHalted);
        awaitTrue(
                "the halts view",
                () -> count("SELECT count() FROM riskplane.halts WHERE status = 'HALTED'") == expectedHalted.size());
        assertThat(plane.clickhouse
                        .query("SELECT episode_ids, since_ms FROM riskplane.halts "
                                + "WHERE scope_key = 'acme|momentum-btc||||'")
                        .trim())
                .isEqualTo(ks.getControlId() + "\t" + io.riskplane.contract.ProtoTime.toMillis(ks.getDecidedAt()));
        // Operator commands, with what became of each: the halt and the resume applied, the forged resume refused.
        awaitTrue(
                "operator commands in ClickHouse",
                () -> count("SELECT count() FROM riskplane.operator_commands " + "WHERE verdict != 'PENDING'") == 3);
        assertThat(plane.clickhouse.query("SELECT command_id, verdict, refused_reason, operator_id, ticket "
                        + "FROM riskplane.operator_commands ORDER BY issued_at_ms"))
                .isEqualTo("cmd-e2e-halt\tACCEPTED\t\toncall\tE2E-1\n"
                        + "cmd-e2e-forged\tREFUSED\tBAD_SIGNATURE\toncall\tE2E-1\n"
                        + "cmd-e2e-resume\tACCEPTED\t\toncall\tE2E-1\n");
    }

    static Envelope byId(List<Envelope> controls, String id) {
        return controls.stream()
                .filter(e -> e.getControl().getControlId().equals(id))
                .findFirst()
                .orElseThrow();
    }

    static Envelope byRule(List<Envelope> controls, String rule) {
        return controls.stream()
                .filter(e -> e.getControl().getRuleId().equals(rule))
                .findFirst()
                .orElseThrow();
    }

    /** Each scope's latest state on riskplane.v1.halt-state, as `riskplane control status` reads it. */
    static java.util.Map<String, io.riskplane.v1.HaltState> haltStates() {
        try {
            return io.riskplane.cli.ControlCommand.latest(plane.kafka.bootstrapServers(), new Properties());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static double metricTotal(String suffix) {
        return io.riskplane.infra.PrometheusScrape.sum(plane.metricsUrl(), suffix);
    }

    static List<Double> metricValues(String suffix) {
        return io.riskplane.infra.PrometheusScrape.values(plane.metricsUrl(), suffix);
    }

    /**
     * Every ClickHouse query a user is given (each Grafana panel and variable, Grafana macros expanded over the
     * session, and every SQL block of the analyst guide and the runbooks) runs against the session's data and
     * returns rows.
     */
    @Test
    void everyDashboardPanelAndDocumentedQueryReturnsRows() throws Exception {
        awaitTrue(
                "the session in ClickHouse",
                () -> count("SELECT count() FROM riskplane.raw_events FINAL") == validEvents
                        && count("SELECT count() FROM riskplane.control_events FINAL")
                                == EXPECTED_CONTROLS + TradingSession.RUNAWAY_BURSTS
                        && count("SELECT count() FROM riskplane.alerts FINAL") == EXPECTED_CONTROLS);
        Path root = Path.of("").toAbsolutePath();
        while (!java.nio.file.Files.isDirectory(root.resolve("dashboards"))) {
            root = root.getParent();
        }
        long from = java.time.Instant.parse("2026-11-20T14:00:00Z").getEpochSecond();
        long to = java.time.Instant.parse("2026-11-20T16:00:00Z").getEpochSecond();
        List<GrafanaDashboards.Query> queries =
                new java.util.ArrayList<>(GrafanaDashboards.clickHouseQueries(root, from, to, 60));
        int panels = queries.size();
        queries.addAll(GrafanaDashboards.markdownQueries(root.resolve("docs/analyst-guide.md")));
        queries.addAll(GrafanaDashboards.markdownQueries(root.resolve("docs/runbooks.md")));
        assertThat(panels).as("dashboard queries").isGreaterThanOrEqualTo(20);
        assertThat(queries.size() - panels).as("documented queries").isGreaterThanOrEqualTo(12);
        List<String> failures = new java.util.ArrayList<>();
        for (GrafanaDashboards.Query q : queries) {
            try {
                String rows = plane.clickhouse.query(q.sql());
                if (rows.isBlank()) {
                    failures.add(q.where() + ": no rows\n" + q.sql());
                }
            } catch (Exception e) {
                failures.add(q.where() + ": " + e.getMessage());
            }
        }
        assertThat(failures).as("queries that failed or returned nothing").isEmpty();
    }

    /**
     * The signed halt and resume are answered once each on the control topic, naming their commands; the forged and
     * the replayed command are dead letters and changed nothing.
     */
    @Test
    void operatorCommandsAreAnsweredOnceAndForgedOrReplayedOnesRefused() throws Exception {
        try (CommittedTopicReader r = new CommittedTopicReader(plane.kafka.bootstrapServers(), Topics.CONTROL)) {
            List<Envelope> all = new java.util.ArrayList<>();
            awaitTrue("the operator's control events", () -> {
                all.addAll(poll(r));
                return all.stream()
                                .filter(e -> e.getControl().getRuleId().startsWith("operator."))
                                .count()
                        >= 2;
            });
            List<io.riskplane.v1.ControlEvent> ops = all.stream()
                    .map(Envelope::getControl)
                    .filter(c -> c.getRuleId().startsWith("operator."))
                    .toList();
            assertThat(ops)
                    .extracting(c -> c.getRuleId() + " " + c.getKind() + " " + c.getLiftsRuleId() + " "
                            + c.getEvidence().getTriggerEventIdsList())
                    .containsExactlyInAnyOrder(
                            "operator.halt KILL_SWITCH  [cmd-e2e-halt]",
                            "operator.resume RESUME operator.halt [cmd-e2e-resume]");
            assertThat(ops).allSatisfy(c -> assertThat(
                            c.getScope().getOrg() + "/" + c.getScope().getStrategy())
                    .isEqualTo("globex/pm-arb"));
        }
        awaitTrue(
                "the refused commands in ClickHouse",
                () -> count("SELECT count() FROM riskplane.dead_letters FINAL "
                                + "WHERE reason_code IN ('BAD_SIGNATURE', 'REPLAYED_COMMAND')")
                        == 2);
        assertThat(plane.clickhouse.query("SELECT reason_code, original_event_id FROM riskplane.dead_letters FINAL "
                        + "WHERE reason_code IN ('BAD_SIGNATURE', 'REPLAYED_COMMAND') ORDER BY reason_code"))
                .isEqualTo("BAD_SIGNATURE\tcmd-e2e-forged\nREPLAYED_COMMAND\tcmd-e2e-halt\n");
    }

    /**
     * The execution side's view: every control event on the topic and the heartbeats verify under the plane's key;
     * a tampered or replayed record is rejected; the verifier ends with the drawdown kill-switch in force and lets
     * an untouched scope trade only while the heartbeat is fresh.
     */
    @Test
    void controlEventsAndHeartbeatsAreSignedAndVerifiable() throws Exception {
        ControlSigner key = ControlSigner.fromFile(
                LocalPlane.SIGNING_KEY_ID, Path.of(plane.config.signingKey().file()));
        // The demo session is a replay of 2026-11-20: its event time is days behind the wall clock, so this drill
        // opts out of the watermark-lag check that the documented set-up has on (checked below on a default one).
        ControlVerifier verifier = ControlVerifier.withoutWatermarkLagCheck(List.of(key), Duration.ofSeconds(30));
        ControlVerifier asDocumented = new ControlVerifier(List.of(key), Duration.ofSeconds(30));
        List<ConsumerRecord<byte[], byte[]>> controls = new java.util.ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> heartbeats = new java.util.ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                CommittedTopicReader.fromBeginning(plane.kafka.bootstrapServers(), Topics.CONTROL, Topics.HEARTBEAT)) {
            awaitTrue("every control event and a heartbeat past the last decision", () -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    (r.topic().equals(Topics.CONTROL) ? controls : heartbeats).add(r);
                }
                return controls.size() >= EXPECTED_CONTROLS
                        && !heartbeats.isEmpty()
                        && watermarkOf(heartbeats.get(heartbeats.size() - 1))
                                > java.time.Instant.parse("2026-11-20T15:26:05Z")
                                        .toEpochMilli();
            });
        }
        java.time.Instant now = java.time.Instant.now();
        for (ConsumerRecord<byte[], byte[]> r : controls) {
            assertThat(verifier.accept(r.value(), KafkaHeaders.of(r), now)).isEqualTo(ControlVerifier.Verdict.ACCEPTED);
        }
        ConsumerRecord<byte[], byte[]> first = controls.get(0);
        assertThat(verifier.accept(first.value(), KafkaHeaders.of(first), now))
                .isEqualTo(ControlVerifier.Verdict.REPLAYED);
        byte[] tampered = first.value().clone();
        tampered[tampered.length / 2] ^= 0x01;
        assertThat(verifier.accept(tampered, KafkaHeaders.of(first), now))
                .isEqualTo(ControlVerifier.Verdict.BAD_SIGNATURE);

        Scope killed = Scope.newBuilder()
                .setOrg(TradingSession.INCIDENT_ORG)
                .setStrategy(TradingSession.INCIDENT_STRATEGY)
                .setInstrument("CRYPTO:BTC-USD")
                .build();
        Scope untouched =
                Scope.newBuilder().setOrg("initech").setStrategy("none").build();
        assertThat(verifier.mayTrade(untouched, now).reason()).isEqualTo("PLANE_HEARTBEAT_MISSING");
        ConsumerRecord<byte[], byte[]> hb = heartbeats.get(heartbeats.size() - 1);
        assertThat(verifier.accept(hb.value(), KafkaHeaders.of(hb), now)).isEqualTo(ControlVerifier.Verdict.ACCEPTED);
        assertThat(asDocumented.accept(hb.value(), KafkaHeaders.of(hb), now))
                .isEqualTo(ControlVerifier.Verdict.ACCEPTED);
        assertThat(verifier.mayTrade(killed, now).allowed()).isFalse();
        assertThat(verifier.mayTrade(killed, now).reason()).contains("pnl.drawdown.kill-switch");
        java.time.Instant beat = java.time.Instant.ofEpochMilli(hb.timestamp());
        assertThat(verifier.mayTrade(untouched, beat.plusSeconds(1)).allowed()).isTrue();
        assertThat(verifier.mayTrade(untouched, beat.plusSeconds(31)).reason()).startsWith("PLANE_HEARTBEAT_STALE");
        // With the default check, a plane whose event time is days behind the wall clock allows nothing.
        assertThat(asDocumented.mayTrade(untouched, beat.plusSeconds(1)).reason())
                .startsWith("PLANE_EVENT_TIME_STALLED");
    }

    static long watermarkOf(ConsumerRecord<byte[], byte[]> heartbeat) {
        try {
            return io.riskplane.contract.ProtoTime.toMillis(
                    Envelope.parseFrom(heartbeat.value()).getHeartbeat().getWatermark());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void badInputLandsInDeadLettersWithReasons() throws Exception {
        // The malformed records of the session, and the forged and the replayed operator command.
        awaitTrue(
                "dead letters in ClickHouse",
                () -> count("SELECT count() FROM riskplane.dead_letters FINAL") == malformed + 2);
        String reasons = plane.clickhouse.query(
                "SELECT reason_code, count() FROM riskplane.dead_letters FINAL GROUP BY reason_code ORDER BY reason_code");
        assertThat(reasons)
                .isEqualTo("BAD_SIGNATURE\t1\nFUTURE_TIMESTAMP\t1\nINVALID_VALUE\t3\nMISSING_FIELD\t1\n"
                        + "REPLAYED_COMMAND\t1\nUNDECODABLE\t1\nUNKNOWN_ENUM\t1\n");
        try (CommittedTopicReader dl = new CommittedTopicReader(plane.kafka.bootstrapServers(), Topics.DEAD_LETTER)) {
            awaitTrue("dead letters on Kafka", () -> poll(dl).size() >= malformed);
            List<Envelope> letters = poll(dl);
            assertThat(letters)
                    .extracting(e -> e.getDeadLetter().getOriginalEventId())
                    .contains(
                            "bad-nan-quantity",
                            "bad-negative-quantity",
                            "bad-missing-strategy",
                            "bad-unknown-side",
                            "bad-future",
                            "bad-crossed-quote");
            assertThat(letters)
                    .anySatisfy(e -> assertThat(e.getDeadLetter().getOriginal().toStringUtf8())
                            .isEqualTo("this is not an envelope"));
        }
        // The plane kept going: every valid event after the bad ones was processed too.
        awaitTrue("valid events", () -> count("SELECT count() FROM riskplane.raw_events FINAL") == validEvents);
    }

    private static String scopeAndTime(Envelope e) {
        var c = e.getControl();
        return c.getScope().getOrg() + "/" + c.getScope().getStrategy() + "/"
                + c.getScope().getInstrument() + "@" + io.riskplane.contract.ProtoTime.toMillis(c.getDecidedAt());
    }

    private static List<Envelope> distinctById(List<Envelope> all) {
        java.util.Map<String, Envelope> byId = new java.util.TreeMap<>();
        all.forEach(e -> byId.putIfAbsent(e.getEventId(), e));
        return List.copyOf(byId.values());
    }

    private static long count(String sql) {
        return PlaneDrills.count(plane, sql);
    }

    private static List<Record> iceberg(String table) {
        try {
            return plane.lakehouse.readAll(table);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The id of the latest completed checkpoint: Flink keeps it as chk-N with a _metadata file. */
    private static long completedCheckpoints() {
        Path jobDir = dir.resolve("checkpoints").resolve(plane.job.getJobID().toString());
        try (var dirs = java.nio.file.Files.list(jobDir)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("chk-")
                            && java.nio.file.Files.exists(d.resolve("_metadata")))
                    .mapToLong(d -> Long.parseLong(d.getFileName().toString().substring(4)))
                    .max()
                    .orElse(0);
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
