package io.riskplane.cli;

import static io.riskplane.cli.ControlDiffTest.LANE;
import static io.riskplane.cli.ControlDiffTest.MEANREV;
import static io.riskplane.cli.ControlDiffTest.MOMO;
import static io.riskplane.cli.ControlDiffTest.halt;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.riskplane.contract.EnvelopeJson;
import io.riskplane.guardrails.EarlyOrderRateRule;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Scope;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `riskplane diff A B` on control-events.jsonl (and, with --early, control-events-early.jsonl) files: output and exit
 * codes (0 same, 1 different, 2 bad input); clickhouse:// arguments that cannot be read.
 */
class DiffCommandTest {
    @TempDir
    Path dir;

    String out;
    String err;

    int run(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cli = RiskPlaneCli.commandLine();
        cli.setOut(new PrintWriter(o));
        cli.setErr(new PrintWriter(e));
        int code = cli.execute(args);
        out = o.toString();
        err = e.toString();
        return code;
    }

    /** A replay output directory with these control events, written as replay writes them. */
    Path replay(String name, ControlEvent... events) throws Exception {
        return replay(name, "control-events.jsonl", events);
    }

    /** A replay output directory with these control events in this file of it. */
    Path replay(String name, String file, ControlEvent... events) throws Exception {
        return replay(dir, name, file, events);
    }

    /** A replay output directory under {@code root} with these control events in this file, as replay writes them. */
    static Path replay(Path root, String name, String file, ControlEvent... events) throws Exception {
        Path d = Files.createDirectories(root.resolve(name));
        List<String> lines = new ArrayList<>();
        for (ControlEvent c : events) {
            lines.add(EnvelopeJson.print(Envelope.newBuilder()
                    .setEventId(c.getControlId())
                    .setSource("riskplane")
                    .setEventTime(c.getDecidedAt())
                    .setControl(c)
                    .build()));
        }
        Files.write(d.resolve(file), lines);
        return d;
    }

    /** An early order-rate cooldown as rule guardrail.order-rate.early writes it. */
    static ControlEvent early(Scope scope, String at, int orders) {
        return halt(EarlyOrderRateRule.RULE_ID, scope, at, 1, orders).toBuilder()
                .setKind(ControlKind.COOLDOWN)
                .setReasonCode(EarlyOrderRateRule.REASON)
                .build();
    }

    /**
     * --early compares control-events-early.jsonl of the two replays, not control-events.jsonl; an early event
     * written twice (at least once, after a recovery of the plane) counts once.
     */
    @Test
    void earlyComparesTheEarlyFilesEachControlIdOnce() throws Exception {
        ControlEvent confirmed = halt("guardrail.trip.cooldown", MOMO, "2026-11-20T09:10:01Z", 1, 0.07);
        ControlEvent x = early(MOMO, "2026-11-20T09:10:00Z", 12);
        ControlEvent y = early(MEANREV, "2026-11-20T09:20:00Z", 11);
        ControlEvent z = early(LANE, "2026-11-20T09:30:00Z", 13);
        Path a = replay("a", confirmed);
        replay("a", "control-events-early.jsonl", x, y, x); // x twice: at least once
        Path b = replay("b", confirmed);
        replay("b", "control-events-early.jsonl", x, z);

        assertThat(run("diff", a.toString(), b.toString())).as(err).isZero(); // the confirmed events are the same
        assertThat(out).contains("1 control events in A, 1 in B: 1 same", "(identical)");

        assertThat(run("diff", a.toString(), b.toString(), "--early")).as(err).isEqualTo(1);
        assertThat(out)
                .contains("2 control events in A, 2 in B: 1 same, 0 moved, 0 changed, 1 only in a, " + "1 only in b")
                .doesNotContain("guardrail.trip.cooldown");
        assertThat(run("diff", a.toString(), b.toString(), "--early", "--json")).isEqualTo(1);
        List<String> rows = new ArrayList<>();
        for (String l : out.lines().toList()) {
            JsonNode j = new ObjectMapper().readTree(l);
            rows.add(j.path("status").asText() + " " + j.path("rule_id").asText() + " "
                    + (j.path("a").isNull() ? j.path("b") : j.path("a"))
                            .path("control_id")
                            .asText());
        }
        String rule = EarlyOrderRateRule.RULE_ID;
        assertThat(rows)
                .containsExactlyInAnyOrder(
                        "SAME " + rule + " " + x.getControlId(),
                        "ONLY_IN_A " + rule + " " + y.getControlId(),
                        "ONLY_IN_B " + rule + " " + z.getControlId());

        // The same early events, one side with a copy: identical (without the once-per-id the copy would be
        // ONLY_IN_A).
        Path c = replay("c", confirmed);
        replay("c", "control-events-early.jsonl", x, y);
        assertThat(run("diff", a.toString(), c.toString(), "--early"))
                .as(out + err)
                .isZero();
        assertThat(out).contains("2 control events in A, 2 in B: 2 same", "(identical)");
        // A file is read as given, with or without --early.
        assertThat(run(
                        "diff",
                        a.resolve("control-events-early.jsonl").toString(),
                        c.resolve("control-events-early.jsonl").toString(),
                        "--early"))
                .isZero();

        // A replay directory without the early file (written before early control events): exit 2.
        Path old = replay("old", confirmed);
        assertThat(run("diff", a.toString(), old.toString(), "--early")).isEqualTo(2);
        assertThat(err).contains("no control-events-early.jsonl in", "old");
    }

    @Test
    void aClickHouseSideThatCannotBeReadExitsTwo() throws Exception {
        Path a = replay("a", halt("pnl.drawdown", MOMO, "2026-11-20T09:10:00Z", 1, 0.07));
        for (String bad : List.of(
                "clickhouse://",
                "clickhouse://host:port",
                "clickhouse://h:8123/no-such-db!",
                "clickhouse://h:8123/riskplane?user=x",
                "clickhouse://user:secret@h:8123")) {
            assertThat(run("diff", a.toString(), bad)).as(bad).isEqualTo(2);
            assertThat(err).as(bad).contains("not clickhouse://HOST:PORT[/DATABASE]");
        }
        assertThat(err).doesNotContain("secret");
        // Nothing listens on port 1: exit 2, naming the table and the server; on either side.
        assertThat(run("diff", "clickhouse://127.0.0.1:1", a.toString())).isEqualTo(2);
        assertThat(err).startsWith("riskplane diff: cannot read riskplane.control_events at http://127.0.0.1:1");
        assertThat(out).isEmpty();
    }

    @Test
    void theHelpSaysWhatEachSideMayBe() {
        assertThat(run("diff", "--help")).isZero();
        String help = out.replaceAll("\\s+", " ");
        assertThat(help)
                .contains(
                        "kafka://HOST:PORT",
                        "clickhouse://HOST:PORT[/DATABASE]",
                        "--early",
                        "control-events-early.jsonl",
                        "riskplane.v1.control-early",
                        "told apart by rule_id",
                        "guardrail.order-rate.early",
                        "--user",
                        "--password-env");
    }

    @Test
    void theClickHouseQueryKeepsTheRuleAndTheRangeInItsWhere() {
        assertThat(DiffCommand.clickHouseWhere(false, null, null)).isEqualTo("rule_id != 'guardrail.order-rate.early'");
        assertThat(DiffCommand.clickHouseWhere(
                        true, Instant.parse("2026-11-20T00:00:00.750Z"), Instant.parse("2026-11-21T00:00:00Z")))
                .isEqualTo("rule_id = 'guardrail.order-rate.early'"
                        + " AND decided_at >= toDateTime(1795132800) AND decided_at < toDateTime(1795219200)");
        // A --to within a second: that second's rows are read (and the exact range kept after).
        assertThat(DiffCommand.clickHouseWhere(false, null, Instant.parse("2026-11-21T00:00:00.001Z")))
                .endsWith(" AND decided_at <= toDateTime(1795219200)");
        // Before the epoch or after DateTime's range: no bound ClickHouse cannot hold.
        assertThat(DiffCommand.clickHouseWhere(
                        false, Instant.parse("1969-12-31T00:00:00Z"), Instant.parse("2200-01-01T00:00:00Z")))
                .isEqualTo("rule_id != 'guardrail.order-rate.early'");
    }

    @Test
    void identicalReplaysExitZero() throws Exception {
        ControlEvent h = halt("pnl.drawdown", MOMO, "2026-11-20T09:10:00Z", 1, 0.07);
        Path a = replay("a", h);
        Path b = replay("b", h);

        assertThat(run("diff", a.toString(), b.resolve("control-events.jsonl").toString()))
                .isZero();
        assertThat(out)
                .contains(
                        "SAME",
                        "pnl.drawdown",
                        "org=acme strategy=momentum-btc",
                        "1 control events in A, 1 in B: 1 same, 0 moved, 0 changed, 0 only in a, 0 only in b (identical)");
        assertThat(err).isEmpty();
    }

    @Test
    void differentReplaysExitOneWithTheRowsSideBySide() throws Exception {
        Path a = replay(
                "a",
                halt("pnl.drawdown", MOMO, "2026-11-20T09:10:00Z", 1, 0.07),
                halt("signal.lag.halt-lanes", LANE, "2026-11-20T09:20:00Z", 1, 0.5));
        Path b = replay("b", halt("pnl.drawdown", MOMO, "2026-11-20T09:12:30Z", 2, 0.07));

        assertThat(run("diff", a.toString(), b.toString())).isEqualTo(1);
        assertThat(out)
                .contains(
                        "MOVED",
                        "+2m30s",
                        "2026-11-20T09:10:00Z",
                        "2026-11-20T09:12:30Z",
                        "A: DRAWDOWN_BREACHED  default@1  drawdown_fraction=0.07, samples=3 vs max_drawdown_fraction >= 0.05",
                        "B: DRAWDOWN_BREACHED  default@2",
                        "ONLY_IN_A",
                        "lane=lane-momo",
                        "B: -",
                        "2 control events in A, 1 in B: 0 same, 1 moved, 0 changed, 1 only in a, 0 only in b");

        assertThat(run("diff", a.toString(), b.toString(), "--json")).isEqualTo(1);
        List<String> lines = out.lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode moved = new ObjectMapper().readTree(lines.get(0));
        assertThat(moved.path("status").asText()).isEqualTo("MOVED");
        assertThat(moved.path("shift").asText()).isEqualTo("+2m30s");
        assertThat(new ObjectMapper().readTree(lines.get(1)).path("status").asText())
                .isEqualTo("ONLY_IN_A");
    }

    @Test
    void badArgumentsExitTwoAndSayWhere() throws Exception {
        Path a = replay("a", halt("pnl.drawdown", MOMO, "2026-11-20T09:10:00Z", 1, 0.07));

        assertThat(run("diff", a.toString(), dir.resolve("missing").toString())).isEqualTo(2);
        assertThat(err).contains("no such file", "missing");

        assertThat(run(
                        "diff",
                        a.toString(),
                        Files.createDirectories(dir.resolve("empty")).toString()))
                .isEqualTo(2);
        assertThat(err).contains("no control-events.jsonl in");

        Path broken = dir.resolve("broken.jsonl");
        Files.write(
                broken,
                List.of(Files.readString(a.resolve("control-events.jsonl")).strip(), "", "{not json"));
        assertThat(run("diff", a.toString(), broken.toString())).isEqualTo(2);
        assertThat(err).contains("broken.jsonl:3: not an envelope");

        Path alert = dir.resolve("alerts.jsonl");
        Files.writeString(alert, "{\"eventId\":\"x\",\"alert\":{\"alertId\":\"a-1\"}}\n");
        assertThat(run("diff", a.toString(), alert.toString())).isEqualTo(2);
        assertThat(err).contains("alerts.jsonl:1: not a control event (payload alert)");

        assertThat(run("diff", a.toString())).isEqualTo(2);
        assertThat(out).isEmpty();
    }
}
