package io.riskplane.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.dashboards.GrafanaDashboards;
import io.riskplane.sinks.clickhouse.ClickHouseHttp;
import io.riskplane.sinks.clickhouse.ClickHouseSchema;
import io.riskplane.sinks.clickhouse.LocalClickHouseServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The read-only ClickHouse users cannot lift their limits or reach the network or files (issue 14, item 8), on the
 * real server (ClickHouse 18.16 here): as `analyst` and as `grafana`, a per-query or per-request setting override is
 * refused, so are url(), remote(), remoteSecure(), file() and writes, and the limits in force are the profile's;
 * every Grafana panel query runs as `grafana` and every documented query as `analyst`. The Kubernetes users' files
 * say the same (readonly 1, constraints).
 */
class ClickHouseAccessIT {
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final List<String> READ_ONLY_USERS = List.of("analyst", "grafana");

    @TempDir
    static Path dir;

    static LocalClickHouseServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LocalClickHouseServer.start(dir.resolve("ch"));
        ClickHouseSchema.apply(new ClickHouseHttp(server.httpUrl(), "default", ""));
        // Something for the documented queries to read (as the plane writes it: default user).
        new ClickHouseHttp(server.httpUrl(), "default", "")
                .query("INSERT INTO riskplane.schema_migrations SELECT 9999, 'access-probe', now()");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void readOnlyUsersCannotLiftLimitsNorReachOut() throws Exception {
        String url = "http://127.0.0.1:" + server.httpPort();
        String evilTarget = url + "/?query=" + URLEncoder.encode("SELECT 1", StandardCharsets.UTF_8);
        List<String> forbidden = List.of(
                "SELECT 1 SETTINGS max_memory_usage = 0, max_execution_time = 0",
                "SELECT count() FROM riskplane.schema_migrations SETTINGS max_execution_time = 0",
                "SET max_memory_usage = 0",
                "SET readonly = 0",
                "SELECT * FROM url('" + evilTarget + "', 'TSV', 'x String')",
                "SELECT * FROM remote('127.0.0.1:9000', system.one)",
                "SELECT * FROM remoteSecure('127.0.0.1:9440', system.one)",
                "SELECT * FROM file('../config.xml', 'TSV', 'x String')",
                "CREATE TABLE riskplane.evil (x String) ENGINE = URL('" + evilTarget + "', 'TSV')",
                "INSERT INTO riskplane.schema_migrations SELECT 1, 'evil', now()",
                "DROP TABLE riskplane.schema_migrations");
        for (String user : READ_ONLY_USERS) {
            for (String sql : forbidden) {
                HttpResponse<String> r = post(url + "/", user, sql);
                assertThat(r.statusCode())
                        .as(user + ": " + sql + " -> " + r.body())
                        .isNotEqualTo(200);
                assertThat(r.body()).as(user + ": " + sql).containsAnyOf("Code: 164", "Code: 81"); // readonly; db
            }
            // A setting as a URL parameter is refused just the same.
            for (String param :
                    List.of("max_memory_usage=0", "max_execution_time=0", "readonly=0", "max_threads=1000")) {
                HttpResponse<String> r = post(url + "/?" + param, user, "SELECT 1");
                assertThat(r.statusCode())
                        .as(user + " ?" + param + " -> " + r.body())
                        .isNotEqualTo(200);
                assertThat(r.body()).contains("Code: 164");
            }
            // The limits in force are the profile's.
            HttpResponse<String> limits = post(
                    url + "/",
                    user,
                    "SELECT name, value FROM system.settings WHERE name IN "
                            + "('readonly', 'max_execution_time', 'max_memory_usage') ORDER BY name");
            assertThat(limits.statusCode()).isEqualTo(200);
            assertThat(limits.body())
                    .isEqualTo("max_execution_time\t"
                            + LocalClickHouseServer.READ_ONLY_MAX_EXECUTION_TIME_S + "\nmax_memory_usage\t"
                            + LocalClickHouseServer.READ_ONLY_MAX_MEMORY_USAGE + "\nreadonly\t1\n");
            // Ordinary reads work.
            HttpResponse<String> read =
                    post(url + "/", user, "SELECT description FROM riskplane.schema_migrations WHERE version = 9999");
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            assertThat(read.body()).isEqualTo("access-probe\n");
        }
        // The server itself still runs table functions for the plane's own user: the refusals above are the users'.
        assertThat(post(url + "/", "default", "SELECT count() FROM numbers(3)").body())
                .isEqualTo("3\n");
    }

    @Test
    void everyDashboardAndDocumentedQueryRunsAsTheReadOnlyUsers() throws Exception {
        Path root = GrafanaDashboards.repoRoot();
        long from = Instant.parse("2026-11-20T14:00:00Z").getEpochSecond();
        long to = Instant.parse("2026-11-20T16:00:00Z").getEpochSecond();
        List<GrafanaDashboards.Query> panels = GrafanaDashboards.clickHouseQueries(root, from, to, 60);
        List<GrafanaDashboards.Query> documented =
                new ArrayList<>(GrafanaDashboards.markdownQueries(root.resolve("docs/analyst-guide.md")));
        documented.addAll(GrafanaDashboards.markdownQueries(root.resolve("docs/runbooks.md")));
        assertThat(panels).hasSizeGreaterThanOrEqualTo(20);
        assertThat(documented).hasSizeGreaterThanOrEqualTo(12);
        List<String> failures = new ArrayList<>();
        String url = "http://127.0.0.1:" + server.httpPort() + "/";
        for (GrafanaDashboards.Query q : panels) {
            HttpResponse<String> r = post(url, "grafana", q.sql());
            if (r.statusCode() != 200) {
                failures.add("grafana " + q.where() + ": " + r.body());
            }
        }
        for (GrafanaDashboards.Query q : documented) {
            HttpResponse<String> r = post(url, "analyst", q.sql());
            if (r.statusCode() != 200) {
                failures.add("analyst " + q.where() + ": " + r.body());
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void kubernetesReadOnlyUsersAreReadonlyOneWithConstrainedLimits() throws Exception {
        Path root = GrafanaDashboards.repoRoot();
        for (String user : READ_ONLY_USERS) {
            Document xml = DocumentBuilderFactory.newInstance()
                    .newDocumentBuilder()
                    .parse(root.resolve("k8s/base/clickhouse/users-" + user + ".xml")
                            .toFile());
            Element profile =
                    (Element) ((Element) xml.getElementsByTagName("profiles").item(0))
                            .getElementsByTagName(user)
                            .item(0);
            assertThat(text(profile, "readonly")).as(user).isEqualTo("1");
            assertThat(text(profile, "max_execution_time")).as(user).isNotEmpty();
            assertThat(text(profile, "max_memory_usage")).as(user).isNotEmpty();
            Element constraints =
                    (Element) profile.getElementsByTagName("constraints").item(0);
            assertThat(constraints).as(user + " constraints").isNotNull();
            Element memory = (Element)
                    constraints.getElementsByTagName("max_memory_usage").item(0);
            assertThat(memory.getElementsByTagName("readonly").getLength())
                    .as(user)
                    .isEqualTo(1);
            Element time = (Element)
                    constraints.getElementsByTagName("max_execution_time").item(0);
            boolean changeable =
                    time.getElementsByTagName("changeable_in_readonly").getLength() == 1;
            if (changeable) {
                // Only up to the profile's own limit.
                assertThat(text(time, "max")).as(user).isEqualTo(text(profile, "max_execution_time"));
            } else {
                assertThat(time.getElementsByTagName("readonly").getLength())
                        .as(user)
                        .isEqualTo(1);
            }
            Element grants = (Element) xml.getElementsByTagName("grants").item(0);
            assertThat(grants.getTextContent().trim()).as(user).isEqualTo("GRANT SELECT ON riskplane.*");
        }
        // Grafana's data source asks for no more time than its user may have.
        String datasource = Files.readString(GrafanaDashboards.datasourcesYaml(root));
        assertThat(datasource).contains("queryTimeout: \"60\"").doesNotContain("customSettings");
    }

    static String text(Element parent, String tag) {
        return parent.getElementsByTagName(tag).getLength() == 0
                ? ""
                : parent.getElementsByTagName(tag).item(0).getTextContent().trim();
    }

    static HttpResponse<String> post(String url, String user, String sql) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(60))
                        .header("X-ClickHouse-User", user)
                        .POST(HttpRequest.BodyPublishers.ofString(sql))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
