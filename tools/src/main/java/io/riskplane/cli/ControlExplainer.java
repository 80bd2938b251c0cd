package io.riskplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.riskplane.alerting.AlertSettings;
import io.riskplane.contract.EnvelopeJson;
import io.riskplane.contract.ProtoTime;
import io.riskplane.guardrails.EarlyOrderRateRule;
import io.riskplane.sinks.clickhouse.ClickHouseHttp;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Evidence;
import io.riskplane.v1.Metric;
import io.riskplane.v1.Scope;
import io.riskplane.v1.Threshold;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything ClickHouse knows about one control event, as one JSON object (`riskplane explain`): the control event
 * (riskplane.control_events, which holds the confirmed and the early ones), its evidence with each threshold against
 * its metric, the policy version it applied with that version's limits (riskplane.raw_events, kind risk_policy), the
 * rule's runbook, its alerts (riskplane.alerts), the operator command behind an operator.* event, and its trigger
 * events with their raw input envelopes (riskplane.raw_events). A trigger id that is not a raw event is looked up
 * among the detectors' stored rows (a PnL snapshot, SLO measurement, condition sample, guardrail trip, staleness tick
 * or telemetry window), whose own trigger ids are then followed to raw_events, and among the dead letters.
 *
 * <p>Bounded: at most {@code maxTriggers} trigger ids are looked up (the rest counted), envelopes longer than
 * {@code maxPayloadChars} are cut, and every query has a LIMIT. Deterministic: every list is in the evidence's order
 * or sorted. ClickHouse 18.16 has no query parameters: every value put into SQL is either a validated id or quoted
 * by {@link #quote}.
 */
final class ControlExplainer {
    /** Control ids are the plane's `ctl-` + hex; accepted here: letters, digits and . _ : - only, up to 200. */
    static final Pattern CONTROL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,199}");

    static final long DAY_MS = 86_400_000L;
    static final int MAX_DERIVED_TRIGGERS = 10;
    static final int MAX_POLICY_VERSIONS = 20;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonFormat.Parser LENIENT = JsonFormat.parser().ignoringUnknownFields();

    private final ClickHouseHttp ch;
    private final int maxTriggers;
    private final int maxPayloadChars;
    private final AlertSettings alertSettings;

    ControlExplainer(ClickHouseHttp ch, int maxTriggers, int maxPayloadChars, AlertSettings alertSettings) {
        this.ch = ch;
        this.maxTriggers = maxTriggers;
        this.maxPayloadChars = maxPayloadChars;
        this.alertSettings = alertSettings;
    }

    /** The tables of the detectors' rows whose ids appear among trigger event ids. */
    record DerivedTable(
            String table, List<String> idColumns, String timeColumn, boolean dateColumn, String triggerColumn) {}

    static final List<DerivedTable> DERIVED = List.of(
            new DerivedTable(
                    "pnl_bars",
                    List.of("last_snapshot_id", "first_snapshot_id"),
                    "trading_day",
                    true,
                    "trigger_event_ids"),
            new DerivedTable(
                    "slo_evaluations",
                    List.of("measurement_id", "evaluation_id"),
                    "evaluated_at",
                    false,
                    "trigger_event_ids"),
            new DerivedTable(
                    "condition_evaluations",
                    List.of("sample_id", "evaluation_id"),
                    "evaluated_at",
                    false,
                    "trigger_event_ids"),
            new DerivedTable("guardrail_trips", List.of("trip_id"), "tripped_at", false, "trigger_event_ids"),
            new DerivedTable("cursor_staleness", List.of("staleness_id"), "measured_at", false, "trigger_event_ids"),
            new DerivedTable("execution_telemetry", List.of("window_id"), "window_end", false, null));

    /** The explanation of a control event, or null when ClickHouse has none with that id. */
    ObjectNode explain(String controlId) throws IOException, InterruptedException {
        if (!CONTROL_ID.matcher(controlId).matches()) {
            throw new IllegalArgumentException("not a control id: " + controlId);
        }
        List<JsonNode> rows = select("SELECT control_id, kind, action, org, strategy, instrument, venue, adapter, "
                + "lane, reason_code, rule_id, rule_version, policy_id, policy_version, decided_at_ms, summary, "
                + "evidence_json, envelope_json FROM riskplane.control_events FINAL WHERE control_id = "
                + quote(controlId) + " LIMIT 1");
        if (rows.isEmpty()) {
            return null;
        }
        JsonNode row = rows.get(0);
        ControlEvent c = controlEvent(row);
        Evidence ev = c.getEvidence();
        ObjectNode out = NODES.objectNode();
        out.put("control_id", c.getControlId());
        out.put("table", "riskplane.control_events");
        boolean early = EarlyOrderRateRule.RULE_ID.equals(c.getRuleId());
        out.put("early", early);
        out.put("kind", c.getKind().name());
        out.put("action", c.getAction().name());
        out.put("rule_id", c.getRuleId());
        out.put("rule_version", c.getRuleVersion());
        out.put("reason_code", c.getReasonCode());
        out.set("scope", scope(c.getScope()));
        out.put("decided_at", time(c.getDecidedAt()));
        if (c.hasExpiresAt()) {
            out.put("expires_at", time(c.getExpiresAt()));
        }
        if (!c.getRollbackTarget().isEmpty()) {
            out.put("rollback_target", c.getRollbackTarget());
        }
        if (!c.getLiftsRuleId().isEmpty()) {
            out.put("lifts_rule_id", c.getLiftsRuleId());
        }
        out.put("summary", ev.getSummary());
        out.put("window_start", ev.hasWindowStart() ? time(ev.getWindowStart()) : "");
        out.put("window_end", ev.hasWindowEnd() ? time(ev.getWindowEnd()) : "");
        out.set("metrics", metrics(ev));
        out.set("thresholds", thresholds(ev));
        out.put("runbook", alertSettings.runbookOf(c.getRuleId()));
        out.put("rule_doc", "docs/rules.md");

        long decided = ProtoTime.toMillis(c.getDecidedAt());
        long lo = Math.min(decided, ev.hasWindowStart() ? ProtoTime.toMillis(ev.getWindowStart()) : decided) - DAY_MS;
        long hi = Math.max(decided, ev.hasWindowEnd() ? ProtoTime.toMillis(ev.getWindowEnd()) : decided) + DAY_MS;

        out.set("policy", policy(c));
        ArrayNode alerts = alerts(c.getControlId());
        out.set("alerts", alerts);
        if (!alerts.isEmpty()
                && "raised".equals(alerts.get(0).path("relation").asText())
                && !alerts.get(0).path("runbook_url").asText().isEmpty()) {
            out.put("runbook", alerts.get(0).path("runbook_url").asText()); // the link on-call was sent
        }
        ObjectNode triggers = triggers(ev.getTriggerEventIdsList(), lo, hi);
        JsonNode command = operatorCommand(triggers);
        if (command != null) {
            out.set("operator_command", command);
        }
        out.set("triggers", triggers);
        out.set("control_event", tree(c));
        return out;
    }

    /** The control event from its envelope; from the columns and the evidence JSON when the envelope cannot be read. */
    private static ControlEvent controlEvent(JsonNode row) throws InvalidProtocolBufferException {
        try {
            Envelope.Builder e = Envelope.newBuilder();
            LENIENT.merge(row.path("envelope_json").asText(), e);
            if (e.hasControl()) {
                return e.getControl();
            }
        } catch (InvalidProtocolBufferException | RuntimeException unreadable) {
            // below: from the columns
        }
        Evidence.Builder evidence = Evidence.newBuilder();
        try {
            LENIENT.merge(row.path("evidence_json").asText(), evidence);
        } catch (InvalidProtocolBufferException | RuntimeException unreadable) {
            evidence.setSummary(row.path("summary").asText());
        }
        ControlEvent.Builder c = ControlEvent.newBuilder()
                .setControlId(row.path("control_id").asText())
                .setScope(Scope.newBuilder()
                        .setOrg(row.path("org").asText())
                        .setStrategy(row.path("strategy").asText())
                        .setInstrument(row.path("instrument").asText())
                        .setVenue(row.path("venue").asText())
                        .setAdapter(row.path("adapter").asText())
                        .setLane(row.path("lane").asText()))
                .setReasonCode(row.path("reason_code").asText())
                .setRuleId(row.path("rule_id").asText())
                .setRuleVersion(row.path("rule_version").asInt())
                .setPolicyId(row.path("policy_id").asText())
                .setPolicyVersion(row.path("policy_version").asLong())
                .setEvidence(evidence)
                .setDecidedAt(ProtoTime.fromMillis(row.path("decided_at_ms").asLong()));
        try {
            c.setKind(ControlKind.valueOf(row.path("kind").asText()));
            c.setAction(io.riskplane.v1.ControlAction.valueOf(row.path("action").asText()));
        } catch (IllegalArgumentException unknown) {
            // a kind or action this version does not know: left unspecified
        }
        return c.build();
    }

    private static ObjectNode scope(Scope s) {
        ObjectNode o = NODES.objectNode();
        put(o, "org", s.getOrg());
        put(o, "strategy", s.getStrategy());
        put(o, "instrument", s.getInstrument());
        put(o, "venue", s.getVenue());
        put(o, "adapter", s.getAdapter());
        put(o, "lane", s.getLane());
        return o;
    }

    private static void put(ObjectNode o, String name, String value) {
        if (!value.isEmpty()) {
            o.put(name, value);
        }
    }

    private static ArrayNode metrics(Evidence ev) {
        ArrayNode a = NODES.arrayNode();
        for (Metric m : ev.getMetricsList()) {
            a.addObject().put("name", m.getName()).put("value", m.getValue()).put("unit", m.getUnit());
        }
        return a;
    }

    /**
     * Each threshold with the metric it limits, when the evidence has one: by name (the threshold's own name, or it
     * without max_/_max/_budget, or the known pairs below), else, for the first threshold with an order comparison,
     * the first metric when it has the same unit (every rule puts its measured value and its limit first).
     * holds = metric comparison limit.
     */
    static ArrayNode thresholds(Evidence ev) {
        Map<String, Metric> byName = new LinkedHashMap<>();
        for (Metric m : ev.getMetricsList()) {
            byName.putIfAbsent(m.getName(), m);
        }
        ArrayNode a = NODES.arrayNode();
        for (int i = 0; i < ev.getThresholdsCount(); i++) {
            Threshold t = ev.getThresholds(i);
            ObjectNode o = a.addObject()
                    .put("name", t.getName())
                    .put("comparison", t.getComparison())
                    .put("limit", t.getLimit())
                    .put("unit", t.getUnit());
            boolean ordered = Set.of(">", ">=", "<", "<=").contains(t.getComparison());
            Metric m = null;
            double sign = 1;
            for (String candidate : candidates(t.getName())) {
                if (candidate.startsWith("-") && byName.containsKey(candidate.substring(1))) {
                    m = byName.get(candidate.substring(1));
                    sign = -1;
                    break;
                }
                if (byName.containsKey(candidate)) {
                    m = byName.get(candidate);
                    break;
                }
            }
            if (m == null
                    && i == 0
                    && ordered
                    && ev.getMetricsCount() > 0
                    && ev.getMetrics(0).getUnit().equals(t.getUnit())) {
                m = ev.getMetrics(0);
            }
            if (m != null) {
                double value = sign * m.getValue();
                o.put("metric", (sign < 0 ? "-" : "") + m.getName())
                        .put("value", value)
                        .put("metric_unit", m.getUnit());
                if (ordered) {
                    o.put("holds", holds(value, t.getComparison(), t.getLimit()));
                }
            }
        }
        return a;
    }

    private static List<String> candidates(String threshold) {
        List<String> names = new ArrayList<>();
        names.add(threshold);
        switch (threshold) {
            case "max_daily_loss" -> names.add("-daily_pnl");
            case "kill_trips" -> names.add("trips_in_window");
            case "drawdown_resume_below" -> names.add("drawdown");
            case "drawdown_resume_after_s" -> names.add("recovered_for_s");
            case "confirm_evaluations" -> names.add("breach_streak");
            case "resume_evaluations" -> names.add("healthy_streak");
            default -> {}
        }
        if (threshold.startsWith("max_")) {
            names.add(threshold.substring(4));
        }
        if (threshold.contains("_max_")) {
            names.add(threshold.replace("_max_", "_")); // signal_lag_max_s, lane_max_failures
        }
        if (threshold.endsWith("_budget")) {
            names.add(threshold.substring(0, threshold.length() - "_budget".length()));
        }
        if (threshold.endsWith("_for_s")) { // fallback_budget_for_s, signal_lag_for_s
            names.add("breach_lasted_s");
        }
        return names;
    }

    static boolean holds(double value, String comparison, double limit) {
        return switch (comparison) {
            case ">" -> value > limit;
            case ">=" -> value >= limit;
            case "<" -> value < limit;
            case "<=" -> value <= limit;
            default -> false;
        };
    }

    /** The policy version the control event applied, with its limits, from the raw policy events. */
    private ObjectNode policy(ControlEvent c) throws IOException, InterruptedException {
        ObjectNode o = NODES.objectNode();
        if (c.getPolicyId().isEmpty()) {
            o.put("policy_id", "");
            o.put(
                    "note",
                    c.getRuleId().startsWith("operator.")
                            ? "an operator command applies no policy"
                            : "no policy named (a rule that fails closed without one, e.g. POLICY_MISSING)");
            return o;
        }
        o.put("policy_id", c.getPolicyId());
        o.put("version", c.getPolicyVersion());
        List<JsonNode> rows = select("SELECT event_id, source, event_time_ms, source_topic, source_partition, "
                + "source_offset, envelope_json FROM riskplane.raw_events WHERE kind = 'risk_policy' AND "
                + "visitParamExtractString(envelope_json, 'policyId') = " + quote(c.getPolicyId())
                + " ORDER BY event_time_ms, event_id LIMIT 1 BY event_id LIMIT 1000");
        ArrayNode versions = NODES.arrayNode();
        ArrayNode matching = NODES.arrayNode();
        List<ObjectNode> all = new ArrayList<>();
        for (JsonNode r : rows) {
            Envelope e;
            try {
                Envelope.Builder b = Envelope.newBuilder();
                LENIENT.merge(r.path("envelope_json").asText(), b);
                e = b.build();
            } catch (InvalidProtocolBufferException | RuntimeException unreadable) {
                continue;
            }
            if (!e.hasRiskPolicy() || !e.getRiskPolicy().getPolicyId().equals(c.getPolicyId())) {
                continue;
            }
            ObjectNode v = NODES.objectNode()
                    .put("version", e.getRiskPolicy().getVersion())
                    .put("event_id", r.path("event_id").asText())
                    .put(
                            "event_time",
                            Instant.ofEpochMilli(r.path("event_time_ms").asLong())
                                    .toString());
            all.add(v);
            if (e.getRiskPolicy().getVersion() == c.getPolicyVersion()) {
                ObjectNode m = NODES.objectNode()
                        .put("event_id", r.path("event_id").asText())
                        .put("source", r.path("source").asText())
                        .put(
                                "event_time",
                                Instant.ofEpochMilli(r.path("event_time_ms").asLong())
                                        .toString())
                        .put("source_topic", r.path("source_topic").asText())
                        .put("source_partition", r.path("source_partition").asInt())
                        .put("source_offset", r.path("source_offset").asLong());
                m.set("risk_policy", tree(e.getRiskPolicy()));
                matching.add(m);
            }
        }
        o.put("found", !matching.isEmpty());
        if (!matching.isEmpty()) {
            o.setAll((ObjectNode) matching.get(0));
        }
        if (matching.size() > 1) {
            o.put("conflicting_rows", matching.size());
            o.put(
                    "note",
                    matching.size() + " raw policy events carry this version (docs/runbooks.md#plane-policy-conflict)");
        }
        for (ObjectNode v : all.subList(Math.max(0, all.size() - MAX_POLICY_VERSIONS), all.size())) {
            versions.add(v);
        }
        o.put("versions_in_raw_events", all.size());
        o.set("versions", versions);
        return o;
    }

    /**
     * The alerts this control event raised, and (schema v8: one alert per halt episode, ended by the RESUME that
     * lifts it) those it ended. On an older schema, without ends_at_ms and resolved_by, the alerts it raised.
     */
    private ArrayNode alerts(String controlId) throws IOException, InterruptedException {
        Map<String, String> columns = ch.columnTypes("alerts");
        boolean episodes = columns.containsKey("ends_at_ms") && columns.containsKey("resolved_by");
        ArrayNode a = NODES.arrayNode();
        for (JsonNode r : select("SELECT alert_id, control_id, severity, team, rule_id, runbook_url, raised_at_ms, "
                + "summary, labels_json" + (episodes ? ", ends_at_ms, resolved_by" : "")
                + " FROM riskplane.alerts FINAL WHERE alert_id = " + quote("alt-" + controlId)
                + " OR control_id = " + quote(controlId) + (episodes ? " OR resolved_by = " + quote(controlId) : "")
                + " ORDER BY raised_at_ms, alert_id LIMIT 10")) {
            boolean raised = r.path("control_id").asText().equals(controlId);
            ObjectNode o = a.addObject()
                    .put("alert_id", r.path("alert_id").asText())
                    .put("relation", raised ? "raised" : "ended")
                    .put("severity", r.path("severity").asText())
                    .put("team", r.path("team").asText())
                    .put("rule_id", r.path("rule_id").asText())
                    .put(
                            "raised_at",
                            Instant.ofEpochMilli(r.path("raised_at_ms").asLong())
                                    .toString())
                    .put("runbook_url", r.path("runbook_url").asText());
            if (!raised) {
                o.put("raised_by", r.path("control_id").asText());
            }
            if (episodes && r.path("ends_at_ms").asLong() > 0) {
                o.put(
                        "ends_at",
                        Instant.ofEpochMilli(r.path("ends_at_ms").asLong()).toString());
            }
            if (episodes && !r.path("resolved_by").asText().isEmpty()) {
                o.put("resolved_by", r.path("resolved_by").asText());
            }
            o.set("labels", parseOrText(r.path("labels_json").asText()));
        }
        return a;
    }

    /** The trigger ids (at most maxTriggers), each with its raw event, or what else it is, or not found. */
    private ObjectNode triggers(List<String> allIds, long lo, long hi) throws IOException, InterruptedException {
        List<String> ids =
                new ArrayList<>(new LinkedHashSet<>(allIds.subList(0, Math.min(maxTriggers, allIds.size()))));
        ObjectNode o = NODES.objectNode();
        o.put("total", allIds.size());
        o.put("shown", Math.min(maxTriggers, allIds.size()));
        o.put("more", Math.max(0, allIds.size() - maxTriggers));
        Map<String, List<ObjectNode>> raw = rawEvents(ids);
        List<String> missing = ids.stream().filter(id -> !raw.containsKey(id)).toList();
        Map<String, ObjectNode> derived = derived(missing, lo, hi);
        Set<String> derivedTriggers = new LinkedHashSet<>();
        for (ObjectNode d : derived.values()) {
            d.path("trigger_event_ids").forEach(t -> derivedTriggers.add(t.asText()));
        }
        derivedTriggers.removeAll(raw.keySet());
        Map<String, List<ObjectNode>> rawOfDerived = rawEvents(List.copyOf(derivedTriggers));
        List<String> stillMissing = new ArrayList<>(
                missing.stream().filter(id -> !derived.containsKey(id)).toList());
        derivedTriggers.stream().filter(id -> !rawOfDerived.containsKey(id)).forEach(stillMissing::add);
        Map<String, ObjectNode> deadLetters = deadLetters(stillMissing);

        ArrayNode events = o.putArray("events");
        for (String id : allIds.subList(0, Math.min(maxTriggers, allIds.size()))) {
            ObjectNode e = events.addObject().put("event_id", id);
            if (raw.containsKey(id)) {
                e.put("found_in", "raw_events");
                e.setAll(raw.get(id).get(0));
                if (raw.get(id).size() > 1) {
                    e.put("rows_with_this_id", raw.get(id).size());
                }
            } else if (derived.containsKey(id)) {
                ObjectNode d = derived.get(id);
                e.put("found_in", d.path("table").asText());
                e.set("derived", d);
                ArrayNode inputs = e.putArray("inputs");
                for (JsonNode t : d.path("trigger_event_ids")) {
                    ObjectNode in = inputs.addObject().put("event_id", t.asText());
                    List<ObjectNode> r =
                            raw.containsKey(t.asText()) ? raw.get(t.asText()) : rawOfDerived.get(t.asText());
                    if (r != null) {
                        in.put("found_in", "raw_events");
                        in.setAll(r.get(0));
                    } else {
                        notFound(in, t.asText(), deadLetters);
                    }
                }
            } else {
                notFound(e, id, deadLetters);
            }
        }
        return o;
    }

    private static void notFound(ObjectNode e, String id, Map<String, ObjectNode> deadLetters) {
        if (deadLetters.containsKey(id)) {
            e.put("found_in", "dead_letters");
            e.set("dead_letter", deadLetters.get(id));
        } else {
            e.put("found_in", "");
        }
    }

    /** raw_events rows by event id (more than one only when two kinds share an id), envelopes bounded. */
    private Map<String, List<ObjectNode>> rawEvents(Collection<String> ids) throws IOException, InterruptedException {
        Map<String, List<ObjectNode>> byId = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return byId;
        }
        for (JsonNode r : select("SELECT event_id, kind, source, event_time_ms, source_topic, source_partition, "
                + "source_offset, ingest_time_ms, envelope_json FROM riskplane.raw_events WHERE event_id IN "
                + inList(ids) + " ORDER BY event_id, kind LIMIT 1 BY kind, event_id LIMIT " + (ids.size() * 4))) {
            ObjectNode o = NODES.objectNode()
                    .put("kind", r.path("kind").asText())
                    .put("source", r.path("source").asText())
                    .put(
                            "event_time",
                            Instant.ofEpochMilli(r.path("event_time_ms").asLong())
                                    .toString())
                    .put("source_topic", r.path("source_topic").asText())
                    .put("source_partition", r.path("source_partition").asInt())
                    .put("source_offset", r.path("source_offset").asLong())
                    .put(
                            "ingest_time",
                            Instant.ofEpochMilli(r.path("ingest_time_ms").asLong())
                                    .toString());
            payload(o, "envelope", r.path("envelope_json").asText());
            byId.computeIfAbsent(r.path("event_id").asText(), k -> new ArrayList<>())
                    .add(o);
        }
        return byId;
    }

    /** Puts name (the JSON) when the text is JSON within the bound, else name_text (cut) and name_cut. */
    private void payload(ObjectNode o, String name, String text) {
        o.put(name + "_chars", text.length());
        if (text.length() <= maxPayloadChars) {
            try {
                o.set(name, JSON.readTree(text));
                return;
            } catch (IOException notJson) {
                // below, as text (a row cut by the loader's size bound is no longer JSON)
            }
            o.put(name + "_text", text);
            return;
        }
        o.put(name + "_text", text.substring(0, maxPayloadChars));
        o.put(name + "_cut", true);
    }

    /** Detector rows whose id is one of these, within [lo, hi] of event time; each with its trigger ids. */
    private Map<String, ObjectNode> derived(List<String> ids, long lo, long hi)
            throws IOException, InterruptedException {
        Map<String, ObjectNode> found = new LinkedHashMap<>();
        for (DerivedTable t : DERIVED) {
            List<String> wanted =
                    ids.stream().filter(id -> !found.containsKey(id)).toList();
            if (wanted.isEmpty()) {
                break;
            }
            String in = inList(wanted);
            String time = t.dateColumn()
                    ? t.timeColumn() + " BETWEEN toDate(toDateTime(" + lo / 1000 + ")) AND toDate(toDateTime("
                            + hi / 1000 + "))"
                    : t.timeColumn() + " BETWEEN toDateTime(" + lo / 1000 + ") AND toDateTime(" + hi / 1000 + ")";
            List<JsonNode> rows;
            try {
                rows = select("SELECT * FROM riskplane." + t.table() + " WHERE ("
                        + String.join(
                                " OR ",
                                t.idColumns().stream().map(c -> c + " IN " + in).toList()) + ") AND " + time
                        + " ORDER BY " + t.timeColumn() + ", " + String.join(", ", t.idColumns())
                        + " LIMIT " + (wanted.size() * 4));
            } catch (IOException tableMissing) {
                continue; // a schema older than the column: nothing to find there
            }
            for (JsonNode r : rows) {
                for (String column : t.idColumns()) {
                    String id = r.path(column).asText();
                    if (!id.isEmpty() && wanted.contains(id) && !found.containsKey(id)) {
                        ObjectNode d = NODES.objectNode()
                                .put("table", "riskplane." + t.table())
                                .put("id_column", column);
                        ArrayNode triggers = d.putArray("trigger_event_ids");
                        if (t.triggerColumn() != null) {
                            String[] list = r.path(t.triggerColumn()).asText().split(",");
                            for (int i = 0; i < list.length && i < MAX_DERIVED_TRIGGERS; i++) {
                                if (!list[i].isBlank()) {
                                    triggers.add(list[i].strip());
                                }
                            }
                            d.put("trigger_event_ids_total", (int) java.util.Arrays.stream(list)
                                    .filter(s -> !s.isBlank())
                                    .count());
                        }
                        payload(d, "row", JSON.writeValueAsString(r));
                        found.put(id, d);
                    }
                }
            }
        }
        return found;
    }

    private Map<String, ObjectNode> deadLetters(List<String> ids) throws IOException, InterruptedException {
        Map<String, ObjectNode> found = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        for (JsonNode r : select("SELECT original_event_id, dead_letter_id, reason_code, detail, source_topic, "
                + "source_partition, source_offset, observed_at_ms FROM riskplane.dead_letters WHERE "
                + "original_event_id IN " + inList(ids) + " ORDER BY original_event_id, observed_at_ms, "
                + "dead_letter_id LIMIT 1 BY original_event_id LIMIT " + ids.size())) {
            found.put(
                    r.path("original_event_id").asText(),
                    NODES.objectNode()
                            .put("dead_letter_id", r.path("dead_letter_id").asText())
                            .put("reason_code", r.path("reason_code").asText())
                            .put("detail", cut(r.path("detail").asText()))
                            .put("source_topic", r.path("source_topic").asText())
                            .put("source_partition", r.path("source_partition").asInt())
                            .put("source_offset", r.path("source_offset").asLong())
                            .put(
                                    "observed_at",
                                    Instant.ofEpochMilli(
                                                    r.path("observed_at_ms").asLong())
                                            .toString()));
        }
        return found;
    }

    /** The operator command behind an operator.* control event: the first trigger that is one. */
    private static JsonNode operatorCommand(ObjectNode triggers) {
        for (JsonNode e : triggers.path("events")) {
            if ("operator_command".equals(e.path("kind").asText())) {
                JsonNode c = e.path("envelope").path("operatorCommand");
                ObjectNode o = NODES.objectNode()
                        .put("command_id", e.path("event_id").asText())
                        .put("event_time", e.path("event_time").asText());
                if (c.isObject()) {
                    o.put("action", c.path("action").asText());
                    o.put("operator_id", c.path("operatorId").asText());
                    o.set("scope", c.path("scope").isObject() ? c.path("scope") : NODES.objectNode());
                    o.put("rule_id", c.path("ruleId").asText());
                    o.put("reason", c.path("reason").asText());
                    o.put("ticket", c.path("ticket").asText());
                    o.put("signed", !c.path("signature").asText().isEmpty());
                }
                return o;
            }
        }
        return null;
    }

    private String cut(String s) {
        return s.length() <= maxPayloadChars
                ? s
                : s.substring(0, maxPayloadChars) + " ...[cut: " + s.length() + " chars]";
    }

    private static JsonNode parseOrText(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException notJson) {
            return NODES.textNode(s);
        }
    }

    private static JsonNode tree(MessageOrBuilder m) {
        try {
            return JSON.readTree(EnvelopeJson.print(m));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String time(com.google.protobuf.Timestamp t) {
        return Instant.ofEpochMilli(ProtoTime.toMillis(t)).toString();
    }

    private List<JsonNode> select(String sql) throws IOException, InterruptedException {
        String body = ch.query(sql + " FORMAT JSONEachRow");
        List<JsonNode> rows = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (!line.isBlank()) {
                rows.add(JSON.readTree(line));
            }
        }
        return rows;
    }

    private static String inList(Collection<String> ids) {
        StringBuilder sb = new StringBuilder("(");
        for (String id : ids) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(quote(id));
        }
        return sb.append(")").toString();
    }

    /** A ClickHouse string literal: quotes, backslashes and control characters escaped. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('\'');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '\'' -> sb.append("\\'");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\0' -> sb.append("\\0");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\x%02x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('\'').toString();
    }
}
