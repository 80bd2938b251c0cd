package io.riskplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.Topics;
import io.riskplane.demo.TradingSession;
import io.riskplane.infra.CommittedTopicReader;
import io.riskplane.infra.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `riskplane produce` and `riskplane replay` through the command line, on a real broker. */
class CliIT {
    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static List<TradingSession.Item> items;
    static Path session;

    @BeforeAll
    static void setUp() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        List<String> topics = new ArrayList<>(Topics.INPUTS);
        topics.add(Topics.DEAD_LETTER);
        kafka.createTopics(topics, 1);
        items = new TradingSession(7, TradingSession.DEFAULT_START, Duration.ofMinutes(3)).generate();
        session = dir.resolve("session.jsonl");
        TradingSession.export(items, session);
    }

    @AfterAll
    static void tearDown() {
        kafka.close();
    }

    @Test
    void controlSignsAnOperatorsCommandsAndPublishesThemOnTheOperatorTopic() throws Exception {
        byte[] key = "cli-oncall-key-cli-oncall-key-32".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Path keyFile = dir.resolve("oncall.key");
        Files.writeString(keyFile, java.util.Base64.getEncoder().encodeToString(key));
        int halt = RiskPlaneCli.commandLine()
                .execute(
                        "control",
                        "halt",
                        "--bootstrap",
                        kafka.bootstrapServers(),
                        "--operator",
                        "oncall",
                        "--key-file",
                        keyFile.toString(),
                        "--org",
                        "acme",
                        "--strategy",
                        "momo",
                        "--reason",
                        "feed suspect",
                        "--ticket",
                        "INC-1",
                        "--command-id",
                        "cmd-cli-halt");
        int resume = RiskPlaneCli.commandLine()
                .execute(
                        "control",
                        "resume",
                        "--bootstrap",
                        kafka.bootstrapServers(),
                        "--operator",
                        "oncall",
                        "--key-file",
                        keyFile.toString(),
                        "--adapter",
                        "kraken-rest",
                        "--rule",
                        "slo.breach.kill-switch",
                        "--reason",
                        "venue back");
        assertThat(halt).isZero();
        assertThat(resume).isZero();
        List<io.riskplane.v1.Envelope> commands = new ArrayList<>();
        try (CommittedTopicReader r = new CommittedTopicReader(kafka.bootstrapServers(), Topics.OPERATOR)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (commands.size() < 2 && System.nanoTime() < deadline) {
                commands.addAll(r.poll(Duration.ofMillis(200)));
            }
        }
        assertThat(commands).hasSize(2);
        Map<String, io.riskplane.verify.ControlSigner> keys =
                Map.of("oncall", new io.riskplane.verify.ControlSigner("oncall", key));
        assertThat(commands).allSatisfy(e -> assertThat(io.riskplane.verify.OperatorCommands.verify(e, keys))
                .isEqualTo(io.riskplane.verify.OperatorCommands.Verdict.ACCEPTED));
        io.riskplane.v1.OperatorCommand h = commands.get(0).getOperatorCommand();
        assertThat(h.getCommandId())
                .isEqualTo("cmd-cli-halt")
                .isEqualTo(commands.get(0).getEventId());
        assertThat(h.getAction()).isEqualTo(io.riskplane.v1.OperatorAction.OPERATOR_HALT);
        assertThat(h.getScope().getOrg() + "/" + h.getScope().getStrategy()).isEqualTo("acme/momo");
        assertThat(h.getTicket()).isEqualTo("INC-1");
        io.riskplane.v1.OperatorCommand r = commands.get(1).getOperatorCommand();
        assertThat(r.getRuleId()).isEqualTo("slo.breach.kill-switch");
        assertThat(r.getScope().getAdapter()).isEqualTo("kraken-rest");
        assertThat(r.getCommandId()).startsWith("cmd-");
        // Without a key source the command is not sent.
        assertThat(RiskPlaneCli.commandLine()
                        .execute(
                                "control",
                                "halt",
                                "--bootstrap",
                                kafka.bootstrapServers(),
                                "--operator",
                                "oncall",
                                "--org",
                                "acme",
                                "--reason",
                                "x"))
                .isNotZero();
    }

    /**
     * `control status` reads the compacted halt-state topic to its end and shows each scope's latest state: a scope
     * halted then resumed is gone unless --all; filters by scope field; --json prints the states.
     */
    @Test
    void controlStatusShowsEachScopesLatestHaltState() throws Exception {
        kafka.createTopics(List.of(Topics.HALT_STATE), 1);
        io.riskplane.v1.Scope momo = io.riskplane.v1.Scope.newBuilder()
                .setOrg("acme")
                .setStrategy("momo")
                .build();
        io.riskplane.v1.Scope route =
                io.riskplane.v1.Scope.newBuilder().setAdapter("kraken-rest").build();
        io.riskplane.v1.HaltEntry drawdown = io.riskplane.v1.HaltEntry.newBuilder()
                .setRuleId("pnl.drawdown.kill-switch")
                .setKind(io.riskplane.v1.ControlKind.KILL_SWITCH)
                .setEpisodeId("ctl-dd1")
                .setSince(io.riskplane.contract.ProtoTime.fromMillis(1_795_185_000_000L))
                .setControlId("ctl-dd1")
                .setSummary("drawdown 26000 USD >= 25000 USD")
                .build();
        io.riskplane.v1.HaltEntry rollback = drawdown.toBuilder()
                .setRuleId("route.fallback.rollback")
                .setKind(io.riskplane.v1.ControlKind.ROLLBACK)
                .setEpisodeId("ctl-rb1")
                .setControlId("ctl-rb1")
                .setSummary("route disabled")
                .build();
        List<io.riskplane.v1.Envelope> states = List.of(
                state("hst-ctl-rb1", route, io.riskplane.v1.HaltStatus.HALT_STATUS_HALTED, rollback),
                state("hst-ctl-dd1", momo, io.riskplane.v1.HaltStatus.HALT_STATUS_HALTED, drawdown),
                state("hst-ctl-r1", route, io.riskplane.v1.HaltStatus.HALT_STATUS_ACTIVE));
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        try (var p = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(
                props,
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            for (io.riskplane.v1.Envelope e : states) {
                p.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                                Topics.HALT_STATE,
                                io.riskplane.verify.ControlVerifier.scopeKey(
                                                e.getHaltState().getScope())
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                e.toByteArray()))
                        .get();
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.out;
        try {
            System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
            assertThat(RiskPlaneCli.commandLine().execute("control", "status", "--bootstrap", kafka.bootstrapServers()))
                    .isZero();
            String halted = out.toString(java.nio.charset.StandardCharsets.UTF_8);
            out.reset();
            assertThat(RiskPlaneCli.commandLine()
                            .execute(
                                    "control",
                                    "status",
                                    "--bootstrap",
                                    kafka.bootstrapServers(),
                                    "--all",
                                    "--adapter",
                                    "kraken-rest"))
                    .isZero();
            String routeOut = out.toString(java.nio.charset.StandardCharsets.UTF_8);
            out.reset();
            assertThat(RiskPlaneCli.commandLine()
                            .execute("control", "status", "--bootstrap", kafka.bootstrapServers(), "--org", "globex"))
                    .isZero();
            String none = out.toString(java.nio.charset.StandardCharsets.UTF_8);
            System.setOut(saved);
            assertThat(halted.lines()).hasSize(2); // header and the drawdown halt: the route was resumed
            assertThat(halted.lines().skip(1).findFirst().orElseThrow())
                    .contains("org=acme,strategy=momo")
                    .contains("HALTED")
                    .contains("2026-11-20T14:30:00Z")
                    .contains("pnl.drawdown.kill-switch")
                    .contains("ctl-dd1")
                    .contains("drawdown 26000 USD >= 25000 USD");
            assertThat(routeOut.lines()).hasSize(2);
            assertThat(routeOut.lines().skip(1).findFirst().orElseThrow())
                    .contains("adapter=kraken-rest")
                    .contains("ACTIVE")
                    .contains("by ctl-r1");
            assertThat(none).isEqualTo("nothing halted\n");

            // With the control-signing key: only signed states are shown; the unsigned ones make it exit 3.
            byte[] key = "cli-control-key-cli-control-key!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Path keyFile = dir.resolve("control.key");
            Files.writeString(keyFile, java.util.Base64.getEncoder().encodeToString(key));
            io.riskplane.verify.ControlSigner signer = new io.riskplane.verify.ControlSigner("k1", key);
            io.riskplane.v1.Envelope signed = state(
                    "hst-ctl-g1",
                    io.riskplane.v1.Scope.newBuilder()
                            .setOrg("globex")
                            .setStrategy("pm-arb")
                            .build(),
                    io.riskplane.v1.HaltStatus.HALT_STATUS_HALTED,
                    drawdown.toBuilder()
                            .setEpisodeId("ctl-g1")
                            .setControlId("ctl-g1")
                            .build());
            try (var p = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(
                    props,
                    new org.apache.kafka.common.serialization.ByteArraySerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                var record = new org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>(
                        Topics.HALT_STATE,
                        "globex|pm-arb||||".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        signed.toByteArray());
                record.headers()
                        .add(
                                io.riskplane.verify.ControlSigner.KEY_ID_HEADER,
                                "k1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                record.headers()
                        .add(
                                io.riskplane.verify.ControlSigner.SIGNATURE_HEADER,
                                signer.signatureHeader(signed.toByteArray()));
                p.send(record).get();
            }
            out.reset();
            System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
            int verifiedExit = RiskPlaneCli.commandLine()
                    .execute(
                            "control",
                            "status",
                            "--bootstrap",
                            kafka.bootstrapServers(),
                            "--control-key-id",
                            "k1",
                            "--control-key-file",
                            keyFile.toString());
            System.setOut(saved);
            assertThat(verifiedExit).isEqualTo(3);
            String verified = out.toString(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(verified.lines()).hasSize(2);
            assertThat(verified).contains("org=globex,strategy=pm-arb").doesNotContain("acme");
        } finally {
            System.setOut(saved);
        }
    }

    static io.riskplane.v1.Envelope state(
            String id,
            io.riskplane.v1.Scope scope,
            io.riskplane.v1.HaltStatus status,
            io.riskplane.v1.HaltEntry... halts) {
        return io.riskplane.v1.Envelope.newBuilder()
                .setEventId(id)
                .setSource("riskplane")
                .setHaltState(io.riskplane.v1.HaltState.newBuilder()
                        .setScope(scope)
                        .setStatus(status)
                        .setControlId(id.substring(4))
                        .addAllHalts(List.of(halts))
                        .setUpdatedAt(io.riskplane.contract.ProtoTime.fromMillis(1_795_185_600_000L)))
                .build();
    }

    /**
     * `diff A kafka://...` compares a replay with the live control topic (read_committed), over the range --from/--to
     * gives: the same halt on both sides is SAME whatever its id; one only live is ONLY_IN_B.
     */
    @Test
    void diffComparesAReplayWithTheLiveControlTopic() throws Exception {
        kafka.createTopics(List.of(Topics.CONTROL), 1);
        io.riskplane.v1.ControlEvent kill = io.riskplane.v1.ControlEvent.newBuilder()
                .setControlId("ctl-live-1")
                .setKind(io.riskplane.v1.ControlKind.KILL_SWITCH)
                .setRuleId("pnl.drawdown.kill-switch")
                .setScope(io.riskplane.v1.Scope.newBuilder().setOrg("acme").setStrategy("momo"))
                .setReasonCode("DRAWDOWN_LIMIT_BREACHED")
                .setDecidedAt(io.riskplane.contract.ProtoTime.fromMillis(1_795_185_000_000L))
                .build();
        io.riskplane.v1.ControlEvent later = kill.toBuilder()
                .setControlId("ctl-live-2")
                .setScope(io.riskplane.v1.Scope.newBuilder().setOrg("globex").setStrategy("pm-arb"))
                .setDecidedAt(io.riskplane.contract.ProtoTime.fromMillis(1_795_271_400_000L))
                .build(); // next day
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        try (var p = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(
                props,
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            for (io.riskplane.v1.ControlEvent c : List.of(kill, later)) {
                p.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                                Topics.CONTROL,
                                null,
                                io.riskplane.v1.Envelope.newBuilder()
                                        .setEventId(c.getControlId())
                                        .setControl(c)
                                        .build()
                                        .toByteArray()))
                        .get();
            }
        }
        // The replay decided the same halt (another id: say, another policy version) and nothing the next day.
        Path replay = dir.resolve("diff-replay");
        Files.createDirectories(replay);
        Files.writeString(
                replay.resolve("control-events.jsonl"),
                io.riskplane.contract.EnvelopeJson.print(io.riskplane.v1.Envelope.newBuilder()
                                .setEventId("ctl-replay-1")
                                .setControl(kill.toBuilder().setControlId("ctl-replay-1"))
                                .build())
                        + "\n");
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cli = RiskPlaneCli.commandLine();
        cli.setOut(new java.io.PrintWriter(out));
        int whole = cli.execute("diff", replay.toString(), "kafka://" + kafka.bootstrapServers());
        assertThat(whole).isEqualTo(1);
        assertThat(out.toString()).contains("ONLY_IN_B").contains("globex").contains("1 same");
        out.getBuffer().setLength(0);
        int day = cli.execute(
                "diff",
                replay.toString(),
                "kafka://" + kafka.bootstrapServers(),
                "--from",
                "2026-11-20T00:00:00Z",
                "--to",
                "2026-11-21T00:00:00Z");
        assertThat(day).isZero();
        assertThat(out.toString()).contains("(identical)");
    }

    /**
     * `diff A kafka://... --early` compares control-events-early.jsonl with the early control topic, not the confirmed
     * ones; the early topic is at least once, so an event written twice counts once.
     */
    @Test
    void diffEarlyComparesAReplayWithTheEarlyControlTopic() throws Exception {
        kafka.createTopics(List.of(Topics.CONTROL_EARLY), 1);
        io.riskplane.v1.ControlEvent early = io.riskplane.v1.ControlEvent.newBuilder()
                .setControlId("ctl-early-1")
                .setKind(io.riskplane.v1.ControlKind.COOLDOWN)
                .setRuleId(io.riskplane.guardrails.EarlyOrderRateRule.RULE_ID)
                .setScope(io.riskplane.v1.Scope.newBuilder().setOrg("acme").setStrategy("momo"))
                .setReasonCode(io.riskplane.guardrails.EarlyOrderRateRule.REASON)
                .setDecidedAt(io.riskplane.contract.ProtoTime.fromMillis(1_795_185_000_000L))
                .build();
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        try (var p = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(
                props,
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            for (int copy = 0; copy < 2; copy++) { // written again after a recovery of the plane
                p.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                                Topics.CONTROL_EARLY,
                                null,
                                io.riskplane.v1.Envelope.newBuilder()
                                        .setEventId(early.getControlId())
                                        .setControl(early)
                                        .build()
                                        .toByteArray()))
                        .get();
            }
        }
        Path replay = dir.resolve("diff-early-replay");
        Files.createDirectories(replay);
        Files.writeString(replay.resolve("control-events.jsonl"), "");
        Files.writeString(
                replay.resolve("control-events-early.jsonl"),
                io.riskplane.contract.EnvelopeJson.print(io.riskplane.v1.Envelope.newBuilder()
                                .setEventId(early.getControlId())
                                .setControl(early)
                                .build())
                        + "\n");
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = RiskPlaneCli.commandLine();
        cli.setOut(new java.io.PrintWriter(out));
        cli.setErr(new java.io.PrintWriter(err));
        int code = cli.execute("diff", replay.toString(), "kafka://" + kafka.bootstrapServers(), "--early");
        assertThat(code).as(out + " " + err).isZero();
        assertThat(out.toString()).contains("1 control events in A, 1 in B: 1 same", "(identical)");
        // A replay without the early halt: it appears in B.
        Path other = dir.resolve("diff-early-other");
        Files.createDirectories(other);
        Files.writeString(other.resolve("control-events-early.jsonl"), "");
        out.getBuffer().setLength(0);
        assertThat(cli.execute("diff", other.toString(), "kafka://" + kafka.bootstrapServers(), "--early"))
                .isEqualTo(1);
        assertThat(out.toString()).contains("ONLY_IN_B", "0 control events in A, 1 in B");
    }

    /** A topic that does not exist is an error, never an empty answer ("nothing halted"). */
    @Test
    void readingAMissingTopicFailsInsteadOfAnsweringNothing() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.riskplane.infra.CommittedTopicReader.readToEnd(
                        kafka.bootstrapServers(),
                        new java.util.Properties(),
                        "riskplane.v1.no-such-topic",
                        Duration.ofSeconds(30),
                        r -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void producePublishesEachEnvelopeToTheTopicOfItsPayload() throws Exception {
        Map<String, Integer> expected = new TreeMap<>();
        for (TradingSession.Item i : items) {
            if (i.envelope() != null) {
                expected.merge(i.topic(), 1, Integer::sum);
            }
        }
        // The session's one line that is not an envelope is skipped and reported: exit code 2.
        int rc = RiskPlaneCli.commandLine()
                .execute("produce", "--input", session.toString(), "--bootstrap", kafka.bootstrapServers());
        assertThat(rc).isEqualTo(2);
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            try (CommittedTopicReader r = new CommittedTopicReader(kafka.bootstrapServers(), e.getKey())) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                int n = 0;
                while (n < e.getValue() && System.nanoTime() < deadline) {
                    n = r.poll(Duration.ofMillis(200)).size();
                }
                assertThat(n).as(e.getKey()).isEqualTo(e.getValue());
            }
        }
        int raw = RiskPlaneCli.commandLine()
                .execute(
                        "produce",
                        "--input",
                        session.toString(),
                        "--bootstrap",
                        kafka.bootstrapServers(),
                        "--raw-topic",
                        Topics.DEAD_LETTER);
        assertThat(raw).isZero();
    }

    @Test
    void replayWritesItsThreeFiles() throws Exception {
        Path out = dir.resolve("out");
        int rc = RiskPlaneCli.commandLine()
                .execute("replay", "--input", session.toString(), "--out", out.toString(), "--parallelism", "2");
        assertThat(rc).isZero();
        assertThat(Files.readAllLines(out.resolve("dead-letters.jsonl"))).hasSize(7);
        assertThat(Files.readAllLines(out.resolve("pnl-bars.jsonl"))).isNotEmpty();
        assertThat(out.resolve("control-events.jsonl")).exists();
    }

    @Test
    void errorsNameTheCause() {
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = RiskPlaneCli.commandLine();
        cli.setErr(new java.io.PrintWriter(err, true));
        int rc = cli.execute(
                "replay",
                "--input",
                dir.resolve("missing.jsonl").toString(),
                "--out",
                dir.resolve("x").toString());
        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).contains("missing.jsonl is not a file");
    }

    @Test
    void benchTakesSeveralParallelismsAScaleAndABrokerMode() {
        BenchCommand defaults = (BenchCommand) RiskPlaneCli.commandLine()
                .parseArgs("bench")
                .subcommand()
                .commandSpec()
                .userObject();
        assertThat(defaults.parallelism).containsExactly(2);
        assertThat(defaults.scale).isEqualTo(1);
        assertThat(defaults.broker).isEqualTo(io.riskplane.infra.EmbeddedKafka.Mode.OWN_PROCESS);
        BenchCommand bench = (BenchCommand) RiskPlaneCli.commandLine()
                .parseArgs("bench", "--quick", "--parallelism", "1,2", "--scale", "10", "--broker", "IN_JVM")
                .subcommand()
                .commandSpec()
                .userObject();
        assertThat(bench.parallelism).containsExactly(1, 2);
        assertThat(bench.scale).isEqualTo(10);
        assertThat(bench.broker).isEqualTo(io.riskplane.infra.EmbeddedKafka.Mode.IN_JVM);

        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = RiskPlaneCli.commandLine();
        cli.setErr(new java.io.PrintWriter(err, true));
        assertThat(cli.execute(
                        "bench",
                        "--scale",
                        "0",
                        "--work-dir",
                        dir.resolve("bench").toString()))
                .isNotZero();
        assertThat(err.toString()).contains("must be at least 1");
    }
}
