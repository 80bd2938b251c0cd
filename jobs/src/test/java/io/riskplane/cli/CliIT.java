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
        int halt = RiskPlaneCli.commandLine().execute("control", "halt", "--bootstrap", kafka.bootstrapServers(),
                "--operator", "oncall", "--key-file", keyFile.toString(), "--org", "acme", "--strategy", "momo",
                "--reason", "feed suspect", "--ticket", "INC-1", "--command-id", "cmd-cli-halt");
        int resume = RiskPlaneCli.commandLine().execute("control", "resume", "--bootstrap", kafka.bootstrapServers(),
                "--operator", "oncall", "--key-file", keyFile.toString(), "--adapter", "kraken-rest", "--rule",
                "slo.breach.kill-switch", "--reason", "venue back");
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
        Map<String, io.riskplane.verify.ControlSigner> keys = Map.of("oncall",
                new io.riskplane.verify.ControlSigner("oncall", key));
        assertThat(commands).allSatisfy(e -> assertThat(io.riskplane.verify.OperatorCommands.verify(e, keys))
                .isEqualTo(io.riskplane.verify.OperatorCommands.Verdict.ACCEPTED));
        io.riskplane.v1.OperatorCommand h = commands.get(0).getOperatorCommand();
        assertThat(h.getCommandId()).isEqualTo("cmd-cli-halt").isEqualTo(commands.get(0).getEventId());
        assertThat(h.getAction()).isEqualTo(io.riskplane.v1.OperatorAction.OPERATOR_HALT);
        assertThat(h.getScope().getOrg() + "/" + h.getScope().getStrategy()).isEqualTo("acme/momo");
        assertThat(h.getTicket()).isEqualTo("INC-1");
        io.riskplane.v1.OperatorCommand r = commands.get(1).getOperatorCommand();
        assertThat(r.getRuleId()).isEqualTo("slo.breach.kill-switch");
        assertThat(r.getScope().getAdapter()).isEqualTo("kraken-rest");
        assertThat(r.getCommandId()).startsWith("cmd-");
        // Without a key source the command is not sent.
        assertThat(RiskPlaneCli.commandLine().execute("control", "halt", "--bootstrap", kafka.bootstrapServers(),
                "--operator", "oncall", "--org", "acme", "--reason", "x")).isNotZero();
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
        int rc = RiskPlaneCli.commandLine().execute("produce", "--input", session.toString(), "--bootstrap",
                kafka.bootstrapServers());
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
        int raw = RiskPlaneCli.commandLine().execute("produce", "--input", session.toString(), "--bootstrap",
                kafka.bootstrapServers(), "--raw-topic", Topics.DEAD_LETTER);
        assertThat(raw).isZero();
    }

    @Test
    void replayWritesItsThreeFiles() throws Exception {
        Path out = dir.resolve("out");
        int rc = RiskPlaneCli.commandLine().execute("replay", "--input", session.toString(), "--out", out.toString(),
                "--parallelism", "2");
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
        int rc = cli.execute("replay", "--input", dir.resolve("missing.jsonl").toString(), "--out",
                dir.resolve("x").toString());
        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).contains("missing.jsonl is not a file");
    }

    @Test
    void benchTakesSeveralParallelismsAScaleAndABrokerMode() {
        BenchCommand defaults = (BenchCommand) RiskPlaneCli.commandLine().parseArgs("bench").subcommand()
                .commandSpec().userObject();
        assertThat(defaults.parallelism).containsExactly(2);
        assertThat(defaults.scale).isEqualTo(1);
        assertThat(defaults.broker).isEqualTo(io.riskplane.infra.EmbeddedKafka.Mode.OWN_PROCESS);
        BenchCommand bench = (BenchCommand) RiskPlaneCli.commandLine().parseArgs("bench", "--quick",
                "--parallelism", "1,2", "--scale", "10", "--broker", "IN_JVM").subcommand().commandSpec().userObject();
        assertThat(bench.parallelism).containsExactly(1, 2);
        assertThat(bench.scale).isEqualTo(10);
        assertThat(bench.broker).isEqualTo(io.riskplane.infra.EmbeddedKafka.Mode.IN_JVM);

        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = RiskPlaneCli.commandLine();
        cli.setErr(new java.io.PrintWriter(err, true));
        assertThat(cli.execute("bench", "--scale", "0", "--work-dir", dir.resolve("bench").toString())).isNotZero();
        assertThat(err.toString()).contains("must be at least 1");
    }
}
