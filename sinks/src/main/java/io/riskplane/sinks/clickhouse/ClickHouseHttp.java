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
 * Plain HTTP queries and inserts (the loader's JSONEachRow and RowBinary rows), and reading back (row counts in the
 * demo, assertions in tests). ClickHouse JDBC's SELECTs
 * need RowBinaryWithNamesAndTypes, which ClickHouse 18.16 lacks; the HTTP interface reads from every version.
 */
public final class ClickHouseHttp {
    private final String baseUrl;
    private final String user;
    private final String password;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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
        post(
                "&query=" + enc("INSERT INTO riskplane." + table + " FORMAT JSONEachRow"),
                rows,
                "an insert into " + table);
    }

    /**
     * Inserts RowBinary rows (concatenated) into the named columns of riskplane.{table}, in that order; throws unless
     * ClickHouse answered 200. RowBinary carries no names or types: the caller checks them against the table first
     * ({@link #columnTypes}); ClickHouse checks the names (an unknown column is refused).
     */
    public void insertRowBinary(String table, java.util.List<String> columns, byte[] rows)
            throws IOException, InterruptedException {
        post(
                "&query="
                        + enc("INSERT INTO riskplane." + table + " (" + String.join(", ", columns)
                                + ") FORMAT RowBinary"),
                rows,
                "an insert into " + table);
    }

    /** The columns of riskplane.{table} with their types as system.columns spells them, in table order. */
    public java.util.Map<String, String> columnTypes(String table) throws IOException, InterruptedException {
        java.util.Map<String, String> types = new java.util.LinkedHashMap<>();
        for (String line : query("SELECT name, type FROM system.columns WHERE database = 'riskplane' AND table = '"
                        + table.replace("'", "") + "' FORMAT TabSeparated")
                .split("\n")) {
            if (!line.isEmpty()) {
                String[] nameType = line.split("\t", 2);
                types.put(nameType[0], nameType[1]);
            }
        }
        return types;
    }

    /**
     * ClickHouse refused the data itself (a value it cannot parse or store): sending the same rows again cannot
     * succeed, unlike a connection failure or a server that is starting.
     */
    public static final class Rejected extends IOException {
        private static final long serialVersionUID = 1L;
        private final int code;

        public Rejected(int code, String message) {
            super(message);
            this.code = code;
        }

        /** ClickHouse's error code. */
        public int code() {
            return code;
        }
    }

    /**
     * ClickHouse error codes that mean the input data is bad: cannot read all data (a RowBinary row shorter than its
     * columns), cannot parse text, quoted string, input, date,
     * datetime or number; type mismatch; argument out of bound; cannot convert type; incorrect data; string too
     * large; value out of range of the data type; NULL in an ordinary column.
     */
    static final java.util.Set<Integer> DATA_ERRORS =
            java.util.Set.of(6, 26, 27, 33, 38, 41, 53, 69, 70, 72, 117, 131, 321, 349);

    private static final java.util.regex.Pattern CODE = java.util.regex.Pattern.compile("Code: (\\d+)");

    /**
     * POSTs body as this user; the response body, or an IOException naming what was asked unless 200. The user and
     * password travel in the X-ClickHouse-User / X-ClickHouse-Key headers (ClickHouse 18.16 and current servers),
     * never in the URL, which proxies, access logs and error messages record.
     */
    private String post(String extraParameters, byte[] body, String what) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(extraParameters))
                .timeout(Duration.ofSeconds(60))
                .header("X-ClickHouse-User", user)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (!password.isEmpty()) {
            request.header("X-ClickHouse-Key", password);
        }
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            String message = "ClickHouse answered " + r.statusCode() + " to " + what + ": "
                    + r.body().trim();
            java.util.regex.Matcher code = CODE.matcher(r.body());
            if (code.find() && DATA_ERRORS.contains(Integer.parseInt(code.group(1)))) {
                throw new Rejected(Integer.parseInt(code.group(1)), message);
            }
            throw new IOException(message);
        }
        return r.body();
    }

    /** The URL of a request: the server and the query's parameters, no credentials. */
    URI url(String extraParameters) {
        return URI.create(baseUrl + "/" + (extraParameters.isEmpty() ? "" : "?" + extraParameters.substring(1)));
    }

    public long count(String sql) throws IOException, InterruptedException {
        return Long.parseLong(query(sql).trim());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
