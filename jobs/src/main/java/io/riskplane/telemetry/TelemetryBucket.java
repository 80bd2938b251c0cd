package io.riskplane.telemetry;

import java.util.Map;
import java.util.TreeMap;

/**
 * One minute of execution facts for one scope: counts, sums and sketches, all mergeable, so that any rolling window
 * is the merge of its minutes. Nothing in it depends on the order facts are added or buckets merged (counts,
 * sketches, exact sums, a maximum), so it takes facts as they arrive. Mutable for cheap accumulation in keyed state,
 * with its own serializer ({@link TelemetryBucketSerializer}; state written by the POJO serializer before migrates).
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(TelemetryBucketSerializer.Factory.class)
public class TelemetryBucket {
    public long orders;
    public ExactSum orderedQuantity = new ExactSum();
    public ExactSum filledQuantity = new ExactSum();
    public long fills;
    public long slippageSamples;
    public ExactSum slippageSum = new ExactSum();
    public QuantileSketch slippage = new QuantileSketch();
    // Least-squares sums for slippage (y) against confidence (x) and against decision-to-fill seconds (t).
    public ExactSum sumX = new ExactSum();
    public ExactSum sumXX = new ExactSum();
    public ExactSum sumXY = new ExactSum();
    public long nX;
    public ExactSum sumYforX = new ExactSum();
    public ExactSum sumT = new ExactSum();
    public ExactSum sumTT = new ExactSum();
    public ExactSum sumTY = new ExactSum();
    public long nT;
    public ExactSum sumYforT = new ExactSum();
    public QuantileSketch ackLatency = new QuantileSketch();
    public QuantileSketch fillLatency = new QuantileSketch();
    public long rejected;
    /** "CATEGORY=count" pairs, sorted, comma-separated (a Map would fall back to Kryo). */
    public String errorCategories = "";
    public long fallbacks;
    public String fallbackReasons = "";
    public long signals;
    public QuantileSketch confidence = new QuantileSketch();
    public QuantileSketch signalLag = new QuantileSketch();
    /** Exact, unlike the sketch's quantiles. */
    public double signalLagMax = Double.NaN;
    public QuantileSketch ingestLatency = new QuantileSketch();

    public void add(ExecutionFact f) {
        ingestLatency.add(f.ingestLatencyMs());
        switch (f.kind()) {
            case ExecutionFact.FILL:
                fills++;
                if (Double.isFinite(f.slippageBps())) {
                    slippageSamples++;
                    slippageSum.add(f.slippageBps());
                    slippage.add(f.slippageBps());
                    if (Double.isFinite(f.confidence())) {
                        nX++;
                        sumX.add(f.confidence());
                        sumXX.add(f.confidence() * f.confidence());
                        sumXY.add(f.confidence() * f.slippageBps());
                        sumYforX.add(f.slippageBps());
                    }
                    if (Double.isFinite(f.latencyMs())) {
                        double t = f.latencyMs() / 1000.0;
                        nT++;
                        sumT.add(t);
                        sumTT.add(t * t);
                        sumTY.add(t * f.slippageBps());
                        sumYforT.add(f.slippageBps());
                    }
                }
                fillLatency.add(f.latencyMs());
                break;
            case ExecutionFact.ACK:
                ackLatency.add(f.latencyMs());
                break;
            case ExecutionFact.TERMINAL:
                orders++;
                orderedQuantity.add(f.quantity());
                filledQuantity.add(f.filledQuantity());
                if (f.rejected()) {
                    rejected++;
                }
                if (!f.errorCategory().isEmpty()) {
                    errorCategories = addCount(errorCategories, f.errorCategory(), 1);
                }
                if (f.fallback()) {
                    fallbacks++;
                    fallbackReasons = addCount(fallbackReasons,
                            f.fallbackReason().isEmpty() ? "unspecified" : f.fallbackReason(), 1);
                }
                break;
            case ExecutionFact.SIGNAL:
                signals++;
                confidence.add(f.confidence());
                signalLag.add(f.latencyMs());
                if (Double.isFinite(f.latencyMs())) {
                    signalLagMax = Double.isNaN(signalLagMax) ? f.latencyMs() : Math.max(signalLagMax, f.latencyMs());
                }
                break;
            default:
                throw new IllegalArgumentException("unknown execution fact " + f.kind());
        }
    }

    public void merge(TelemetryBucket o) {
        orders += o.orders;
        orderedQuantity.add(o.orderedQuantity);
        filledQuantity.add(o.filledQuantity);
        fills += o.fills;
        slippageSamples += o.slippageSamples;
        slippageSum.add(o.slippageSum);
        slippage.merge(o.slippage);
        sumX.add(o.sumX);
        sumXX.add(o.sumXX);
        sumXY.add(o.sumXY);
        nX += o.nX;
        sumYforX.add(o.sumYforX);
        sumT.add(o.sumT);
        sumTT.add(o.sumTT);
        sumTY.add(o.sumTY);
        nT += o.nT;
        sumYforT.add(o.sumYforT);
        ackLatency.merge(o.ackLatency);
        fillLatency.merge(o.fillLatency);
        rejected += o.rejected;
        errorCategories = mergeCounts(errorCategories, o.errorCategories);
        fallbacks += o.fallbacks;
        fallbackReasons = mergeCounts(fallbackReasons, o.fallbackReasons);
        signals += o.signals;
        confidence.merge(o.confidence);
        signalLag.merge(o.signalLag);
        if (!Double.isNaN(o.signalLagMax)) {
            signalLagMax = Double.isNaN(signalLagMax) ? o.signalLagMax : Math.max(signalLagMax, o.signalLagMax);
        }
        ingestLatency.merge(o.ingestLatency);
    }

    /** Least-squares slope of y on x; null with fewer than two distinct x. */
    static Double slope(long n, ExactSum x, ExactSum xx, ExactSum xy, ExactSum y) {
        double sx = x.value();
        double sxx = xx.value();
        double sxy = xy.value();
        double sy = y.value();
        double den = n * sxx - sx * sx;
        if (n < 2 || Math.abs(den) < 1e-12) {
            return null;
        }
        return (n * sxy - sx * sy) / den;
    }

    static String addCount(String counts, String key, long n) {
        Map<String, Long> m = parse(counts);
        m.merge(key.replace(',', ';').replace('=', ':'), n, Long::sum);
        return format(m);
    }

    static String mergeCounts(String a, String b) {
        Map<String, Long> m = parse(a);
        parse(b).forEach((k, v) -> m.merge(k, v, Long::sum));
        return format(m);
    }

    private static Map<String, Long> parse(String s) {
        Map<String, Long> m = new TreeMap<>();
        if (!s.isEmpty()) {
            for (String kv : s.split(",")) {
                int eq = kv.lastIndexOf('=');
                m.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
            }
        }
        return m;
    }

    private static String format(Map<String, Long> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return sb.toString();
    }
}
