package io.riskplane.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Test support for the Grafana dashboards in {@code dashboards/grafana}: lists the dashboards, extracts every ClickHouse
 * query with Grafana's macros and the dashboard variables expanded (so a test can run them against ClickHouse),
 * extracts the SQL blocks of a Markdown file, and checks the dashboard models.
 *
 * <p>Expansion contract (what {@link #expand} does, and all the dashboards may use):
 * <ul>
 *   <li>{@code $__timeFilter(col)} becomes {@code (col >= toDateTime(FROM) AND col <= toDateTime(TO))};</li>
 *   <li>{@code $__fromTime} / {@code $__toTime} become {@code toDateTime(FROM)} / {@code toDateTime(TO)};</li>
 *   <li>{@code $__interval_s} becomes the interval in whole seconds;</li>
 *   <li>{@code ${name}}, {@code ${name:format}}, {@code $name} and {@code [[name]]} become the variable's
 *       {@code current.value}, or its {@code allValue} verbatim when that value is {@code $__all}.</li>
 * </ul>
 * FROM and TO are epoch seconds.
 */
public final class GrafanaDashboards {

    public static final String CLICKHOUSE_TYPE = "grafana-clickhouse-datasource";
    public static final String CLICKHOUSE_UID = "riskplane-clickhouse";
    public static final String PROMETHEUS_UID = "riskplane-prometheus";

    /** Datasource uids Grafana provides itself. */
    static final Set<String> BUILT_IN_DATASOURCE_UIDS =
            Set.of("-- Grafana --", "-- Mixed --", "-- Dashboard --", "grafana", "__expr__");

    /** The macros a ClickHouse query may use (the expansion contract above). */
    static final Set<String> SUPPORTED_MACROS = Set.of("$__timeFilter", "$__fromTime", "$__toTime", "$__interval_s");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    /** {@code ${name}}, {@code ${name:fmt}}, {@code [[name]]}, {@code [[name:fmt]]} or {@code $name}. */
    private static final Pattern VARIABLE_REF = Pattern.compile(
            "\\$\\{([A-Za-z0-9_]+)(?:[:.][^}]*)?}|\\[\\[([A-Za-z0-9_]+)(?::[^\\]]*)?]]|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private static final Pattern MACRO = Pattern.compile("\\$__[A-Za-z_]+");
    private static final Pattern TIME_FILTER = Pattern.compile("\\$__timeFilter\\s*\\(");

    /** One query: where it comes from (for messages) and its SQL. */
    public record Query(String where, String sql) {}

    private GrafanaDashboards() {}

    // ---------------------------------------------------------------------------------------------------------------
    // Locations
    // ---------------------------------------------------------------------------------------------------------------

    /** The repository root: the nearest directory, from the working directory up, with {@code dashboards} and a pom. */
    public static Path repoRoot() {
        return repoRoot(Path.of(""));
    }

    /** The nearest directory, from {@code start} up, that holds a {@code dashboards} directory and a {@code pom.xml}. */
    public static Path repoRoot(Path start) {
        return io.riskplane.testing.RepoRoot.above(start.toAbsolutePath().normalize());
    }

    public static Path dashboardsDir(Path repoRoot) {
        return repoRoot.resolve("dashboards/grafana/dashboards");
    }

    public static Path datasourcesYaml(Path repoRoot) {
        return repoRoot.resolve("dashboards/grafana/provisioning/datasources/riskplane.yaml");
    }

    /** Every dashboard JSON model under {@code dashboards/grafana/dashboards}, sorted by file name. */
    public static List<Path> dashboards(Path repoRoot) {
        Path dir = dashboardsDir(repoRoot);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Queries
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Every ClickHouse query of every dashboard: each ClickHouse target of each panel (panels nested in rows included),
     * each ClickHouse annotation query and each ClickHouse query variable's own query, expanded per the contract.
     */
    public static List<Query> clickHouseQueries(
            Path repoRoot, long fromEpochSeconds, long toEpochSeconds, int intervalSeconds) {
        Set<String> clickHouseUids = clickHouseUids(datasourcesYaml(repoRoot));
        List<Query> queries = new ArrayList<>();
        for (Path dashboard : dashboards(repoRoot)) {
            queries.addAll(
                    clickHouseQueriesOf(dashboard, clickHouseUids, fromEpochSeconds, toEpochSeconds, intervalSeconds));
        }
        return queries;
    }

    /** The ClickHouse queries of one dashboard (see {@link #clickHouseQueries(Path, long, long, int)}). */
    public static List<Query> clickHouseQueriesOf(
            Path dashboardJson,
            Set<String> clickHouseUids,
            long fromEpochSeconds,
            long toEpochSeconds,
            int intervalSeconds) {
        JsonNode dashboard = readJson(dashboardJson);
        String file = dashboardJson.getFileName().toString();
        Map<String, String> values = variableValues(dashboard);
        List<Query> queries = new ArrayList<>();
        for (RawQuery raw : rawClickHouseQueries(dashboard, file, clickHouseUids)) {
            queries.add(new Query(
                    raw.where(), expand(raw.sql(), values, fromEpochSeconds, toEpochSeconds, intervalSeconds)));
        }
        return queries;
    }

    /** The number of non-row panels (nested ones included) with at least one ClickHouse target. */
    public static int clickHousePanelCount(Path dashboardJson, Set<String> clickHouseUids) {
        JsonNode dashboard = readJson(dashboardJson);
        int count = 0;
        for (JsonNode panel : allPanels(dashboard)) {
            if (isRow(panel)) {
                continue;
            }
            for (JsonNode target : iterable(panel.path("targets"))) {
                if (isClickHouse(effectiveDatasource(panel, target), clickHouseUids)) {
                    count++;
                    break;
                }
            }
        }
        return count;
    }

    /** The uids of the ClickHouse datasources in a provisioning file (the default uid when it cannot be read). */
    public static Set<String> clickHouseUids(Path datasourcesYaml) {
        Set<String> uids = new LinkedHashSet<>();
        uids.add(CLICKHOUSE_UID);
        if (Files.isRegularFile(datasourcesYaml)) {
            try {
                provisionedDatasources(datasourcesYaml).forEach((uid, type) -> {
                    if (CLICKHOUSE_TYPE.equals(type)) {
                        uids.add(uid);
                    }
                });
            } catch (RuntimeException e) {
                // modelProblems reports an unreadable file; the default uid is enough to find the queries
            }
        }
        return uids;
    }

    /** Every ```sql fenced block of a Markdown file, in order, trimmed. */
    public static List<Query> markdownQueries(Path markdownFile) {
        List<String> lines;
        try {
            lines = Files.readAllLines(markdownFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String name = markdownFile.getFileName().toString();
        Path parent = markdownFile.toAbsolutePath().normalize().getParent();
        if (parent != null && parent.getFileName() != null) {
            name = parent.getFileName() + "/" + name;
        }
        List<Query> queries = new ArrayList<>();
        String heading = "";
        int block = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.trim();
            if (trimmed.startsWith("#")) {
                heading = trimmed.replaceFirst("^#+\\s*", "");
                continue;
            }
            if (trimmed.startsWith("```")
                    && trimmed.substring(3).trim().toLowerCase().startsWith("sql")) {
                int start = i + 1;
                StringBuilder sql = new StringBuilder();
                i++;
                while (i < lines.size() && !lines.get(i).trim().startsWith("```")) {
                    sql.append(lines.get(i)).append('\n');
                    i++;
                }
                block++;
                String where = name + " block " + block + " (line " + start
                        + (heading.isEmpty() ? "" : ", '" + heading + "'") + ")";
                queries.add(new Query(where, sql.toString().trim()));
            } else if (trimmed.startsWith("```")) {
                // skip a non-SQL fenced block entirely, so that a "```sql" inside it is not taken for a block
                i++;
                while (i < lines.size() && !lines.get(i).trim().startsWith("```")) {
                    i++;
                }
            }
        }
        return queries;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Expansion
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * The value each variable of a dashboard expands to: {@code current.value}, or {@code allValue} when that value is
     * {@code $__all} (or a list holding it). A list of several values is joined with commas. Variables without a
     * current value are absent.
     */
    public static Map<String, String> variableValues(JsonNode dashboard) {
        Map<String, String> values = new LinkedHashMap<>();
        for (JsonNode variable : iterable(dashboard.path("templating").path("list"))) {
            String name = variable.path("name").asText("");
            JsonNode value = variable.path("current").path("value");
            if (name.isEmpty() || value.isMissingNode() || value.isNull()) {
                continue;
            }
            List<String> parts = new ArrayList<>();
            if (value.isArray()) {
                value.forEach(v -> parts.add(v.asText()));
            } else {
                parts.add(value.asText());
            }
            if (parts.contains("$__all")) {
                JsonNode all = variable.path("allValue");
                values.put(name, all.isNull() || all.isMissingNode() ? "" : all.asText());
            } else {
                values.put(name, String.join(",", parts));
            }
        }
        return values;
    }

    /** Expands the macros and then the variables of a query (see the class comment). Unknown names stay as they are. */
    public static String expand(
            String sql,
            Map<String, String> variables,
            long fromEpochSeconds,
            long toEpochSeconds,
            int intervalSeconds) {
        String from = "toDateTime(" + fromEpochSeconds + ")";
        String to = "toDateTime(" + toEpochSeconds + ")";
        String out = expandTimeFilter(sql, from, to);
        out = out.replaceAll("\\$__fromTime(?![A-Za-z0-9_])", Matcher.quoteReplacement(from));
        out = out.replaceAll("\\$__toTime(?![A-Za-z0-9_])", Matcher.quoteReplacement(to));
        out = out.replaceAll("\\$__interval_s(?![A-Za-z0-9_])", Integer.toString(intervalSeconds));
        Matcher m = VARIABLE_REF.matcher(out);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = variableName(m);
            String value = name.startsWith("__") ? null : variables.get(name);
            m.appendReplacement(sb, Matcher.quoteReplacement(value == null ? m.group() : value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String expandTimeFilter(String sql, String from, String to) {
        StringBuilder out = new StringBuilder();
        int pos = 0;
        Matcher m = TIME_FILTER.matcher(sql);
        while (m.find(pos)) {
            int open = m.end() - 1;
            int close = matchingParen(sql, open);
            if (close < 0) {
                break;
            }
            String column = sql.substring(open + 1, close).trim();
            out.append(sql, pos, m.start())
                    .append('(')
                    .append(column)
                    .append(" >= ")
                    .append(from)
                    .append(" AND ")
                    .append(column)
                    .append(" <= ")
                    .append(to)
                    .append(')');
            pos = close + 1;
        }
        out.append(sql.substring(pos));
        return out.toString();
    }

    private static int matchingParen(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static String variableName(Matcher m) {
        for (int g = 1; g <= 3; g++) {
            if (m.group(g) != null) {
                return m.group(g);
            }
        }
        return "";
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Model checks
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Problems of one dashboard model, human-readable; empty when valid. Checks: the JSON parses and has a uid; panel
     * ids (nested ones included) are present and unique; every datasource a panel, target, variable or annotation
     * names exists in the provisioning file (or is Grafana's own, or a datasource variable); every variable used in a
     * query or a title is defined (or a built-in {@code $__*}); every variable has a current value; ClickHouse query
     * variables that include All have an allValue; ClickHouse targets have SQL, a refId unique in their panel, and use
     * only the macros of the expansion contract.
     */
    public static List<String> modelProblems(Path dashboardJson, Path datasourcesYaml) {
        String file = dashboardJson.getFileName().toString();
        List<String> problems = new ArrayList<>();
        JsonNode dashboard;
        try {
            dashboard = JSON.readTree(Files.readString(dashboardJson));
        } catch (IOException | RuntimeException e) {
            problems.add(file + ": not a readable JSON dashboard model: " + e.getMessage());
            return problems;
        }
        if (dashboard == null || !dashboard.isObject()) {
            problems.add(file + ": not a JSON object");
            return problems;
        }
        Map<String, String> provisioned;
        try {
            provisioned = provisionedDatasources(datasourcesYaml);
        } catch (RuntimeException e) {
            problems.add(
                    file + ": cannot read the datasource provisioning file " + datasourcesYaml + ": " + e.getMessage());
            provisioned = Map.of();
        }
        Set<String> clickHouseUids = new LinkedHashSet<>();
        provisioned.forEach((uid, type) -> {
            if (CLICKHOUSE_TYPE.equals(type)) {
                clickHouseUids.add(uid);
            }
        });

        if (dashboard.path("uid").asText("").isBlank()) {
            problems.add(file + ": the dashboard has no uid");
        }
        if (dashboard.path("title").asText("").isBlank()) {
            problems.add(file + ": the dashboard has no title");
        }

        // Variables
        Map<String, JsonNode> variables = new LinkedHashMap<>();
        for (JsonNode variable : iterable(dashboard.path("templating").path("list"))) {
            String name = variable.path("name").asText("");
            if (name.isBlank()) {
                problems.add(file + ": a template variable has no name");
                continue;
            }
            if (variables.put(name, variable) != null) {
                problems.add(file + ": template variable '" + name + "' is defined twice");
            }
        }
        for (Map.Entry<String, JsonNode> e : variables.entrySet()) {
            String name = e.getKey();
            JsonNode variable = e.getValue();
            JsonNode value = variable.path("current").path("value");
            boolean empty = value.isMissingNode()
                    || value.isNull()
                    || (value.isArray() && value.isEmpty())
                    || (value.isTextual()
                            && value.asText().isEmpty()
                            && !"textbox".equals(variable.path("type").asText()));
            if (empty) {
                problems.add(file + ": variable '" + name + "' has no current value");
            }
            boolean clickHouseQueryVariable =
                    "query".equals(variable.path("type").asText())
                            && isClickHouse(variable.path("datasource"), clickHouseUids);
            if (clickHouseQueryVariable
                    && variable.path("includeAll").asBoolean(false)
                    && (variable.path("allValue").isMissingNode()
                            || variable.path("allValue").isNull()
                            || variable.path("allValue").asText().isEmpty())) {
                problems.add(file + ": ClickHouse variable '" + name + "' includes All but has no allValue");
            }
            if (clickHouseQueryVariable && variableQuery(variable).isBlank()) {
                problems.add(file + ": ClickHouse variable '" + name + "' has no query");
            }
        }

        // Panels: ids, titles, datasources, targets
        Map<Long, String> ids = new HashMap<>();
        List<String> texts = new ArrayList<>(); // queries and titles, checked for variables below
        List<String> textWhere = new ArrayList<>();
        texts.add(dashboard.path("title").asText(""));
        textWhere.add("dashboard title");
        for (JsonNode panel : allPanels(dashboard)) {
            String title = panel.path("title").asText("");
            String label = "panel " + (panel.has("id") ? panel.get("id").asText() : "?") + " '" + title + "'";
            if (!panel.has("id") || !panel.get("id").canConvertToLong()) {
                problems.add(file + ": " + label + " has no numeric id");
            } else {
                long id = panel.get("id").asLong();
                String previous = ids.putIfAbsent(id, title);
                if (previous != null) {
                    problems.add(file + ": duplicate panel id " + id + " ('" + previous + "' and '" + title + "')");
                }
            }
            texts.add(title);
            textWhere.add(label + " title");
            checkDatasource(file, label, panel.path("datasource"), provisioned, variables, problems);
            Set<String> refIds = new LinkedHashSet<>();
            for (JsonNode target : iterable(panel.path("targets"))) {
                String refId = target.path("refId").asText("");
                String targetLabel = label + " target " + (refId.isEmpty() ? "?" : refId);
                checkDatasource(file, targetLabel, target.path("datasource"), provisioned, variables, problems);
                if (refId.isEmpty()) {
                    problems.add(file + ": " + targetLabel + " has no refId");
                } else if (!refIds.add(refId)) {
                    problems.add(file + ": " + label + " has two targets with refId " + refId);
                }
                for (String q : queryTexts(target)) {
                    texts.add(q);
                    textWhere.add(targetLabel);
                }
                if (isClickHouse(effectiveDatasource(panel, target), clickHouseUids)) {
                    checkClickHouseQuery(
                            file, targetLabel, target.path("rawSql").asText(""), problems);
                }
            }
        }

        // Variables' and annotations' datasources and queries
        for (JsonNode variable : variables.values()) {
            String label = "variable '" + variable.path("name").asText() + "'";
            if (variable.has("datasource")) {
                checkDatasource(file, label, variable.path("datasource"), provisioned, variables, problems);
            }
            String q = variableQuery(variable);
            texts.add(q);
            textWhere.add(label + " query");
            if ("query".equals(variable.path("type").asText())
                    && isClickHouse(variable.path("datasource"), clickHouseUids)) {
                checkClickHouseQuery(file, label, q, problems);
            }
        }
        for (JsonNode annotation : iterable(dashboard.path("annotations").path("list"))) {
            String label = "annotation '" + annotation.path("name").asText() + "'";
            checkDatasource(file, label, annotation.path("datasource"), provisioned, variables, problems);
            JsonNode target = annotation.path("target");
            for (String q : queryTexts(target)) {
                texts.add(q);
                textWhere.add(label);
            }
            String rawQuery =
                    annotation.path("rawQuery").asText(annotation.path("query").asText(""));
            if (!rawQuery.isEmpty()) {
                texts.add(rawQuery);
                textWhere.add(label);
            }
            if (isClickHouse(annotation.path("datasource"), clickHouseUids)) {
                String sql = target.path("rawSql").asText(rawQuery);
                if (sql.isBlank()) {
                    problems.add(file + ": " + label + " has no SQL");
                } else {
                    checkClickHouseQuery(file, label, sql, problems);
                }
            }
        }

        // Variables used in queries and titles
        for (int i = 0; i < texts.size(); i++) {
            Matcher m = VARIABLE_REF.matcher(texts.get(i));
            Set<String> reported = new LinkedHashSet<>();
            while (m.find()) {
                String name = variableName(m);
                if (name.startsWith("__") || variables.containsKey(name) || !reported.add(name)) {
                    continue;
                }
                problems.add(file + ": " + textWhere.get(i) + " uses undefined variable $" + name);
            }
        }
        return problems;
    }

    /** Problems across dashboards: a missing or duplicate uid, or a duplicate title (they share one folder). */
    public static List<String> uidProblems(List<Path> dashboardJsons) {
        List<String> problems = new ArrayList<>();
        Map<String, String> uids = new HashMap<>();
        Map<String, String> titles = new HashMap<>();
        for (Path path : dashboardJsons) {
            String file = path.getFileName().toString();
            JsonNode dashboard;
            try {
                dashboard = JSON.readTree(Files.readString(path));
            } catch (IOException | RuntimeException e) {
                problems.add(file + ": not a readable JSON dashboard model: " + e.getMessage());
                continue;
            }
            String uid = dashboard.path("uid").asText("");
            if (uid.isBlank()) {
                problems.add(file + ": the dashboard has no uid");
            } else {
                String other = uids.putIfAbsent(uid, file);
                if (other != null) {
                    problems.add("duplicate dashboard uid '" + uid + "' in " + other + " and " + file);
                }
                if (uid.length() > 40) {
                    problems.add(file + ": dashboard uid '" + uid + "' is longer than Grafana's 40 characters");
                }
            }
            String title = dashboard.path("title").asText("");
            if (!title.isBlank()) {
                String other = titles.putIfAbsent(title, file);
                if (other != null) {
                    problems.add("duplicate dashboard title '" + title + "' in " + other + " and " + file);
                }
            }
        }
        return problems;
    }

    /** uid to type of every datasource in a Grafana provisioning file. */
    public static Map<String, String> provisionedDatasources(Path datasourcesYaml) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(datasourcesYaml));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (root == null) {
            return out;
        }
        for (JsonNode ds : iterable(root.path("datasources"))) {
            String uid = ds.path("uid").asText("");
            if (!uid.isEmpty()) {
                out.put(uid, ds.path("type").asText(""));
            }
        }
        return out;
    }

    private static void checkDatasource(
            String file,
            String label,
            JsonNode ds,
            Map<String, String> provisioned,
            Map<String, JsonNode> variables,
            List<String> problems) {
        if (ds == null || ds.isMissingNode() || ds.isNull()) {
            return;
        }
        String uid;
        String type = "";
        if (ds.isTextual()) {
            uid = ds.asText();
        } else {
            uid = ds.path("uid").asText("");
            type = ds.path("type").asText("");
        }
        if (uid.isEmpty()) {
            problems.add(file + ": " + label + " names a datasource without a uid"
                    + (type.isEmpty() ? "" : " (type " + type + ")"));
            return;
        }
        Matcher ref = VARIABLE_REF.matcher(uid);
        if (ref.matches()) {
            String name = variableName(ref);
            if (!variables.containsKey(name)) {
                problems.add(file + ": " + label + " uses undefined datasource variable $" + name);
            }
            return;
        }
        if (BUILT_IN_DATASOURCE_UIDS.contains(uid)) {
            return;
        }
        if (!provisioned.containsKey(uid)) {
            problems.add(file + ": " + label + " uses unknown datasource uid '" + uid + "'"
                    + (ds.isTextual() ? " (a datasource referenced by name or bare string)" : ""));
            return;
        }
        String provisionedType = provisioned.get(uid);
        if (!type.isEmpty() && !provisionedType.isEmpty() && !type.equals(provisionedType)) {
            problems.add(file + ": " + label + " gives datasource uid '" + uid + "' type " + type
                    + " but it is provisioned as " + provisionedType);
        }
    }

    private static void checkClickHouseQuery(String file, String label, String sql, List<String> problems) {
        if (sql.isBlank()) {
            problems.add(file + ": " + label + " has no rawSql");
            return;
        }
        Matcher m = MACRO.matcher(sql);
        Set<String> reported = new LinkedHashSet<>();
        while (m.find()) {
            String macro = m.group();
            if (!SUPPORTED_MACROS.contains(macro) && reported.add(macro)) {
                problems.add(file + ": " + label + " uses macro " + macro
                        + " outside the expansion contract ($__timeFilter, $__fromTime, $__toTime, $__interval_s)");
            }
        }
        if (sql.trim().endsWith(";")) {
            problems.add(file + ": " + label + " ends with a semicolon");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------------------------

    private record RawQuery(String where, String sql) {}

    private static List<RawQuery> rawClickHouseQueries(JsonNode dashboard, String file, Set<String> clickHouseUids) {
        List<RawQuery> out = new ArrayList<>();
        for (JsonNode panel : allPanels(dashboard)) {
            for (JsonNode target : iterable(panel.path("targets"))) {
                if (!isClickHouse(effectiveDatasource(panel, target), clickHouseUids)) {
                    continue;
                }
                String sql = target.path("rawSql").asText("");
                if (sql.isBlank()) {
                    continue;
                }
                out.add(new RawQuery(
                        file + " panel " + panel.path("id").asText("?") + " '"
                                + panel.path("title").asText("") + "' target "
                                + target.path("refId").asText("?"),
                        sql));
            }
        }
        for (JsonNode annotation : iterable(dashboard.path("annotations").path("list"))) {
            if (!isClickHouse(annotation.path("datasource"), clickHouseUids)) {
                continue;
            }
            String sql = annotation
                    .path("target")
                    .path("rawSql")
                    .asText(annotation.path("rawQuery").asText(""));
            if (!sql.isBlank()) {
                out.add(new RawQuery(
                        file + " annotation '" + annotation.path("name").asText("") + "'", sql));
            }
        }
        for (JsonNode variable : iterable(dashboard.path("templating").path("list"))) {
            if (!"query".equals(variable.path("type").asText())
                    || !isClickHouse(variable.path("datasource"), clickHouseUids)) {
                continue;
            }
            String sql = variableQuery(variable);
            if (!sql.isBlank()) {
                out.add(new RawQuery(
                        file + " variable '" + variable.path("name").asText("") + "'", sql));
            }
        }
        return out;
    }

    /** Every panel of a dashboard, depth first, with the panels nested in (collapsed) rows and legacy rows. */
    static List<JsonNode> allPanels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        collectPanels(dashboard.path("panels"), out);
        for (JsonNode legacyRow : iterable(dashboard.path("rows"))) {
            collectPanels(legacyRow.path("panels"), out);
        }
        return out;
    }

    private static void collectPanels(JsonNode panels, List<JsonNode> out) {
        for (JsonNode panel : iterable(panels)) {
            out.add(panel);
            collectPanels(panel.path("panels"), out);
        }
    }

    private static boolean isRow(JsonNode panel) {
        return "row".equals(panel.path("type").asText());
    }

    /** The target's datasource, else the panel's (a target of a Mixed panel names its own). */
    private static JsonNode effectiveDatasource(JsonNode panel, JsonNode target) {
        JsonNode ds = target.path("datasource");
        if (ds.isMissingNode()
                || ds.isNull()
                || (ds.isObject()
                        && ds.path("uid").asText("").isEmpty()
                        && ds.path("type").asText("").isEmpty())) {
            return panel.path("datasource");
        }
        return ds;
    }

    private static boolean isClickHouse(JsonNode ds, Set<String> clickHouseUids) {
        if (ds == null || ds.isMissingNode() || ds.isNull()) {
            return false;
        }
        if (ds.isTextual()) {
            return clickHouseUids.contains(ds.asText()) || CLICKHOUSE_UID.equals(ds.asText());
        }
        String type = ds.path("type").asText("");
        String uid = ds.path("uid").asText("");
        return CLICKHOUSE_TYPE.equals(type) || clickHouseUids.contains(uid) || CLICKHOUSE_UID.equals(uid);
    }

    /** A variable's query: a plain string, or the rawSql / query / expr of a query object. */
    private static String variableQuery(JsonNode variable) {
        JsonNode q = variable.path("query");
        if (q.isTextual()) {
            return q.asText();
        }
        if (q.isObject()) {
            for (String field : List.of("rawSql", "query", "expr")) {
                if (q.path(field).isTextual()) {
                    return q.path(field).asText();
                }
            }
        }
        return "";
    }

    /** The query strings of a target, whatever its datasource: rawSql (SQL), expr (PromQL), query, rawQuery. */
    private static List<String> queryTexts(JsonNode target) {
        List<String> out = new ArrayList<>();
        for (String field : List.of("rawSql", "expr", "query", "rawQuery")) {
            JsonNode v = target.path(field);
            if (v.isTextual() && !v.asText().isEmpty()) {
                out.add(v.asText());
            }
        }
        return out;
    }

    private static JsonNode readJson(Path path) {
        try {
            return JSON.readTree(Files.readString(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Iterable<JsonNode> iterable(JsonNode node) {
        return node != null && node.isArray() ? node : List.of();
    }
}
