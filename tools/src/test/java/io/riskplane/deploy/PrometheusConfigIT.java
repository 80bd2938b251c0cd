package io.riskplane.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plane-health monitoring configuration is valid for the tools that load it: Prometheus' configuration and
 * rules ({@code promtool check}), the rules' unit tests ({@code promtool test rules}), the Alertmanager routing
 * ({@code amtool check-config}, plus a few routing decisions), and every PromQL expression of the Grafana plane-health
 * dashboard (checked by promtool as recording rules, after Grafana's variables are replaced). promtool and amtool come
 * from Debian's prometheus and prometheus-alertmanager packages (.ci/run installs them).
 */
class PrometheusConfigIT {
    static final Path REPO = repoRoot();
    static final Path PROMETHEUS_YML = REPO.resolve("dashboards/prometheus/prometheus.yml");
    static final Path RULES_DIR = REPO.resolve("dashboards/prometheus/rules");
    static final Path TESTS_DIR = REPO.resolve("dashboards/prometheus/tests");
    static final Path ALERTMANAGER_YML = REPO.resolve("dashboards/alertmanager/alertmanager.yml");
    static final Path DASHBOARD = REPO.resolve("dashboards/grafana/dashboards/plane-health.json");

    static final Map<String, Object> DATASOURCE = Map.of("type", "prometheus", "uid", "riskplane-prometheus");
    static final Set<String> SEVERITIES = Set.of("page", "critical", "warning", "info");
    static final Set<String> PLANE_ALERTS = Set.of(
            "RiskplaneJobDown",
            "RiskplaneCheckpointsFailing",
            "RiskplaneConsumerLagHigh",
            "RiskplaneEventTimeStalled",
            "RiskplaneDeadLettersHigh",
            "RiskplanePolicyConflict",
            "RiskplaneOutputRejected",
            "RiskplaneLateEvents",
            "RiskplaneJobRestarting");

    static final ObjectMapper JSON = new ObjectMapper();
    static final YAMLMapper YAML = new YAMLMapper();

    @TempDir
    Path tmp;

    @Test
    void prometheusConfigIsValid() throws Exception {
        // Also loads the rule files it names (relative to the configuration file), so they must exist.
        assertSucceeds(promtool(), "check", "config", PROMETHEUS_YML.toString());
    }

    @Test
    void alertingAndRecordingRulesAreValid() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(promtool(), "check", "rules"));
        ruleFiles().forEach(f -> cmd.add(f.toString()));
        assertSucceeds(cmd);
    }

    @Test
    void ruleUnitTestsPass() throws Exception {
        List<Path> tests = yamlFiles(TESTS_DIR);
        assertThat(tests).as("promtool unit tests in %s", TESTS_DIR).isNotEmpty();
        List<String> cmd = new ArrayList<>(List.of(promtool(), "test", "rules"));
        tests.forEach(f -> cmd.add(f.toString()));
        assertSucceeds(cmd);
    }

    @Test
    void everyAlertHasSeverityTeamAndRunbook() throws Exception {
        Set<String> alerts = new HashSet<>();
        for (Path file : ruleFiles()) {
            for (JsonNode group : YAML.readTree(file.toFile()).path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    if (!rule.has("alert")) {
                        continue;
                    }
                    String name = rule.path("alert").asText();
                    alerts.add(name);
                    String where = file.getFileName() + ": " + name;
                    assertThat(rule.path("labels").path("severity").asText())
                            .as(where + " severity")
                            .isIn(SEVERITIES);
                    assertThat(rule.path("labels").path("team").asText())
                            .as(where + " team")
                            .isEqualTo("riskplane-platform");
                    assertThat(rule.path("annotations").path("runbook_url").asText())
                            .as(where + " runbook_url")
                            .startsWith("docs/runbooks.md#plane-");
                    assertThat(rule.path("annotations").path("summary").asText())
                            .as(where + " summary")
                            .isNotBlank();
                }
            }
        }
        assertThat(alerts).containsAll(PLANE_ALERTS);
    }

    @Test
    void alertmanagerConfigIsValid() throws Exception {
        assertSucceeds(amtool(), "check-config", ALERTMANAGER_YML.toString());
    }

    @Test
    void alertmanagerRoutesBySeverityAndTeamAndAuditsEverything() throws Exception {
        expectReceivers(
                "riskplane-webhook,trading-pager",
                "alertname=RiskplaneControlEvent",
                "severity=page",
                "team=trading-oncall",
                "kind=KILL_SWITCH",
                "org=acme",
                "strategy=momentum-btc");
        expectReceivers(
                "riskplane-webhook,trading-pager,trading-slack",
                "alertname=RiskplaneControlEvent",
                "severity=critical",
                "team=trading-oncall");
        expectReceivers(
                "riskplane-webhook,trading-slack",
                "alertname=RiskplaneControlEvent",
                "severity=warning",
                "team=globex-oncall",
                "kind=COOLDOWN");
        expectReceivers(
                "riskplane-webhook,riskplane-audit-only",
                "alertname=RiskplaneControlEvent",
                "severity=info",
                "team=trading-oncall",
                "kind=RESUME");
        expectReceivers(
                "riskplane-webhook,platform-pager",
                "alertname=RiskplaneJobDown",
                "severity=page",
                "team=riskplane-platform");
        expectReceivers(
                "riskplane-webhook,platform-pager,platform-slack",
                "alertname=RiskplaneJobRestarting",
                "severity=critical",
                "team=riskplane-platform");
        expectReceivers(
                "riskplane-webhook,platform-slack",
                "alertname=RiskplaneLateEvents",
                "severity=warning",
                "team=riskplane-platform");
    }

    @Test
    void alertmanagerSecretsComeFromFiles() throws Exception {
        JsonNode config = YAML.readTree(ALERTMANAGER_YML.toFile());
        assertThat(config.path("global").has("slack_api_url")).isFalse();
        assertThat(config.path("global").has("pagerduty_url")).isFalse();
        int pagers = 0;
        int slacks = 0;
        for (JsonNode receiver : config.path("receivers")) {
            for (JsonNode pd : receiver.path("pagerduty_configs")) {
                pagers++;
                assertThat(pd.has("routing_key") || pd.has("service_key"))
                        .as("inline PagerDuty key")
                        .isFalse();
                assertThat(pd.path("routing_key_file").asText()).isNotBlank();
            }
            for (JsonNode slack : receiver.path("slack_configs")) {
                slacks++;
                assertThat(slack.has("api_url")).as("inline Slack webhook URL").isFalse();
                assertThat(slack.path("api_url_file").asText()).isNotBlank();
            }
        }
        assertThat(pagers).isPositive();
        assertThat(slacks).isPositive();
        JsonNode audit = config.path("route").path("routes").path(0);
        assertThat(audit.path("receiver").asText()).isEqualTo("riskplane-webhook");
        assertThat(audit.path("continue").asBoolean()).isTrue();
        assertThat(audit.has("matchers") || audit.has("match") || audit.has("match_re"))
                .isFalse();
        assertThat(config.path("route").path("receiver").asText()).isEqualTo("riskplane-webhook");
    }

    @Test
    void dashboardPanelsUseThePrometheusDatasourceAndKnownVariables() throws Exception {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        assertThat(dashboard.path("uid").asText()).isEqualTo("riskplane-plane-health");
        assertThat(dashboard.path("schemaVersion").asInt()).isEqualTo(39);
        List<JsonNode> panels = panels(dashboard);
        assertThat(panels).isNotEmpty();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : panels) {
            String where =
                    "panel " + panel.path("id") + " " + panel.path("title").asText();
            assertThat(ids.add(panel.path("id").asInt()))
                    .as(where + ": unique id")
                    .isTrue();
            assertThat(panel.path("datasource")).as(where + " datasource").isEqualTo(JSON.valueToTree(DATASOURCE));
            assertThat(panel.path("targets")).as(where + " targets").isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("datasource"))
                        .as(where + " target datasource")
                        .isEqualTo(JSON.valueToTree(DATASOURCE));
                assertThat(target.path("expr").asText()).as(where + " expr").isNotBlank();
            }
        }
        for (Expression e : dashboardExpressions()) {
            assertThat(e.promql())
                    .as(
                            "%s: only $__rate_interval, $__interval, $__range and the dashboard's own "
                                    + "variables; left after substitution",
                            e.where())
                    .doesNotContain("$")
                    .doesNotContain("[[");
        }
    }

    @Test
    void dashboardExpressionsAreValidPromQL() throws Exception {
        List<Expression> expressions = dashboardExpressions();
        assertThat(expressions)
                .hasSizeGreaterThanOrEqualTo(
                        panels(JSON.readTree(DASHBOARD.toFile())).size());
        Path rules = writeRecordingRules(expressions, tmp.resolve("dashboard.rules.yml"));
        assertSucceeds(promtool(), "check", "rules", rules.toString());
    }

    @Test
    void aBrokenExpressionFailsThePromQLCheck() throws Exception {
        // The same path as the dashboard check: one dashboard expression, substituted, then broken.
        Expression first = dashboardExpressions().get(0);
        Expression broken = new Expression(
                first.record() + "_broken",
                first.where() + " (broken)",
                first.promql().substring(0, first.promql().lastIndexOf(')')));
        Path rules = writeRecordingRules(List.of(first, broken), tmp.resolve("broken.rules.yml"));
        Result r = run(List.of(promtool(), "check", "rules", rules.toString()));
        assertThat(r.exitCode())
                .as("promtool check rules on a broken expression:%n%s", r.output())
                .isNotZero();
        assertThat(r.output()).as(r.output()).containsIgnoringCase("parse error");

        Expression undefined = substitute(
                "dashboard:x",
                "x",
                "rate(flink_taskmanager_job_task_operator_events_in[$__rate_interval])" + " * $not_a_variable",
                Map.of());
        assertThat(undefined.promql())
                .as("an unknown variable is left in place and caught")
                .isEqualTo("rate(flink_taskmanager_job_task_operator_events_in[1m]) * $not_a_variable");
    }

    // ------------------------------------------------------------------------------------------------ dashboard

    /** A dashboard expression: the recording rule name it is checked under, where it is, its PromQL. */
    record Expression(String record, String where, String promql) {}

    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        collectPanels(dashboard.path("panels"), out);
        return out;
    }

    private static void collectPanels(JsonNode panels, List<JsonNode> out) {
        for (JsonNode panel : panels) {
            if ("row".equals(panel.path("type").asText())) {
                collectPanels(panel.path("panels"), out); // a collapsed row holds its panels
            } else {
                out.add(panel);
            }
        }
    }

    /** Every PromQL expression of the dashboard (panel targets and annotations), with variables replaced. */
    static List<Expression> dashboardExpressions() throws IOException {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        Map<String, String> variables = new LinkedHashMap<>();
        for (JsonNode v : dashboard.path("templating").path("list")) {
            JsonNode current = v.path("current").path("value");
            String value;
            if (current.isArray()) {
                List<String> values = new ArrayList<>();
                current.forEach(x -> values.add(x.asText()));
                value = String.join("|", values);
            } else {
                value = current.asText();
            }
            assertThat(value)
                    .as("current value of variable %s", v.path("name").asText())
                    .isNotEmpty();
            variables.put(v.path("name").asText(), "$__all".equals(value) ? ".*" : value);
        }
        List<Expression> out = new ArrayList<>();
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                String id =
                        panel.path("id").asInt() + "_" + target.path("refId").asText();
                out.add(substitute(
                        "dashboard:panel_" + id.replaceAll("[^A-Za-z0-9_]", "_"),
                        "panel " + id + " (" + panel.path("title").asText() + ")",
                        target.path("expr").asText(),
                        variables));
            }
        }
        int n = 0;
        for (JsonNode annotation : dashboard.path("annotations").path("list")) {
            if (annotation.has("expr")) {
                out.add(substitute(
                        "dashboard:annotation_" + n++,
                        "annotation " + annotation.path("name").asText(),
                        annotation.path("expr").asText(),
                        variables));
            }
        }
        return out;
    }

    /**
     * Grafana's interval variables become fixed durations ($__rate_interval and $__interval 1m, $__range 1h), the
     * dashboard's own variables their current values. Anything else is left as it is, for the caller to catch.
     */
    static Expression substitute(String record, String where, String expr, Map<String, String> variables) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("__rate_interval", "1m");
        all.put("__interval", "1m");
        all.put("__range", "1h");
        all.putAll(variables);
        List<String> names = new ArrayList<>(all.keySet());
        names.sort(Comparator.comparingInt(String::length).reversed()); // $__range_s before $__range, and so on
        String out = expr;
        for (String name : names) {
            Pattern p = Pattern.compile("\\$\\{" + Pattern.quote(name) + "(?::[a-z]+)?\\}|\\$" + Pattern.quote(name)
                    + "(?![A-Za-z0-9_])|\\[\\[" + Pattern.quote(name) + "\\]\\]");
            out = p.matcher(out).replaceAll(Matcher.quoteReplacement(all.get(name)));
        }
        return new Expression(record, where, out);
    }

    /** One recording rule per expression, named after its panel, so that promtool's errors point at the panel. */
    static Path writeRecordingRules(List<Expression> expressions, Path file) throws IOException {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Expression e : expressions) {
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("record", e.record());
            rule.put("expr", e.promql());
            rule.put("labels", Map.of("dashboard_panel", e.where()));
            rules.add(rule);
        }
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("name", "grafana-plane-health");
        group.put("rules", rules);
        YAML.writeValue(file.toFile(), Map.of("groups", List.of(group)));
        return file;
    }

    // ------------------------------------------------------------------------------------------------ tools

    record Result(int exitCode, String output) {}

    private void expectReceivers(String receivers, String... labels) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                amtool(),
                "config",
                "routes",
                "test",
                "--config.file=" + ALERTMANAGER_YML,
                "--verify.receivers=" + receivers));
        cmd.addAll(List.of(labels));
        assertSucceeds(cmd);
    }

    static void assertSucceeds(String... command) throws Exception {
        assertSucceeds(List.of(command));
    }

    static void assertSucceeds(List<String> command) throws Exception {
        Result r = run(command);
        assertThat(r.exitCode())
                .as("exit code of `%s`, output:%n%s", String.join(" ", command), r.output())
                .isZero();
    }

    static Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command)
                .directory(REPO.toFile())
                .redirectErrorStream(true)
                .start();
        byte[] out = p.getInputStream().readAllBytes(); // until the process closes its output
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static String promtool() {
        return binary("promtool");
    }

    static String amtool() {
        return binary("amtool");
    }

    /** The executable on PATH. */
    static String binary(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(Pattern.quote(File.pathSeparator))) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError(name + " not found on PATH (" + path + "): apt-get install prometheus "
                + "prometheus-alertmanager (CI installs them, see .ci/run)");
    }

    static List<Path> ruleFiles() throws IOException {
        List<Path> files = yamlFiles(RULES_DIR);
        assertThat(files).as("rule files in %s", RULES_DIR).isNotEmpty();
        return files;
    }

    static List<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        }
    }

    static Path repoRoot() {
        return io.riskplane.testing.RepoRoot.path();
    }
}
