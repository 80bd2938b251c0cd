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
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusScrape() {}

    /** Attempts per scrape: Flink's reporter can drop a connection while a (re)starting job registers metrics. */
    static final int ATTEMPTS = 3;

    /** The value of every series whose metric name ends with suffix. */
    public static List<Double> values(String url, String suffix) {
        String body = null;
        for (int attempt = 1; body == null; attempt++) {
            try {
                body = HTTP.send(
                                HttpRequest.newBuilder(URI.create(url))
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
            } catch (IOException e) {
                if (attempt == ATTEMPTS) {
                    throw new IllegalStateException("scraping " + url + " (" + ATTEMPTS + " attempts)", e);
                }
                pause(200L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted scraping " + url, e);
            }
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

    private static void pause(long millis) {
        try {
            Thread.sleep(millis); // backoff before the next attempt
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted scraping", e);
        }
    }

    public static double sum(String url, String suffix) {
        return values(url, suffix).stream().mapToDouble(Double::doubleValue).sum();
    }
}
