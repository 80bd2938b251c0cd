package io.riskplane.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the Grafana dashboard models in dashboards/grafana (no Grafana and no ClickHouse needed): valid models,
 * unique uids, ClickHouse panels present, queries fully expanded; and that the checks catch a broken model.
 */
class GrafanaModelTest {

    /** The ClickHouse dashboards this module owns; plane-health.json (Prometheus) is checked like any other model. */
    private static final List<String> CLICKHOUSE_DASHBOARDS =
            List.of("execution.json", "slo.json", "markets.json", "pnl.json", "controls.json");

    /** 2026-11-20T14:00:00Z .. 16:00:00Z, around the demo session. */
    private static final long FROM = 1795183200L;

    private static final long TO = 1795190400L;

    private static final Pattern LEFTOVER = Pattern.compile("\\$\\{|\\$__|\\$[A-Za-z_]|\\[\\[");

    /** The repository root: from jobs/ (the module's working directory in Maven) that is "..", found by walking up. */
    private final Path root = GrafanaDashboards.repoRoot();

    private final Path datasources = GrafanaDashboards.datasourcesYaml(root);

    @Test
    void everyDashboardModelIsValid() {
        List<Path> dashboards = GrafanaDashboards.dashboards(root);
        assertThat(dashboards).isNotEmpty();
        for (Path dashboard : dashboards) {
            assertThat(GrafanaDashboards.modelProblems(dashboard, datasources))
                    .as("problems of %s", dashboard.getFileName())
                    .isEmpty();
        }
    }

    @Test
    void dashboardUidsAreUniqueAcrossFiles() {
        assertThat(GrafanaDashboards.uidProblems(GrafanaDashboards.dashboards(root)))
                .isEmpty();
    }

    @Test
    void provisioningDeclaresBothDatasourcesWithoutALiteralPassword() throws IOException {
        Map<String, String> provisioned = GrafanaDashboards.provisionedDatasources(datasources);
        assertThat(provisioned)
                .containsEntry("riskplane-clickhouse", "grafana-clickhouse-datasource")
                .containsEntry("riskplane-prometheus", "prometheus");
        String yaml = Files.readString(datasources);
        assertThat(yaml).contains("password: $__env{CLICKHOUSE_PASSWORD}");
        assertThat(root.resolve("dashboards/grafana/provisioning/dashboards/riskplane.yaml"))
                .isRegularFile();
    }

    @Test
    void everyClickHouseDashboardHasClickHousePanels() {
        Set<String> clickHouseUids = GrafanaDashboards.clickHouseUids(datasources);
        List<String> files = GrafanaDashboards.dashboards(root).stream()
                .map(p -> p.getFileName().toString())
                .toList();
        assertThat(files).containsAll(CLICKHOUSE_DASHBOARDS);
        for (String file : CLICKHOUSE_DASHBOARDS) {
            Path dashboard = GrafanaDashboards.dashboardsDir(root).resolve(file);
            assertThat(GrafanaDashboards.clickHousePanelCount(dashboard, clickHouseUids))
                    .as("ClickHouse panels of %s", file)
                    .isPositive();
        }
    }

    @Test
    void clickHouseQueriesAreFullyExpanded() {
        List<GrafanaDashboards.Query> queries = GrafanaDashboards.clickHouseQueries(root, FROM, TO, 60);
        assertThat(queries).hasSizeGreaterThan(CLICKHOUSE_DASHBOARDS.size());
        for (GrafanaDashboards.Query q : queries) {
            assertThat(LEFTOVER.matcher(q.sql()).find())
                    .as("unexpanded macro or variable in %s:%n%s", q.where(), q.sql())
                    .isFalse();
            assertThat(q.sql()).as(q.where()).containsIgnoringCase("SELECT");
        }
        // variables' own queries are part of the list
        assertThat(queries).anyMatch(q -> q.where().equals("execution.json variable 'adapter'"));
    }

    @Test
    void analystGuideHasEnoughRunnableLookingQueries() {
        List<GrafanaDashboards.Query> queries =
                GrafanaDashboards.markdownQueries(root.resolve("docs/analyst-guide.md"));
        assertThat(queries).hasSizeGreaterThanOrEqualTo(12);
        for (GrafanaDashboards.Query q : queries) {
            assertThat(q.sql()).as(q.where()).isNotBlank().doesNotEndWith(";").doesNotContain("$");
            assertThat(Pattern.compile("(?i)\\bFORMAT\\s+\\w+\\s*$")
                            .matcher(q.sql())
                            .find())
                    .as(q.where())
                    .isFalse();
        }
    }

    @Test
    void expandsMacrosAndVariablesPerTheContract() {
        Map<String, String> vars = Map.of("org", "acme", "adapter", "__all");
        String sql = "SELECT toDateTime(intDiv(toUInt32(t), $__interval_s) * $__interval_s) AS time FROM x "
                + "WHERE $__timeFilter(toDateTime(intDiv(ms, 1000))) AND t < $__toTime AND t > $__fromTime "
                + "AND org = '${org}' AND o2 = '$org' AND o3 = '${org:singlequote}' AND ('${adapter}' = '__all')";
        assertThat(GrafanaDashboards.expand(sql, vars, 100, 200, 60))
                .isEqualTo("SELECT toDateTime(intDiv(toUInt32(t), 60) * 60) AS time FROM x "
                        + "WHERE (toDateTime(intDiv(ms, 1000)) >= toDateTime(100) AND toDateTime(intDiv(ms, 1000)) "
                        + "<= toDateTime(200)) AND t < toDateTime(200) AND t > toDateTime(100) "
                        + "AND org = 'acme' AND o2 = 'acme' AND o3 = 'acme' AND ('__all' = '__all')");
    }

    @Test
    void reportsTheProblemsOfABrokenModel(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("datasources.yaml");
        Files.writeString(yaml, """
                apiVersion: 1
                datasources:
                  - name: ch
                    uid: riskplane-clickhouse
                    type: grafana-clickhouse-datasource
                """);
        String ds = "{\"type\": \"grafana-clickhouse-datasource\", \"uid\": \"riskplane-clickhouse\"}";
        String broken = """
                {
                  "uid": "broken", "title": "Broken $region", "schemaVersion": 39,
                  "templating": {"list": [
                    {"name": "org", "type": "query", "datasource": %1$s, "query": "SELECT 1",
                     "includeAll": true, "allValue": "__all"}
                  ]},
                  "panels": [
                    {"id": 1, "type": "table", "title": "one", "datasource": %1$s,
                     "targets": [{"refId": "A", "rawSql": "SELECT 1 WHERE '${org}' = x AND y = '$nope'"}]},
                    {"id": 2, "type": "row", "title": "row", "collapsed": true, "panels": [
                      {"id": 1, "type": "table", "title": "nested twin",
                       "datasource": {"type": "grafana-clickhouse-datasource", "uid": "no-such-ds"},
                       "targets": [{"refId": "A", "rawSql": "SELECT $__timeInterval(t)"}]}
                    ]}
                  ]
                }
                """.formatted(ds);
        Path dashboard = dir.resolve("broken.json");
        Files.writeString(dashboard, broken);

        List<String> problems = GrafanaDashboards.modelProblems(dashboard, yaml);
        assertThat(problems).anyMatch(p -> p.contains("duplicate panel id 1"));
        assertThat(problems).anyMatch(p -> p.contains("unknown datasource uid 'no-such-ds'"));
        assertThat(problems).anyMatch(p -> p.contains("undefined variable $nope"));
        assertThat(problems).anyMatch(p -> p.contains("dashboard title uses undefined variable $region"));
        assertThat(problems).anyMatch(p -> p.contains("variable 'org' has no current value"));
        assertThat(problems).anyMatch(p -> p.contains("macro $__timeInterval outside the expansion contract"));
        assertThat(problems).noneMatch(p -> p.contains("$org"));

        // the nested panel's query is found, and the valid parts expand
        List<GrafanaDashboards.Query> queries =
                GrafanaDashboards.clickHouseQueriesOf(dashboard, GrafanaDashboards.clickHouseUids(yaml), FROM, TO, 60);
        assertThat(queries)
                .extracting(GrafanaDashboards.Query::where)
                .contains(
                        "broken.json panel 1 'one' target A",
                        "broken.json panel 1 'nested twin' target A",
                        "broken.json variable 'org'");

        // a second model with the same uid
        Path twin = dir.resolve("twin.json");
        new ObjectMapper().writeValue(twin.toFile(), Map.of("uid", "broken", "title", "Twin", "panels", List.of()));
        assertThat(GrafanaDashboards.uidProblems(List.of(dashboard, twin)))
                .anyMatch(p -> p.contains("duplicate dashboard uid 'broken'"));

        // and the fixed model has no problems
        String fixed = broken.replace("Broken $region", "Fixed")
                .replace(
                        "\"allValue\": \"__all\"}",
                        "\"allValue\": \"__all\", \"current\": {\"text\": \"All\", " + "\"value\": \"$__all\"}}")
                .replace("AND y = '$nope'", "")
                .replace(
                        "\"id\": 1, \"type\": \"table\", \"title\": \"nested twin\"",
                        "\"id\": 3, \"type\": \"table\", \"title\": \"nested twin\"")
                .replace("no-such-ds", "riskplane-clickhouse")
                .replace("$__timeInterval(t)", "1");
        Path fixedPath = dir.resolve("fixed.json");
        Files.writeString(fixedPath, fixed);
        assertThat(GrafanaDashboards.modelProblems(fixedPath, yaml)).isEmpty();
    }
}
