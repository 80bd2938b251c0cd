package io.riskplane.sinks.clickhouse;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Plain HTTP queries, for reading back (row counts in the demo, assertions in tests). ClickHouse JDBC's SELECTs
 * need RowBinaryWithNamesAndTypes, which ClickHouse 18.16 lacks; the HTTP interface reads from every version.
 */
public final class ClickHouseHttp {
    private final String baseUrl;
    private final String user;
    private final String password;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ClickHouseHttp(String baseUrl, String user, String password) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.user = user;
        this.password = password;
    }

    /** Runs a statement and returns the body (TabSeparated unless the query names a FORMAT). */
    public String query(String sql) throws IOException, InterruptedException {
        return post("", sql.getBytes(StandardCharsets.UTF_8), "`" + sql + "`");
    }

    /** Inserts JSONEachRow lines into riskplane.{table} in one request; throws unless ClickHouse answered 200. */
    public void insertJsonEachRow(String table, byte[] rows) throws IOException, InterruptedException {
        post("&query=" + enc("INSERT INTO riskplane." + table + " FORMAT JSONEachRow"), rows,
                "an insert into " + table);
    }

    /** POSTs body as this user; the response body, or an IOException naming what was asked unless 200. */
    private String post(String extraParameters, byte[] body, String what) throws IOException, InterruptedException {
        String url = baseUrl + "/?user=" + enc(user) + (password.isEmpty() ? "" : "&password=" + enc(password))
                + extraParameters;
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            throw new IOException("ClickHouse answered " + r.statusCode() + " to " + what + ": " + r.body().trim());
        }
        return r.body();
    }

    public long count(String sql) throws IOException, InterruptedException {
        return Long.parseLong(query(sql).trim());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
