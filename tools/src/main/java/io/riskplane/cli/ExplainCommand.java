package io.riskplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.riskplane.alerting.AlertSettings;
import io.riskplane.plane.PlaneConfig;
import io.riskplane.sinks.clickhouse.ClickHouseHttp;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * `riskplane explain CONTROL_ID`: one control event as on-call needs it, from ClickHouse (docs/runbooks.md, "How to
 * use this page"): what it did and to which scope, its evidence with each limit against its measured value, the
 * policy version it applied with that version's limits, the rule's runbook, its alerts, the operator command behind
 * an operator.* event, and its trigger events with their raw input envelopes. The work is {@link ControlExplainer};
 * here are the options and the text form.
 */
@Command(
        name = "explain",
        mixinStandardHelpOptions = true,
        description = {
            "Explains one control event from ClickHouse: the event, its evidence (thresholds against "
                    + "metrics, window), the rule and its runbook, the policy version with its limits, its alerts, the "
                    + "operator command behind it (operator.*), and its trigger events with their raw input payloads "
                    + "(raw_events), following a derived trigger id (a PnL snapshot, SLO measurement, condition sample, "
                    + "guardrail trip, ...) to its stored row and its inputs.",
            "ClickHouse: --clickhouse-url, else the configuration's clickhouse.url (--config), else the "
                    + "environment variable CLICKHOUSE, else http://localhost:8123.",
            "Exit codes: 0 explained, 3 no control event with that id in ClickHouse, 2 bad arguments, "
                    + "1 ClickHouse failed."
        })
final class ExplainCommand implements Callable<Integer> {
    static final int NOT_FOUND = 3;
    static final String DEFAULT_URL = "http://localhost:8123";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "CONTROL_ID",
            description = "The control event's id (the alert's control_id label), e.g. ctl-0123...cdef.")
    String controlId;

    @Option(names = "--clickhouse-url", paramLabel = "URL", description = "ClickHouse HTTP interface.")
    String clickhouseUrl;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "YAML configuration: ClickHouse URL, user and password from its clickhouse section.")
    Path config;

    @Option(
            names = "--user",
            paramLabel = "USER",
            description = "ClickHouse user (default: the configuration's, "
                    + "else default). A read-only user (analyst) is enough.")
    String user;

    @Option(
            names = "--password-env",
            paramLabel = "VARIABLE",
            description = "Environment variable holding the ClickHouse password (default: the configuration's).")
    String passwordEnv;

    @Option(names = "--json", description = "Print one JSON object instead of the report.")
    boolean json;

    @Option(
            names = "--max-triggers",
            paramLabel = "N",
            defaultValue = "20",
            description = "Trigger events to look up and print (default ${DEFAULT-VALUE}; the rest are counted).")
    int maxTriggers;

    @Option(
            names = "--max-payload-chars",
            paramLabel = "N",
            defaultValue = "2000",
            description = "Longest envelope or row printed, in characters (default ${DEFAULT-VALUE}; longer ones "
                    + "are cut).")
    int maxPayloadChars;

    @Override
    public Integer call() throws Exception {
        if (!ControlExplainer.CONTROL_ID.matcher(controlId).matches()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "not a control id: '" + controlId
                            + "' (control ids are letters, digits and . _ : - only, e.g. ctl- and 32 hex digits)");
        }
        if (maxTriggers < 1 || maxTriggers > 1000 || maxPayloadChars < 100 || maxPayloadChars > 1_000_000) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--max-triggers must be 1..1000 and --max-payload-chars 100..1000000");
        }
        PlaneConfig loaded = config == null ? null : PlaneConfig.load(config);
        PlaneConfig.ClickHouse fromConfig = loaded == null ? null : loaded.clickhouse();
        String url = clickhouseUrl != null
                ? clickhouseUrl
                : fromConfig != null && fromConfig.url() != null
                        ? fromConfig.url()
                        : System.getenv().getOrDefault("CLICKHOUSE", DEFAULT_URL);
        String u = user != null
                ? user
                : fromConfig != null
                                && fromConfig.user() != null
                                && !fromConfig.user().isEmpty()
                        ? fromConfig.user()
                        : "default";
        String password = passwordEnv != null
                ? System.getenv().getOrDefault(passwordEnv, "")
                : fromConfig != null ? fromConfig.password() : "";
        ClickHouseHttp ch = new ClickHouseHttp(url, u, password);
        // The runbook links as the plane's alerts make them (alerting.runbook_base_url); an alert's own link wins.
        AlertSettings alerting = AlertSettings.defaults();
        if (loaded != null) {
            try {
                alerting = loaded.options().alerting();
            } catch (RuntimeException elsewhere) {
                // a setting explain does not use is invalid here (a key not on this machine): default links
            }
        }
        ObjectNode report = new ControlExplainer(ch, maxTriggers, maxPayloadChars, alerting).explain(controlId);
        PrintWriter out = spec.commandLine().getOut();
        if (report == null) {
            spec.commandLine()
                    .getErr()
                    .printf(
                            "riskplane explain: no control event %s in riskplane.control_events "
                                    + "at %s. Check the id (the alert's control_id label); a control event reaches ClickHouse about "
                                    + "one checkpoint interval after its decision, and not at all while the loader is behind or "
                                    + "down (docs/runbooks.md#plane-consumer-lag-high): the control topic has it first.%n",
                            controlId, url);
            spec.commandLine().getErr().flush();
            return NOT_FOUND;
        }
        if (json) {
            out.println(new ObjectMapper()
                    .configure(SerializationFeature.INDENT_OUTPUT, false)
                    .writeValueAsString(report));
        } else {
            out.print(text(report));
        }
        out.flush();
        return 0;
    }

    /** The report as text: deterministic, one section per part of the explanation. */
    static String text(JsonNode r) {
        StringBuilder sb = new StringBuilder();
        sb.append("Control event ")
                .append(r.path("control_id").asText())
                .append(
                        r.path("early").asBoolean()
                                ? "  (early: decided on arrival, topic riskplane.v1.control-early; act on its confirmed event)"
                                : "")
                .append('\n');
        line(
                sb,
                "rule",
                r.path("rule_id").asText() + " v" + r.path("rule_version").asText());
        line(
                sb,
                "runbook",
                r.path("runbook").asText() + "  (rule: " + r.path("rule_doc").asText() + ")");
        line(sb, "kind", r.path("kind").asText() + " / " + r.path("action").asText());
        line(sb, "reason", r.path("reason_code").asText());
        line(sb, "scope", scope(r.path("scope")));
        line(sb, "decided at", r.path("decided_at").asText() + "  (event time)");
        if (r.has("expires_at")) {
            line(sb, "expires at", r.path("expires_at").asText());
        }
        if (r.has("rollback_target")) {
            line(sb, "rollback to", r.path("rollback_target").asText());
        }
        if (r.has("lifts_rule_id")) {
            line(
                    sb,
                    "lifts rule",
                    r.path("lifts_rule_id").asText()
                            + ("*".equals(r.path("lifts_rule_id").asText())
                                    ? " (every rule) on exactly this scope"
                                    : " on exactly this scope"));
        }
        line(sb, "summary", r.path("summary").asText());
        line(
                sb,
                "window",
                r.path("window_start").asText() + " .. " + r.path("window_end").asText());

        sb.append("\nThresholds against metrics\n");
        if (r.path("thresholds").isEmpty()) {
            sb.append("  (none in the evidence)\n");
        }
        for (JsonNode t : r.path("thresholds")) {
            sb.append("  ")
                    .append(t.path("name").asText())
                    .append(' ')
                    .append(t.path("comparison").asText())
                    .append(' ')
                    .append(number(t.path("limit")))
                    .append(unit(t))
                    .append(": ");
            if (t.has("metric")) {
                sb.append(t.path("metric").asText())
                        .append(" = ")
                        .append(number(t.path("value")))
                        .append(
                                t.path("metric_unit").asText().isEmpty()
                                        ? ""
                                        : " " + t.path("metric_unit").asText());
                if (t.has("holds")) {
                    sb.append(t.path("holds").asBoolean() ? "  (holds)" : "  (does not hold)");
                }
            } else {
                sb.append("no metric of its own in the evidence");
            }
            sb.append('\n');
        }
        sb.append("Metrics\n");
        if (r.path("metrics").isEmpty()) {
            sb.append("  (none in the evidence)\n");
        }
        for (JsonNode m : r.path("metrics")) {
            sb.append("  ")
                    .append(m.path("name").asText())
                    .append(" = ")
                    .append(number(m.path("value")))
                    .append(unit(m))
                    .append('\n');
        }

        JsonNode p = r.path("policy");
        if (p.path("policy_id").asText().isEmpty()) {
            sb.append("\nPolicy: none (").append(p.path("note").asText()).append(")\n");
        } else {
            sb.append("\nPolicy ")
                    .append(p.path("policy_id").asText())
                    .append('@')
                    .append(p.path("version").asText())
                    .append('\n');
            if (p.path("found").asBoolean()) {
                line(
                        sb,
                        "raw event",
                        p.path("event_id").asText() + "  source "
                                + p.path("source").asText()
                                + ", effective " + p.path("event_time").asText() + ", "
                                + p.path("source_topic").asText()
                                + " partition " + p.path("source_partition").asText() + " offset "
                                + p.path("source_offset").asText());
                line(sb, "limits", p.path("risk_policy").toString());
                if (p.has("note")) {
                    line(sb, "note", p.path("note").asText());
                }
            } else {
                sb.append("  this version is not in raw_events (published before raw_events kept it, or the loader "
                        + "is behind)\n");
            }
            List<String> versions = new ArrayList<>();
            for (JsonNode v : p.path("versions")) {
                versions.add(
                        v.path("version").asText() + " (" + v.path("event_time").asText() + ")");
            }
            line(
                    sb,
                    "versions",
                    p.path("versions_in_raw_events").asInt() == 0
                            ? "none of this policy in raw_events"
                            : String.join(", ", versions)
                                    + (p.path("versions_in_raw_events").asInt() > versions.size()
                                            ? " (latest " + versions.size() + " of "
                                                    + p.path("versions_in_raw_events")
                                                            .asInt() + ")"
                                            : ""));
        }

        sb.append("\nAlerts\n");
        if (r.path("alerts").isEmpty()) {
            sb.append("  none in riskplane.alerts\n");
        }
        for (JsonNode a : r.path("alerts")) {
            sb.append("  ")
                    .append(a.path("alert_id").asText())
                    .append("  ")
                    .append(a.path("severity").asText())
                    .append("  team ")
                    .append(a.path("team").asText())
                    .append("  raised ")
                    .append(a.path("raised_at").asText());
            if ("ended".equals(a.path("relation").asText())) {
                sb.append(" by ")
                        .append(a.path("raised_by").asText())
                        .append(" (rule ")
                        .append(a.path("rule_id").asText())
                        .append(')');
            }
            if (a.has("ends_at")) {
                sb.append(", ends ").append(a.path("ends_at").asText());
            }
            if (a.has("resolved_by")) {
                sb.append(
                        a.path("resolved_by")
                                        .asText()
                                        .equals(r.path("control_id").asText())
                                ? ", ended by this control event"
                                : ", ended by " + a.path("resolved_by").asText());
            }
            sb.append("  ").append(a.path("runbook_url").asText()).append('\n');
        }

        if (r.has("operator_command")) {
            JsonNode c = r.path("operator_command");
            sb.append("\nOperator command ")
                    .append(c.path("command_id").asText())
                    .append('\n');
            line(
                    sb,
                    "action",
                    c.path("action").asText()
                            + (c.path("rule_id").asText().isEmpty()
                                    ? ""
                                    : " (rule " + c.path("rule_id").asText() + ")"));
            line(
                    sb,
                    "operator",
                    c.path("operator_id").asText() + (c.path("signed").asBoolean() ? " (signed)" : " (unsigned)"));
            line(sb, "scope", scope(c.path("scope")));
            line(sb, "reason", c.path("reason").asText());
            if (!c.path("ticket").asText().isEmpty()) {
                line(sb, "ticket", c.path("ticket").asText());
            }
            line(sb, "sent at", c.path("event_time").asText());
        }

        JsonNode tr = r.path("triggers");
        sb.append("\nTrigger events (")
                .append(tr.path("shown").asInt())
                .append(" of ")
                .append(tr.path("total").asInt())
                .append(")\n");
        if (tr.path("total").asInt() == 0) {
            sb.append("  none in the evidence\n");
        }
        Map<String, Integer> shown = new java.util.HashMap<>();
        for (JsonNode e : tr.path("events")) {
            shown.putIfAbsent(e.path("event_id").asText(), shown.size() + 1);
        }
        int n = 0;
        for (JsonNode e : tr.path("events")) {
            sb.append(String.format("  %d. ", ++n));
            trigger(sb, e, "     ");
            if (e.has("derived")) {
                JsonNode d = e.path("derived");
                sb.append("     row: ").append(payloadText(d, "row")).append('\n');
                int total = d.path("trigger_event_ids_total")
                        .asInt(d.path("trigger_event_ids").size());
                sb.append("     its input events (")
                        .append(d.path("trigger_event_ids").size())
                        .append(" of ")
                        .append(total)
                        .append("):\n");
                for (JsonNode in : e.path("inputs")) {
                    sb.append("     - ");
                    Integer same = shown.get(in.path("event_id").asText());
                    if (same != null && "raw_events".equals(in.path("found_in").asText())) {
                        sb.append(in.path("event_id").asText())
                                .append("  (trigger ")
                                .append(same)
                                .append(")\n");
                    } else {
                        trigger(sb, in, "       ");
                    }
                }
            }
        }
        if (tr.path("more").asInt() > 0) {
            sb.append("  ... ")
                    .append(tr.path("more").asInt())
                    .append(" more trigger events not shown " + "(--max-triggers)\n");
        }
        return sb.toString();
    }

    private static void trigger(StringBuilder sb, JsonNode e, String indent) {
        String id = e.path("event_id").asText();
        switch (e.path("found_in").asText()) {
            case "raw_events" -> {
                sb.append(id)
                        .append("  ")
                        .append(e.path("kind").asText())
                        .append(" from ")
                        .append(e.path("source").asText())
                        .append(" at ")
                        .append(e.path("event_time").asText())
                        .append("  (")
                        .append(e.path("source_topic").asText())
                        .append(" partition ")
                        .append(e.path("source_partition").asText())
                        .append(" offset ")
                        .append(e.path("source_offset").asText())
                        .append(")\n");
                sb.append(indent).append(payloadText(e, "envelope")).append('\n');
            }
            case "dead_letters" -> {
                JsonNode d = e.path("dead_letter");
                sb.append(id)
                        .append("  NOT in raw_events: dead letter ")
                        .append(d.path("reason_code").asText())
                        .append(" (")
                        .append(d.path("detail").asText())
                        .append("), ")
                        .append(d.path("source_topic").asText())
                        .append(" partition ")
                        .append(d.path("source_partition").asText())
                        .append(" offset ")
                        .append(d.path("source_offset").asText())
                        .append('\n');
            }
            case "" ->
                sb.append(id)
                        .append("  NOT FOUND in raw_events (nor among the detectors' stored rows or the "
                                + "dead letters): not loaded yet, older than raw_events' history, or a derived id the plane "
                                + "does not store (docs/storage.md, \"What is stored and why\")\n");
            default ->
                sb.append(id)
                        .append("  derived: ")
                        .append(e.path("found_in").asText())
                        .append(" (")
                        .append(e.path("derived").path("id_column").asText())
                        .append("), not a raw event\n");
        }
    }

    private static String payloadText(JsonNode node, String name) {
        if (node.has(name)) {
            return node.path(name).toString();
        }
        String text = node.path(name + "_text").asText();
        return node.path(name + "_cut").asBoolean()
                ? text + " ...[cut: " + node.path(name + "_chars").asText() + " chars, --max-payload-chars]"
                : text;
    }

    private static void line(StringBuilder sb, String label, String value) {
        sb.append(String.format("  %-12s%s%n", label, value));
    }

    private static String scope(JsonNode s) {
        List<String> parts = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().asText().isEmpty()) {
                parts.add(f.getKey() + " " + f.getValue().asText());
            }
        }
        return parts.isEmpty() ? "(empty)" : String.join(", ", parts);
    }

    private static String unit(JsonNode n) {
        String u = n.path("unit").asText();
        return u.isEmpty() ? "" : " " + u;
    }

    /** A double without exponent or trailing zeros (12345.6, not 1.23456E4). */
    static String number(JsonNode n) {
        double d = n.asDouble();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return String.valueOf(d);
        }
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
