package io.riskplane.infra;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads series from a Prometheus text endpoint (Flink's reporter): the demo, the benchmark and the tests use it. */
public final class PrometheusScrape {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusScrape() {}

    /** The value of every series whose metric name ends with suffix. */
    public static List<Double> values(String url, String suffix) {
        String body;
        try {
            body = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException("scraping " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted scraping " + url, e);
        }
        List<Double> values = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            int brace = line.indexOf('{');
            String name = brace < 0 ? line.substring(0, line.indexOf(' ')) : line.substring(0, brace);
            if (name.endsWith(suffix)) {
                values.add(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        return values;
    }

    public static double sum(String url, String suffix) {
        return values(url, suffix).stream().mapToDouble(Double::doubleValue).sum();
    }
}
