package io.riskplane.serde;

import io.riskplane.model.DislocationEpisode;
import io.riskplane.model.PnlBar;
import io.riskplane.pnl.PnlBarBuilder;
import io.riskplane.telemetry.ExecutionFact;
import io.riskplane.telemetry.QuantileSketch;
import io.riskplane.telemetry.TelemetryBucket;
import java.util.List;

/**
 * The values in the keyed-state fixtures written by Flink's POJO serializer before these types had compact ones
 * (src/test/resources/serde/*-pojo.*), built here independently of any serializer.
 */
final class PojoStateValues {
    private PojoStateValues() {}

    /** Sketches are equal when they hold the same count and quantiles (their bins may be laid out differently). */
    static final java.util.Comparator<QuantileSketch> SKETCHES = (a, b) -> {
        for (double q : new double[] {0, 0.1, 0.5, 0.9, 0.99, 1}) {
            if (!java.util.Objects.equals(a.quantile(q), b.quantile(q))) {
                return 1;
            }
        }
        return Long.compare(a.count(), b.count());
    };

    static PnlBar bar() {
        return new PnlBar(
                "bar-1",
                "strategy",
                "acme",
                "momentum-btc",
                1_765_000_000_000L,
                1_765_000_000_456L,
                false,
                "2026-12-05",
                1_000.0,
                1_100.5,
                990.25,
                1_050.0,
                110.25,
                0.1002,
                12.5,
                1.25,
                37.5,
                1_100.5,
                1_764_999_000_000L,
                50.5,
                null,
                -3.5,
                1_053.5,
                7,
                "pnl-a",
                "pnl-ö",
                new String[] {"f-1", "策略"});
    }

    /** An open bar, and no open bar (a scope whose last bar closed). */
    static List<PnlBarBuilder.State> barStates() {
        return List.of(
                new PnlBarBuilder.State(bar(), 1_764_999_999_000L), new PnlBarBuilder.State(null, 1_765_000_001_000L));
    }

    static List<DislocationEpisode> episodes() {
        return List.of(
                new DislocationEpisode(
                        "disl-1",
                        "BTC-USD",
                        DislocationEpisode.OPEN,
                        1_765_000_000_000L,
                        0L,
                        0L,
                        42.5,
                        52.5,
                        1_765_000_000_500L,
                        "coinbase",
                        "kraken",
                        97_150.25,
                        97_100.0,
                        10.0,
                        new String[] {"q-1", "q-2"}),
                new DislocationEpisode(
                        "disl-2",
                        "ETH-USD",
                        DislocationEpisode.OPEN,
                        5L,
                        0L,
                        0L,
                        Double.NaN,
                        -0.0,
                        6L,
                        "",
                        "vénue",
                        0,
                        1e-300,
                        7.5,
                        new String[0]));
    }

    /** One minute of every kind of fact; and an empty bucket (NaN max, empty sketches). */
    static List<TelemetryBucket> buckets() {
        TelemetryBucket b = new TelemetryBucket();
        b.add(fact(ExecutionFact.FILL, 2.5, 120, 0.8, false, "", false, ""));
        b.add(fact(ExecutionFact.FILL, -1.25, 80, 0.6, false, "", false, ""));
        b.add(fact(ExecutionFact.FILL, Double.NaN, 95, Double.NaN, false, "", false, ""));
        b.add(fact(ExecutionFact.ACK, Double.NaN, 12, Double.NaN, false, "", false, ""));
        b.add(fact(ExecutionFact.TERMINAL, Double.NaN, Double.NaN, Double.NaN, true, "VENUE_REJECT", true, "größe"));
        b.add(fact(ExecutionFact.TERMINAL, Double.NaN, Double.NaN, Double.NaN, false, "", true, ""));
        b.add(fact(ExecutionFact.SIGNAL, Double.NaN, 300, 0.9, false, "", false, ""));
        b.add(fact(ExecutionFact.SIGNAL, Double.NaN, 150, 0.4, false, "", false, ""));
        return List.of(b, new TelemetryBucket());
    }

    private static int n;

    private static ExecutionFact fact(
            String kind,
            double slippageBps,
            double latencyMs,
            double confidence,
            boolean rejected,
            String errorCategory,
            boolean fallback,
            String fallbackReason) {
        n++;
        return new ExecutionFact(
                kind,
                "strategy",
                "e-" + (n % 100),
                1_765_000_000_000L,
                "acme",
                "momentum-btc",
                "",
                "",
                "",
                "",
                2.0,
                1.5,
                slippageBps,
                latencyMs,
                confidence,
                rejected,
                errorCategory,
                fallback,
                fallbackReason,
                3.25);
    }
}
