package io.riskplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.riskplane.contract.EnvelopeJson;
import io.riskplane.guardrails.EarlyOrderRateRule;
import io.riskplane.outputs.PlaneOutputs;
import io.riskplane.sinks.clickhouse.ClickHouseHttp;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.Envelope;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * `riskplane diff A B`: which halts appear, vanish or move in time between two replays, with their evidence side by
 * side. Either side may also be the live control topic (kafka://) or ClickHouse's control_events (clickhouse://);
 * --early compares the early control events instead. The work is {@link ControlDiff}; here are the arguments, the
 * sources and the exit code.
 */
@Command(
        name = "diff",
        mixinStandardHelpOptions = true,
        description = {
            "Compares the control events of two replays (riskplane replay --out DIR), or of a replay and "
                    + "what the plane decided live, over the range --from/--to: which halts appear, vanish or move in "
                    + "time, with their evidence side by side. A and B are each a replay output directory, a "
                    + "control-events.jsonl file, kafka://HOST:PORT (the live control topic, read_committed) or "
                    + "clickhouse://HOST:PORT[/DATABASE] (ClickHouse's control_events table over its HTTP port, database "
                    + "riskplane by default, each control id once). Events match on rule, scope (all six fields) and "
                    + "kind, not on control id (it hashes the policy version and decision time), and pair in time order "
                    + "within that key. Each row is SAME, MOVED (decided_at differs; SHIFT = B - A), CHANGED (same time, "
                    + "other evidence, policy version, reason or action), ONLY_IN_A (vanishes in B) or ONLY_IN_B "
                    + "(appears in B).",
            "--early compares the early control events (decided on arrival) instead of the confirmed ones: "
                    + "control-events-early.jsonl of a replay directory, the topic riskplane.v1.control-early, "
                    + "and in ClickHouse the rows of the early rule " + EarlyOrderRateRule.RULE_ID
                    + " (control_events holds both kinds and has no early column: they are told apart by rule_id; without "
                    + "--early those rows are left out). Early events are written at least once: a control id "
                    + "seen twice counts once.",
            "Exit codes: 0 identical, 1 different, 2 bad arguments (missing file, a line or row that is not a "
                    + "control event envelope, a topic or ClickHouse that cannot be read)."
        })
final class DiffCommand implements Callable<Integer> {
    static final String FILE = PlaneOutputs.CONTROL_EVENTS.replayFile();
    static final String EARLY_FILE = PlaneOutputs.EARLY_CONTROL_EVENTS.replayFile();
    /** A side as the live control topic: kafka://HOST:PORT. */
    static final String LIVE = "kafka://";
    /** A side as ClickHouse's control_events: clickhouse://HOST:PORT[/DATABASE], the HTTP interface. */
    static final String CLICKHOUSE = "clickhouse://";

    static final String DEFAULT_DATABASE = "riskplane";
    static final int DEFAULT_HTTP_PORT = 8123;
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "A",
            description = "A replay output directory, a control-events.jsonl "
                    + "file, kafka://HOST:PORT or clickhouse://HOST:PORT[/DATABASE].")
    String a;

    @Parameters(
            index = "1",
            paramLabel = "B",
            description = "The other one, compared against A: a replay output "
                    + "directory or file; kafka://HOST:PORT for the live control topic (riskplane.v1.control, "
                    + "read_committed, as execution sees it); or clickhouse://HOST:PORT[/DATABASE] for the table "
                    + "control_events (HTTP port, default database riskplane).")
    String b;

    @Option(
            names = "--from",
            paramLabel = "INSTANT",
            description = "Only control events decided at or after this "
                    + "(ISO-8601, e.g. 2026-11-20T00:00:00Z), on both sides: the day a replay covers.")
    java.time.Instant from;

    @Option(names = "--to", paramLabel = "INSTANT", description = "Only control events decided before this.")
    java.time.Instant to;

    @Option(
            names = "--early",
            description = "Compare the early control events (control-events-early.jsonl, topic "
                    + "riskplane.v1.control-early, ClickHouse rows of rule " + EarlyOrderRateRule.RULE_ID
                    + "), each control id once.")
    boolean early;

    @Option(
            names = "--kafka-property",
            paramLabel = "KEY=VALUE",
            description = "Extra Kafka consumer setting for kafka://, e.g. security.protocol=SASL_SSL (repeatable).")
    java.util.Map<String, String> kafkaProperties = java.util.Map.of();

    @Option(
            names = "--user",
            paramLabel = "USER",
            defaultValue = "default",
            description = "ClickHouse user for clickhouse:// (default ${DEFAULT-VALUE}). A read-only user (analyst) "
                    + "is enough.")
    String user;

    @Option(
            names = "--password-env",
            paramLabel = "VARIABLE",
            description = "Environment variable holding the ClickHouse password for clickhouse:// (default: none).")
    String passwordEnv;

    @Option(names = "--json", description = "Print one JSON object per row (JSON Lines) instead of the table.")
    boolean json;

    @Option(names = "--only-changes", description = "Leave out SAME rows.")
    boolean onlyChanges;

    @Override
    public Integer call() throws IOException {
        List<ControlEvent> left;
        List<ControlEvent> right;
        try {
            left = inRange(events(a));
            right = inRange(events(b));
        } catch (BadInput e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("riskplane diff: " + e.getMessage());
            err.flush();
            return 2;
        }
        List<ControlDiff.Row> rows = ControlDiff.diff(left, right);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ControlDiff.jsonLines(rows, onlyChanges).forEach(out::println);
        } else {
            whatIf("A", a).ifPresent(out::println);
            whatIf("B", b).ifPresent(out::println);
            out.print(ControlDiff.table(rows, left.size(), right.size(), onlyChanges));
        }
        out.flush();
        return ControlDiff.identical(rows) ? 0 : 1;
    }

    /** "B is a what-if: ..." when a side is a replay directory whose replay.json says so (replay --policies). */
    static java.util.Optional<String> whatIf(String name, String side) {
        if (side.contains("://")) {
            return java.util.Optional.empty();
        }
        Path manifest = Path.of(side).resolve(io.riskplane.lake.LakeReplay.MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            return java.util.Optional.empty();
        }
        try {
            JsonNode m = JSON.readTree(manifest.toFile());
            if (!m.path("what_if").asBoolean()) {
                return java.util.Optional.empty();
            }
            List<String> policies = new java.util.ArrayList<>();
            m.path("what_if_policies").path("policies").forEach(p -> policies.add(p.asText()));
            return java.util.Optional.of(name + " is a WHAT-IF ("
                    + m.path("what_if_policies").path("policies_file").asText() + ", in force from "
                    + m.path("what_if_policies").path("in_force_from").asText() + "): "
                    + String.join(", ", policies));
        } catch (IOException | RuntimeException unreadable) {
            return java.util.Optional.of(name + ": " + manifest + " is unreadable");
        }
    }

    private List<ControlEvent> inRange(List<ControlEvent> events) {
        return events.stream()
                .filter(c -> {
                    java.time.Instant t = java.time.Instant.ofEpochSecond(
                            c.getDecidedAt().getSeconds(), c.getDecidedAt().getNanos());
                    return (from == null || !t.isBefore(from)) && (to == null || t.isBefore(to));
                })
                .toList();
    }

    /**
     * The control events of one side (confirmed, or early with --early, then each control id once): a replay
     * directory or file, kafka://, or clickhouse://.
     */
    List<ControlEvent> events(String side) throws BadInput, IOException {
        List<ControlEvent> events;
        if (side.startsWith(LIVE)) {
            events = live(side.substring(LIVE.length()));
        } else if (side.startsWith(CLICKHOUSE)) {
            events = clickhouse(side);
        } else {
            Path p;
            try {
                p = Path.of(side);
            } catch (java.nio.file.InvalidPathException e) {
                throw new BadInput("not a path, kafka:// or clickhouse://: " + side);
            }
            events = read(p, early);
        }
        return early ? ControlDiff.oncePerControlId(events) : events;
    }

    /** Every control event on the live control topic (or the early one) now, read_committed (what execution obeys). */
    private List<ControlEvent> live(String bootstrap) throws BadInput {
        String topic = early ? io.riskplane.contract.Topics.CONTROL_EARLY : io.riskplane.contract.Topics.CONTROL;
        java.util.Properties client = new java.util.Properties();
        client.putAll(kafkaProperties);
        List<ControlEvent> events = new ArrayList<>();
        List<String> foreign = new ArrayList<>();
        try {
            io.riskplane.infra.CommittedTopicReader.readToEnd(
                    bootstrap, client, topic, java.time.Duration.ofMinutes(5), r -> {
                        try {
                            Envelope e = Envelope.parseFrom(r.value());
                            if (e.hasControl()) {
                                events.add(e.getControl());
                                return;
                            }
                        } catch (com.google.protobuf.InvalidProtocolBufferException | NullPointerException ex) {
                            // counted below
                        }
                        foreign.add(r.partition() + "/" + r.offset());
                    });
        } catch (RuntimeException e) {
            throw new BadInput("cannot read " + topic + " on " + bootstrap + ": " + RiskPlaneCli.describe(e));
        }
        if (!foreign.isEmpty()) {
            throw new BadInput(topic + " holds records that are not control events: "
                    + String.join(", ", foreign.subList(0, Math.min(5, foreign.size()))));
        }
        return events;
    }

    static final class BadInput extends Exception {
        BadInput(String message) {
            super(message);
        }
    }

    /**
     * The control events of ClickHouse's control_events (clickhouse://HOST:PORT[/DATABASE]): each control id once
     * (FINAL: the table is a ReplacingMergeTree by control_id), the confirmed rows or, with --early, the early rule's,
     * decided in --from/--to (pushed into the WHERE on decided_at, to the second; the exact range is kept after),
     * each row's envelope_json parsed as a replay file's line is.
     */
    private List<ControlEvent> clickhouse(String side) throws BadInput {
        String database;
        String url;
        try {
            java.net.URI uri = new java.net.URI("http://" + side.substring(CLICKHOUSE.length()));
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            database = path.isEmpty() || path.equals("/") ? DEFAULT_DATABASE : path.substring(1);
            if (uri.getHost() == null
                    || uri.getRawUserInfo() != null
                    || uri.getRawQuery() != null
                    || uri.getRawFragment() != null
                    || !DATABASE.matcher(database).matches()) {
                throw new java.net.URISyntaxException(side, "expected clickhouse://HOST:PORT[/DATABASE]");
            }
            url = "http://" + uri.getHost() + ":" + (uri.getPort() < 0 ? DEFAULT_HTTP_PORT : uri.getPort());
        } catch (java.net.URISyntaxException e) {
            throw new BadInput("not clickhouse://HOST:PORT[/DATABASE] (the HTTP port; credentials go in --user and "
                    + "--password-env): " + side.replaceFirst("^clickhouse://[^/?#]*@", "clickhouse://...@"));
        }
        String table = database + ".control_events";
        String sql = "SELECT control_id, envelope_json FROM " + table + " FINAL WHERE "
                + clickHouseWhere(early, from, to) + " ORDER BY decided_at_ms, control_id FORMAT JSONEachRow";
        String password = passwordEnv == null ? "" : System.getenv().getOrDefault(passwordEnv, "");
        String body;
        try {
            body = new ClickHouseHttp(url, user, password).query(sql);
        } catch (IOException | RuntimeException e) {
            throw new BadInput("cannot read " + table + " at " + url + ": " + RiskPlaneCli.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadInput("interrupted while reading " + table + " at " + url);
        }
        java.util.Map<String, ControlEvent> byId = new java.util.LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String id = "?";
            Envelope env;
            try {
                JsonNode row = JSON.readTree(line);
                id = row.path("control_id").asText();
                env = EnvelopeJson.parse(row.path("envelope_json").asText());
            } catch (IOException | RuntimeException e) {
                throw new BadInput(table + " row " + id + ": envelope_json is not an envelope in canonical JSON: "
                        + RiskPlaneCli.describe(e));
            }
            if (!env.hasControl()) {
                throw new BadInput(table + " row " + id + ": envelope_json is not a control event (payload "
                        + env.getPayloadCase().name().toLowerCase() + ")");
            }
            byId.putIfAbsent(id, env.getControl());
        }
        return new ArrayList<>(byId.values());
    }

    /**
     * The WHERE of the control_events query: the early rule's rows or all the others, and decided_at (whole seconds
     * in ClickHouse) in the range widened to whole seconds; every value a number or a quoted literal.
     */
    static String clickHouseWhere(boolean early, java.time.Instant from, java.time.Instant to) {
        StringBuilder w = new StringBuilder("rule_id ")
                .append(early ? "= " : "!= ")
                .append(ControlExplainer.quote(EarlyOrderRateRule.RULE_ID));
        long maxDateTime = 4_294_967_295L; // DateTime is seconds since the epoch in a UInt32
        if (from != null && from.getEpochSecond() > 0) {
            w.append(" AND decided_at >= toDateTime(")
                    .append(Math.min(from.getEpochSecond(), maxDateTime))
                    .append(')');
        }
        if (to != null && to.getEpochSecond() <= maxDateTime) {
            // t < to means floor(t) <= floor(to), and floor(t) < to when to is a whole second
            w.append(to.getNano() == 0 ? " AND decided_at < toDateTime(" : " AND decided_at <= toDateTime(")
                    .append(Math.max(to.getEpochSecond(), 0))
                    .append(')');
        }
        return w.toString();
    }

    /**
     * The control events of a replay output directory (its control-events.jsonl, or control-events-early.jsonl when
     * early) or of one file of control-event envelopes.
     */
    static List<ControlEvent> read(Path p, boolean early) throws BadInput, IOException {
        String name = early ? EARLY_FILE : FILE;
        Path file = Files.isDirectory(p) ? p.resolve(name) : p;
        if (!Files.isRegularFile(file)) {
            throw new BadInput(
                    Files.isDirectory(p)
                            ? "no " + name + " in " + p + " (is it a riskplane replay --out " + "directory"
                                    + (early ? ", of a version that writes early control events" : "") + "?)"
                            : "no such file: " + p);
        }
        List<ControlEvent> events = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int n = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                Envelope env;
                try {
                    env = EnvelopeJson.parse(line);
                } catch (Exception e) {
                    throw new BadInput(
                            file + ":" + n + ": not an envelope in canonical JSON: " + RiskPlaneCli.describe(e));
                }
                if (!env.hasControl()) {
                    throw new BadInput(file + ":" + n + ": not a control event (payload "
                            + env.getPayloadCase().name().toLowerCase() + ")");
                }
                events.add(env.getControl());
            }
        } catch (java.nio.charset.MalformedInputException e) {
            throw new BadInput(file + ": not UTF-8 text");
        }
        return events;
    }
}
