package io.riskplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.riskplane.alerting.AlertSettings;
import io.riskplane.alerting.ControlEventAlerts;
import io.riskplane.contract.DeterministicId;
import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.ingest.EnvelopeDecoder;
import io.riskplane.ingest.RawEventRows;
import io.riskplane.model.AlertRecord;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.PnlBar;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.PolicyRecord;
import io.riskplane.operator.OperatorControls;
import io.riskplane.outputs.PlaneOutputs;
import io.riskplane.pnl.PnlBarBuilder;
import io.riskplane.rules.drawdown.DrawdownEvaluation;
import io.riskplane.rules.drawdown.KillSwitchEvents;
import io.riskplane.sinks.clickhouse.ClickHouseHttp;
import io.riskplane.sinks.clickhouse.ClickHouseRows;
import io.riskplane.sinks.clickhouse.ClickHouseSchema;
import io.riskplane.sinks.clickhouse.ClickHouseTable;
import io.riskplane.sinks.clickhouse.LocalClickHouseServer;
import io.riskplane.sinks.clickhouse.WarehouseRow;
import io.riskplane.v1.Alert;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Fill;
import io.riskplane.v1.OperatorAction;
import io.riskplane.v1.OperatorCommand;
import io.riskplane.v1.Quote;
import io.riskplane.v1.RiskPolicy;
import io.riskplane.v1.Scope;
import io.riskplane.v1.Side;
import io.riskplane.verify.ControlSigner;
import io.riskplane.verify.OperatorCommands;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `riskplane explain` on the real ClickHouse server, over rows written by the plane's own row code: raw events
 * decoded by the loader's RawEventRows from Kafka records, a drawdown kill-switch built by the rule's own
 * KillSwitchEvents, an operator resume by OperatorControls, the alert by ControlEventAlerts and the PnL fill row by
 * PnlBarBuilder, all inserted as the loader inserts them (RowBinary through each table's descriptor). The report is
 * checked against the values the test put in; an unknown id exits 3, a malformed one 2.
 */
class ExplainCommandIT {
    static final long T = 1_795_000_000_000L; // 2026-11-18T11:06:40Z
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static LocalClickHouseServer server;
    static ClickHouseHttp ch;
    static String killId;
    static String resumeId;
    static String snapshotId;
    static boolean episodes;

    @BeforeAll
    static void setUp() throws Exception {
        server = LocalClickHouseServer.start(dir.resolve("clickhouse"));
        ch = new ClickHouseHttp(server.httpUrl(), "default", "");
        ClickHouseSchema.apply(ch);

        // The input, as the loader stores it: each envelope decoded from its Kafka record.
        Envelope policyV1 = policy(1, 50_000, T - 3_600_000);
        Envelope policyV2 = policy(2, 25_000, T - 1_800_000);
        Envelope fill = Envelope.newBuilder()
                .setEventId("fill-explain-1")
                .setSource("exec-gw")
                .setEventTime(ProtoTime.fromMillis(T))
                .setFill(Fill.newBuilder()
                        .setFillId("F-77")
                        .setOrderId("O-77")
                        .setOrg("acme")
                        .setStrategy("momentum-btc")
                        .setInstrument("BTC-USD")
                        .setVenue("kraken")
                        .setSide(Side.SELL)
                        .setQuantity(0.5)
                        .setPrice(91234.5)
                        .setFee(1.25)
                        .setFeeCurrency("USD")
                        .setAdapter("kraken-rest")
                        .setExecTime(ProtoTime.fromMillis(T)))
                .build();
        Envelope quote = Envelope.newBuilder()
                .setEventId("quote-explain-1")
                .setSource("md-kraken")
                .setEventTime(ProtoTime.fromMillis(T))
                .setQuote(Quote.newBuilder()
                        .setVenue("kraken")
                        .setInstrument("BTC-USD")
                        .setBid(91200.0)
                        .setAsk(91210.0)
                        .setBidSize(1)
                        .setAskSize(2))
                .build();
        Envelope command = OperatorCommands.sign(
                Envelope.newBuilder()
                        .setEventId("cmd-explain-resume")
                        .setSource("riskplane-cli")
                        .setEventTime(ProtoTime.fromMillis(T + 60_000))
                        .setOperatorCommand(OperatorCommand.newBuilder()
                                .setCommandId("cmd-explain-resume")
                                .setAction(OperatorAction.OPERATOR_RESUME)
                                .setScope(Scope.newBuilder().setOrg("acme").setStrategy("momentum-btc"))
                                .setRuleId("pnl.drawdown.kill-switch")
                                .setOperatorId("oncall")
                                .setReason("loss confirmed, desk approved")
                                .setTicket("INC-4242"))
                        .build(),
                new ControlSigner("oncall", "explain-oncall-key-explain-oncall".getBytes(StandardCharsets.US_ASCII)));
        RawEventRows rawRows = new RawEventRows(new EnvelopeDecoder(300_000));
        long offset = 0;
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (Envelope e : List.of(policyV1, policyV2, fill, quote, command)) {
            ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>(
                    Topics.forPayload(e.getPayloadCase()),
                    0,
                    offset++,
                    ProtoTime.toMillis(e.getEventTime()) + 5,
                    TimestampType.CREATE_TIME,
                    -1,
                    e.toByteArray().length,
                    null,
                    e.toByteArray(),
                    new RecordHeaders(),
                    Optional.empty());
            WarehouseRow row = rawRows.rowOf(r);
            assertThat(row).as("a valid input event: " + e.getEventId()).isNotNull();
            raw.writeBytes(row.bytes());
        }
        ch.insertRowBinary("raw_events", ClickHouseRows.RAW_EVENTS.columns(), raw.toByteArray());

        // The decision: the snapshot of the fill breaches max_drawdown 25,000 of policy v2.
        snapshotId = DeterministicId.of("pnl-", "strategy|acme|momentum-btc", T);
        PnlSnapshot snap = new PnlSnapshot(
                snapshotId,
                PnlSnapshot.STRATEGY,
                "acme",
                "momentum-btc",
                T,
                "2026-11-18",
                -20_000,
                40,
                -6_000,
                974_000,
                1_000_000,
                T - 900_000,
                26_000,
                0.026,
                -26_000,
                1_000_000,
                new String[] {"fill-explain-1", "quote-explain-1", "quote-never-loaded"});
        PolicyRecord p2 = new PolicyRecord(
                "acme-momentum-btc",
                2,
                "acme",
                "momentum-btc",
                "",
                "",
                "",
                "USD",
                25_000,
                0,
                0,
                1_000_000,
                false,
                T - 1_800_000,
                "pol-acme-momentum-btc-v2",
                Map.of());
        ControlRecord kill = KillSwitchEvents.haltNewEntries(
                new DrawdownEvaluation(snap, p2, true, true, "DRAWDOWN_LIMIT_BREACHED", null, 0));
        killId = kill.controlId();
        ControlRecord resume = OperatorControls.of(command, OperatorControls.directive(command));
        resumeId = resume.controlId();
        insert(PlaneOutputs.CONTROL_EVENTS.clickhouse(), List.of(kill, resume));
        insert(PlaneOutputs.ALERTS.clickhouse(), List.of(alert(kill)));
        // Schema v8 (one alert per halt episode): the resume ends the kill's alert, which is raised again with its
        // end under the same id. On an older schema alerts have no end.
        episodes = ch.columnTypes("alerts").containsKey("resolved_by");
        if (episodes) {
            List<String> columns = PlaneOutputs.ALERTS.clickhouse().columns();
            ch.query("INSERT INTO riskplane.alerts (" + String.join(", ", columns) + ") SELECT "
                    + String.join(
                            ", ",
                            columns.stream()
                                    .map(c -> c.equals("ends_at_ms")
                                            ? String.valueOf(T + 60_000)
                                            : c.equals("resolved_by") ? "'" + resumeId + "'" : c)
                                    .toList())
                    + " FROM riskplane.alerts WHERE alert_id = 'alt-" + killId + "'");
        }
        PnlBarBuilder bars = new PnlBarBuilder();
        List<PnlBar> fillRow = bars.add(snap, true);
        insert(PlaneOutputs.PNL_BARS.clickhouse(), fillRow);
    }

    @AfterAll
    static void tearDown() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void explainsAKillSwitchBackToItsRawInput() throws Exception {
        Run r = run("explain", killId, "--clickhouse-url", server.httpUrl());
        assertThat(r.code).as(r.err).isZero();
        String out = r.out;
        assertThat(out).startsWith("Control event " + killId + "\n");
        assertThat(out)
                .contains(
                        "  rule        pnl.drawdown.kill-switch v1\n",
                        "  runbook     docs/runbooks.md#pnl.drawdown.kill-switch  (rule: docs/rules.md)\n",
                        "  kind        KILL_SWITCH / HALT_NEW_ENTRIES\n",
                        "  reason      DRAWDOWN_LIMIT_BREACHED\n",
                        "  scope       org acme, strategy momentum-btc\n",
                        "  decided at  2026-11-18T11:06:40Z  (event time)\n",
                        "  window      2026-11-18T10:51:40Z .. 2026-11-18T11:06:40Z\n",
                        "  max_drawdown >= 25000 USD: drawdown = 26000 USD  (holds)\n",
                        "  drawdown = 26000 USD\n",
                        "Policy acme-momentum-btc@2\n",
                        "  raw event   pol-acme-momentum-btc-v2  source risk-desk, effective 2026-11-18T10:36:40Z, "
                                + "riskplane.v1.policies partition 0 offset 1\n",
                        "\"maxDrawdown\":25000.0",
                        "  versions    1 (2026-11-18T10:06:40Z), 2 (2026-11-18T10:36:40Z)\n",
                        "  alt-" + killId + "  PAGE  team trading-oncall  raised 2026-11-18T11:06:40Z"
                                + (episodes ? ", ends 2026-11-18T11:07:40Z, ended by " + resumeId : "")
                                + "  docs/runbooks.md#pnl.drawdown.kill-switch\n",
                        "Trigger events (4 of 4)\n",
                        "  1. " + snapshotId + "  derived: riskplane.pnl_bars (last_snapshot_id), not a raw event\n",
                        "     its input events (3 of 3):\n     - fill-explain-1  (trigger 2)\n     - quote-explain-1  "
                                + "(trigger 3)\n     - quote-never-loaded  NOT FOUND in raw_events",
                        "  2. fill-explain-1  fill from exec-gw at 2026-11-18T11:06:40Z",
                        "\"fillId\":\"F-77\"",
                        "\"price\":91234.5",
                        "  3. quote-explain-1  quote from md-kraken",
                        "\"bid\":91200.0",
                        "  4. quote-never-loaded  NOT FOUND in raw_events");
        assertThat(out).doesNotContain("Operator command");

        // Bounded: two triggers, the rest counted; envelopes cut.
        Run capped = run(
                "explain",
                killId,
                "--clickhouse-url",
                server.httpUrl(),
                "--max-triggers",
                "2",
                "--max-payload-chars",
                "100");
        assertThat(capped.code).as(capped.err).isZero();
        assertThat(capped.out)
                .contains(
                        "Trigger events (2 of 4)\n",
                        "  ... 2 more trigger events not shown",
                        "...[cut: ",
                        "     - quote-explain-1  quote from md-kraken")
                .doesNotContain("  3. ");

        // The same explanation as one JSON object.
        Run json = run("explain", killId, "--clickhouse-url", server.httpUrl(), "--json");
        assertThat(json.code).as(json.err).isZero();
        assertThat(json.out.strip()).doesNotContain("\n");
        JsonNode j = JSON.readTree(json.out);
        assertThat(j.path("control_id").asText()).isEqualTo(killId);
        assertThat(j.path("early").asBoolean()).isFalse();
        assertThat(j.path("kind").asText()).isEqualTo("KILL_SWITCH");
        assertThat(j.path("scope").toString()).isEqualTo("{\"org\":\"acme\",\"strategy\":\"momentum-btc\"}");
        JsonNode t0 = j.path("thresholds").get(0);
        assertThat(t0.path("name").asText()).isEqualTo("max_drawdown");
        assertThat(t0.path("metric").asText()).isEqualTo("drawdown");
        assertThat(t0.path("value").asDouble()).isEqualTo(26_000);
        assertThat(t0.path("holds").asBoolean()).isTrue();
        assertThat(j.path("policy").path("version").asLong()).isEqualTo(2);
        assertThat(j.path("policy").path("risk_policy").path("maxDrawdown").asDouble())
                .isEqualTo(25_000);
        assertThat(j.path("policy").path("versions_in_raw_events").asInt()).isEqualTo(2);
        assertThat(j.path("alerts").get(0).path("alert_id").asText()).isEqualTo("alt-" + killId);
        assertThat(j.path("alerts").get(0).path("labels").path("policy").asText())
                .isEqualTo("acme-momentum-btc@2");
        JsonNode triggers = j.path("triggers");
        assertThat(triggers.path("total").asInt()).isEqualTo(4);
        JsonNode derived = triggers.path("events").get(0);
        assertThat(derived.path("event_id").asText()).isEqualTo(snapshotId);
        assertThat(derived.path("found_in").asText()).isEqualTo("riskplane.pnl_bars");
        assertThat(derived.path("inputs")
                        .get(0)
                        .path("envelope")
                        .path("fill")
                        .path("fillId")
                        .asText())
                .isEqualTo("F-77");
        JsonNode f = triggers.path("events").get(1);
        assertThat(f.path("found_in").asText()).isEqualTo("raw_events");
        assertThat(f.path("kind").asText()).isEqualTo("fill");
        assertThat(f.path("envelope").path("fill").path("price").asDouble()).isEqualTo(91234.5);
        assertThat(f.path("envelope").path("eventId").asText()).isEqualTo("fill-explain-1");
        assertThat(triggers.path("events").get(3).path("found_in").asText()).isEmpty();
        assertThat(j.path("control_event").path("controlId").asText()).isEqualTo(killId);

        // Deterministic: the same report twice.
        assertThat(run("explain", killId, "--clickhouse-url", server.httpUrl()).out)
                .isEqualTo(out);
    }

    @Test
    void explainsAnOperatorResumeWithItsCommand() throws Exception {
        Run r = run("explain", resumeId, "--clickhouse-url", server.httpUrl(), "--user", "analyst"); // read-only
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out)
                .contains(
                        "  rule        operator.resume v1\n",
                        "  kind        RESUME / RESUME_TRADING\n",
                        "  lifts rule  pnl.drawdown.kill-switch on exactly this scope\n",
                        "Policy: none (an operator command applies no policy)\n",
                        episodes
                                ? "  alt-" + killId + "  PAGE  team trading-oncall  raised 2026-11-18T11:06:40Z by "
                                        + killId
                                        + " (rule pnl.drawdown.kill-switch), ends 2026-11-18T11:07:40Z, ended by this "
                                        + "control event  docs/runbooks.md#pnl.drawdown.kill-switch\n"
                                : "  none in riskplane.alerts\n",
                        "  runbook     docs/runbooks.md#operator.resume  (rule: docs/rules.md)\n",
                        "Operator command cmd-explain-resume\n",
                        "  action      OPERATOR_RESUME (rule pnl.drawdown.kill-switch)\n",
                        "  operator    oncall (signed)\n",
                        "  reason      loss confirmed, desk approved\n",
                        "  ticket      INC-4242\n",
                        "  1. cmd-explain-resume  operator_command from riskplane-cli at 2026-11-18T11:07:40Z");
        JsonNode j = JSON.readTree(run("explain", resumeId, "--clickhouse-url", server.httpUrl(), "--json").out);
        assertThat(j.path("operator_command").path("operator_id").asText()).isEqualTo("oncall");
        assertThat(j.path("operator_command").path("ticket").asText()).isEqualTo("INC-4242");
        assertThat(j.path("lifts_rule_id").asText()).isEqualTo("pnl.drawdown.kill-switch");
    }

    @Test
    void anUnknownOrMalformedIdIsRefused() throws Exception {
        Run unknown = run("explain", "ctl-00000000000000000000000000000000", "--clickhouse-url", server.httpUrl());
        assertThat(unknown.code).isEqualTo(ExplainCommand.NOT_FOUND);
        assertThat(unknown.out).isEmpty();
        assertThat(unknown.err)
                .contains("no control event ctl-00000000000000000000000000000000 in " + "riskplane.control_events at "
                        + server.httpUrl());

        Run malformed = run("explain", "ctl-1' OR 1=1 --", "--clickhouse-url", server.httpUrl());
        assertThat(malformed.code).isEqualTo(2);
        assertThat(malformed.err).contains("not a control id");

        // ClickHouse unreachable: exit 1, with what failed.
        Run down = run("explain", killId, "--clickhouse-url", "http://127.0.0.1:1");
        assertThat(down.code).isEqualTo(1);
        assertThat(down.err).startsWith("riskplane explain: ");
    }

    @Test
    void valuesAreQuotedAsClickHouseStringLiterals() throws Exception {
        assertThat(ControlExplainer.quote("a'b\\c\nd")).isEqualTo("'a\\'b\\\\c\\nd'");
        String hostile = "x'); DROP TABLE riskplane.raw_events; --\\";
        assertThat(ch.query("SELECT " + ControlExplainer.quote(hostile) + " FORMAT TabSeparatedRaw")
                        .strip())
                .isEqualTo(hostile);
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

    static Envelope policy(long version, double maxDrawdown, long at) {
        return Envelope.newBuilder()
                .setEventId("pol-acme-momentum-btc-v" + version)
                .setSource("risk-desk")
                .setEventTime(ProtoTime.fromMillis(at))
                .setRiskPolicy(RiskPolicy.newBuilder()
                        .setPolicyId("acme-momentum-btc")
                        .setVersion(version)
                        .setScope(Scope.newBuilder().setOrg("acme").setStrategy("momentum-btc"))
                        .setCurrency("USD")
                        .setMaxDrawdown(maxDrawdown)
                        .setCapitalBase(1_000_000))
                .build();
    }

    static AlertRecord alert(ControlRecord r) throws Exception {
        Envelope control = Envelope.parseFrom(r.envelope());
        ControlEvent c = control.getControl();
        Alert a = ControlEventAlerts.alertOf(c, AlertSettings.defaults());
        Envelope e = Envelope.newBuilder()
                .setEventId(a.getAlertId())
                .setSource(ControlEventAlerts.SOURCE)
                .setEventTime(control.getEventTime())
                .setAlert(a)
                .build();
        return new AlertRecord(
                a.getAlertId(),
                c.getControlId(),
                r.scopeKey(),
                r.decidedAtMillis(),
                c.getRuleId(),
                a.getSeverity().name(),
                e.toByteArray());
    }

    static <T> void insert(ClickHouseTable<T> table, List<T> values) throws Exception {
        ByteArrayOutputStream rows = new ByteArrayOutputStream();
        for (T v : values) {
            rows.writeBytes(table.rowBinary(v));
        }
        ch.insertRowBinary(table.name(), table.columns(), rows.toByteArray());
    }
}
