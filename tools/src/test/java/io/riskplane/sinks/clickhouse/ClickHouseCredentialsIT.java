package io.riskplane.sinks.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClickHouse credentials travel in headers (issue 14, item 9). A real server whose default user has a password;
 * every request of ClickHouseHttp (the schema, queries, the loader's inserts) goes through a recording relay on
 * loopback: the right password works, a wrong one and none are refused by the server, and no request line the code
 * built holds the password, raw or URL-encoded.
 */
class ClickHouseCredentialsIT {
    static final String PASSWORD = "s3cr3t-" + Long.toHexString(System.nanoTime()) + "/+=&";

    @TempDir
    Path dir;

    @Test
    void passwordInHeadersNeverInTheUrl() throws Exception {
        List<String> requestLines = new CopyOnWriteArrayList<>();
        List<String> userHeaders = new CopyOnWriteArrayList<>();
        try (LocalClickHouseServer server = LocalClickHouseServer.start(dir.resolve("ch"), PASSWORD)) {
            HttpServer relay = relay(server.httpUrl(), requestLines, userHeaders);
            try {
                String via = "http://127.0.0.1:" + relay.getAddress().getPort();
                ClickHouseHttp ch = new ClickHouseHttp(via, "default", PASSWORD);
                int applied = ClickHouseSchema.apply(ch);
                assertThat(applied).isPositive();
                assertThat(ch.count("SELECT count() FROM system.tables WHERE database = 'riskplane'"))
                        .isPositive();
                ch.query("CREATE TABLE IF NOT EXISTS riskplane.credentials_probe (id String) ENGINE = Memory");
                ch.insertJsonEachRow(
                        "credentials_probe", "{\"id\":\"a\"}\n{\"id\":\"b\"}\n".getBytes(StandardCharsets.UTF_8));
                assertThat(ch.query("SELECT id FROM riskplane.credentials_probe ORDER BY id"))
                        .isEqualTo("a\nb\n");

                // The server checks the password it is sent in the header.
                assertThatThrownBy(() -> new ClickHouseHttp(via, "default", "wrong").query("SELECT 1"))
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("Code: 193"); // wrong password
                assertThatThrownBy(() -> new ClickHouseHttp(via, "default", "").query("SELECT 1"))
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("Code: 194"); // password required

                assertThat(requestLines).hasSizeGreaterThan(applied);
                String encoded = URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
                for (String line : requestLines) {
                    assertThat(line)
                            .doesNotContain(PASSWORD)
                            .doesNotContain(encoded)
                            .doesNotContain("password")
                            .doesNotContain("user=");
                }
                assertThat(userHeaders).hasSameSizeAs(requestLines).containsOnly("default");
            } finally {
                relay.stop(0);
            }
        }
    }

    /** Forwards each request to target as it came (path, query, X-ClickHouse-* headers, body) and records it. */
    static HttpServer relay(String target, List<String> requestLines, List<String> userHeaders) throws IOException {
        HttpClient client = HttpClient.newHttpClient();
        HttpServer relay = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        relay.createContext("/", exchange -> {
            URI uri = exchange.getRequestURI();
            requestLines.add(exchange.getRequestMethod() + " " + uri.getRawPath()
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
            userHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-ClickHouse-User")));
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(
                            target + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())))
                    .method(
                            exchange.getRequestMethod(),
                            HttpRequest.BodyPublishers.ofByteArray(
                                    exchange.getRequestBody().readAllBytes()));
            for (String h : List.of("X-ClickHouse-User", "X-ClickHouse-Key", "Authorization")) {
                String v = exchange.getRequestHeaders().getFirst(h);
                if (v != null) {
                    forward.header(h, v);
                }
            }
            try {
                HttpResponse<byte[]> r = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                exchange.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(r.body());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
            }
        });
        relay.start();
        return relay;
    }
}
