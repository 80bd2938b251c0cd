package io.riskplane.cli;

import static io.riskplane.cli.ControlDiffTest.LANE;
import static io.riskplane.cli.ControlDiffTest.MOMO;
import static io.riskplane.cli.ControlDiffTest.halt;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.riskplane.contract.EnvelopeJson;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.Envelope;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `riskplane diff A B` on control-events.jsonl files: output and exit codes (0 same, 1 different, 2 bad input). */
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
        Path d = Files.createDirectories(dir.resolve(name));
        List<String> lines = new ArrayList<>();
        for (ControlEvent c : events) {
            lines.add(EnvelopeJson.print(Envelope.newBuilder().setEventId(c.getControlId()).setSource("riskplane")
                    .setEventTime(c.getDecidedAt()).setControl(c).build()));
        }
        Files.write(d.resolve("control-events.jsonl"), lines);
        return d;
    }

    @Test
    void identicalReplaysExitZero() throws Exception {
        ControlEvent h = halt("pnl.drawdown", MOMO, "2026-11-20T09:10:00Z", 1, 0.07);
        Path a = replay("a", h);
        Path b = replay("b", h);

        assertThat(run("diff", a.toString(), b.resolve("control-events.jsonl").toString())).isZero();
        assertThat(out).contains("SAME", "pnl.drawdown", "org=acme strategy=momentum-btc",
                "1 control events in A, 1 in B: 1 same, 0 moved, 0 changed, 0 only in a, 0 only in b (identical)");
        assertThat(err).isEmpty();
    }

    @Test
    void differentReplaysExitOneWithTheRowsSideBySide() throws Exception {
        Path a = replay("a", halt("pnl.drawdown", MOMO, "2026-11-20T09:10:00Z", 1, 0.07),
                halt("signal.lag.halt-lanes", LANE, "2026-11-20T09:20:00Z", 1, 0.5));
        Path b = replay("b", halt("pnl.drawdown", MOMO, "2026-11-20T09:12:30Z", 2, 0.07));

        assertThat(run("diff", a.toString(), b.toString())).isEqualTo(1);
        assertThat(out).contains("MOVED", "+2m30s", "2026-11-20T09:10:00Z", "2026-11-20T09:12:30Z",
                "A: DRAWDOWN_BREACHED  default@1  drawdown_fraction=0.07, samples=3 vs max_drawdown_fraction >= 0.05",
                "B: DRAWDOWN_BREACHED  default@2", "ONLY_IN_A", "lane=lane-momo", "B: -",
                "2 control events in A, 1 in B: 0 same, 1 moved, 0 changed, 1 only in a, 0 only in b");

        assertThat(run("diff", a.toString(), b.toString(), "--json")).isEqualTo(1);
        List<String> lines = out.lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode moved = new ObjectMapper().readTree(lines.get(0));
        assertThat(moved.path("status").asText()).isEqualTo("MOVED");
        assertThat(moved.path("shift").asText()).isEqualTo("+2m30s");
        assertThat(new ObjectMapper().readTree(lines.get(1)).path("status").asText()).isEqualTo("ONLY_IN_A");
    }

    @Test
    void badArgumentsExitTwoAndSayWhere() throws Exception {
        Path a = replay("a", halt("pnl.drawdown", MOMO, "2026-11-20T09:10:00Z", 1, 0.07));

        assertThat(run("diff", a.toString(), dir.resolve("missing").toString())).isEqualTo(2);
        assertThat(err).contains("no such file", "missing");

        assertThat(run("diff", a.toString(), Files.createDirectories(dir.resolve("empty")).toString())).isEqualTo(2);
        assertThat(err).contains("no control-events.jsonl in");

        Path broken = dir.resolve("broken.jsonl");
        Files.write(broken, List.of(Files.readString(a.resolve("control-events.jsonl")).strip(), "", "{not json"));
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
