package io.riskplane.cli;

import static io.riskplane.cli.ControlDiffTest.MEANREV;
import static io.riskplane.cli.ControlDiffTest.MOMO;
import static io.riskplane.cli.ControlDiffTest.halt;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.riskplane.guardrails.EarlyOrderRateRule;
import io.riskplane.model.ControlRecord;
import io.riskplane.outputs.PlaneOutputs;
import io.riskplane.rules.ControlEvents;
import io.riskplane.sinks.clickhouse.ClickHouseHttp;
import io.riskplane.sinks.clickhouse.ClickHouseSchema;
import io.riskplane.sinks.clickhouse.ClickHouseTable;
import io.riskplane.sinks.clickhouse.LocalClickHouseServer;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `riskplane diff A clickhouse://HOST:PORT` on the real ClickHouse server (as ExplainCommandIT starts it), over
 * control_events rows inserted as the loader inserts them (RowBinary through the table's descriptor): two confirmed
 * control events on two days, one of them loaded twice (FINAL reads it once), and an early one loaded twice (at least
 * once). A replay directory with the first day's halt (another id) is SAME with it and ONLY_IN_A/ONLY_IN_B against
 * the second; --from/--to is pushed into the query; --early compares the early row only.
 */
class DiffClickHouseIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static LocalClickHouseServer server;
    static ClickHouseHttp ch;
    static String url;
    /** 2026-11-20T09:10:00.250Z, acme/momentum-btc. */
    static ControlEvent kill;
    /** 2026-11-21T08:00:00Z, acme/meanrev-eth: the next day. */
    static ControlEvent nextDay;

    static ControlEvent early;

    @BeforeAll
    static void setUp() throws Exception {
        server = LocalClickHouseServer.start(dir.resolve("clickhouse"));
        ch = new ClickHouseHttp(server.httpUrl(), "default", "");
        ClickHouseSchema.apply(ch);
        url = "clickhouse://" + server.httpUrl().substring("http://".length()).replaceAll("/$", "");

        kill = halt("pnl.drawdown.kill-switch", MOMO, "2026-11-20T09:10:00.250Z", 1, 0.07);
        nextDay = halt("pnl.drawdown.kill-switch", MEANREV, "2026-11-21T08:00:00Z", 1, 0.08);
        early = halt(EarlyOrderRateRule.RULE_ID, MOMO, "2026-11-20T09:09:58Z", 1, 12).toBuilder()
                .setKind(ControlKind.COOLDOWN)
                .setReasonCode(EarlyOrderRateRule.REASON)
                .build();
        insert(List.of(kill, nextDay, early));
        insert(List.of(kill, early)); // loaded again: a restart of the loader, a copy on the early topic
        assertThat(ch.count("SELECT count() FROM riskplane.control_events")).isEqualTo(5);
    }

    @AfterAll
    static void tearDown() {
        if (server != null) {
            server.close();
        }
    }

    static void insert(List<ControlEvent> events) throws Exception {
        ClickHouseTable<ControlRecord> table = PlaneOutputs.CONTROL_EVENTS.clickhouse();
        ByteArrayOutputStream rows = new ByteArrayOutputStream();
        for (ControlEvent c : events) {
            rows.writeBytes(table.rowBinary(ControlEvents.record(
                    c, "strategy|" + c.getScope().getOrg() + "|" + c.getScope().getStrategy())));
        }
        ch.insertRowBinary(table.name(), table.columns(), rows.toByteArray());
    }

    static Path replay(String name, String file, ControlEvent... events) throws Exception {
        return DiffCommandTest.replay(dir, name, file, events);
    }

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = RiskPlaneCli.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** The replay decided the first day's halt under another id (another policy run), and nothing the next day. */
    static Path replayOfTheFirstDay() throws Exception {
        ControlEvent replayed =
                kill.toBuilder().setControlId("ctl-replayed-kill").build();
        Path d = replay("replay", "control-events.jsonl", replayed);
        replay("replay", "control-events-early.jsonl", early.toBuilder().build());
        return d;
    }

    @Test
    void aReplayAgainstControlEventsIsSameAndOnlyInB() throws Exception {
        Path replay = replayOfTheFirstDay();

        // The whole table: the kill once (FINAL), the next day's halt only in ClickHouse, the early row left out.
        Run whole = run("diff", replay.toString(), url);
        assertThat(whole.code).as(whole.err).isEqualTo(1);
        assertThat(whole.out)
                .contains(
                        "SAME",
                        "ONLY_IN_B",
                        "strategy=meanrev-eth",
                        "1 control events in A, 2 in B: 1 same, 0 moved, 0 changed, 0 only in a, 1 only in b")
                .doesNotContain(EarlyOrderRateRule.RULE_ID);
        Run json = run("diff", replay.toString(), url, "--json");
        assertThat(json.code).isEqualTo(1);
        List<JsonNode> rows = new ArrayList<>();
        for (String l : json.out.lines().toList()) {
            rows.add(JSON.readTree(l));
        }
        assertThat(rows).extracting(r -> r.path("status").asText()).containsExactly("ONLY_IN_B", "SAME");
        assertThat(rows.get(0).path("b").path("control_id").asText()).isEqualTo(nextDay.getControlId());
        assertThat(rows.get(1).path("a").path("control_id").asText()).isEqualTo("ctl-replayed-kill");
        assertThat(rows.get(1).path("b").path("control_id").asText()).isEqualTo(kill.getControlId());
        assertThat(rows.get(1).path("b").path("decided_at").asText()).isEqualTo("2026-11-20T09:10:00.250Z");

        // The day the replay covers, read by a read-only user: identical.
        Run day = run(
                "diff",
                replay.toString(),
                url + "/riskplane",
                "--from",
                "2026-11-20T00:00:00Z",
                "--to",
                "2026-11-21T00:00:00Z",
                "--user",
                "analyst");
        assertThat(day.code).as(day.out + day.err).isZero();
        assertThat(day.out).contains("1 control events in A, 1 in B: 1 same", "(identical)");

        // ClickHouse as A: the next day's halt vanishes in the replay.
        Run reversed = run("diff", url, replay.toString(), "--only-changes");
        assertThat(reversed.code).isEqualTo(1);
        assertThat(reversed.out).contains("ONLY_IN_A", "strategy=meanrev-eth").doesNotContain("SAME  ");

        // The range, exactly: --to is exclusive to the millisecond, within decided_at's second.
        Run before = run("diff", replay.toString(), url, "--to", "2026-11-20T09:10:00.250Z");
        assertThat(before.code).isEqualTo(0);
        assertThat(before.out).contains("0 control events in A, 0 in B", "(identical)");
        Run upTo = run("diff", replay.toString(), url, "--to", "2026-11-20T09:10:00.251Z");
        assertThat(upTo.code).as(upTo.err).isZero();
        assertThat(upTo.out).contains("1 control events in A, 1 in B: 1 same");
        Run from = run("diff", replay.toString(), url, "--from", "2026-11-20T09:10:00.251Z");
        assertThat(from.code).isEqualTo(1);
        assertThat(from.out)
                .contains("0 control events in A, 1 in B: 0 same, 0 moved, 0 changed, 0 only in a, " + "1 only in b");
    }

    @Test
    void earlyComparesTheEarlyRowsEachOnce() throws Exception {
        Path replay = replayOfTheFirstDay();
        Run r = run("diff", replay.toString(), url, "--early");
        assertThat(r.code).as(r.out + r.err).isZero();
        assertThat(r.out)
                .contains("SAME", EarlyOrderRateRule.RULE_ID, "1 control events in A, 1 in B: 1 same", "(identical)");
        // Against a replay without the early halt: ONLY_IN_B.
        Path none = replay("no-early", "control-events-early.jsonl");
        Run missing = run("diff", none.toString(), url, "--early");
        assertThat(missing.code).isEqualTo(1);
        assertThat(missing.out).contains("ONLY_IN_B", "0 control events in A, 1 in B");
    }

    @Test
    void aDatabaseOrTableThatIsNotThereExitsTwo() {
        Run r = run("diff", url + "/no_such_db", url);
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).startsWith("riskplane diff: cannot read no_such_db.control_events at http://");
        assertThat(r.out).isEmpty();
    }
}
