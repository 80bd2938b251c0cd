package io.riskplane.telemetry;

import java.util.Map;
import java.util.TreeMap;

/**
 * One minute of execution facts for one scope: counts, sums and sketches, all mergeable, so that any rolling window
 * is the merge of its minutes. Nothing in it depends on the order facts are added or buckets merged (counts,
 * sketches, exact sums, a maximum), so it takes facts as they arrive. Mutable for cheap accumulation in keyed state,
 * with its own serializer ({@link TelemetryBucketSerializer}; state written by the POJO serializer before migrates,
 * through the carriers below).
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(TelemetryBucketSerializer.Factory.class)
public class TelemetryBucket {
    public long orders;
    public ExactSum orderedQuantityExact = new ExactSum();
    public ExactSum filledQuantityExact = new ExactSum();
    public long fills;
    public long slippageSamples;
    public ExactSum slippageSumExact = new ExactSum();
    public QuantileSketch slippage = new QuantileSketch();
    // Least-squares sums for slippage (y) against confidence (x) and against decision-to-fill seconds (t).
    public ExactSum sumXExact = new ExactSum();
    public ExactSum sumXXExact = new ExactSum();
    public ExactSum sumXYExact = new ExactSum();
    public long nX;
    public ExactSum sumYforXExact = new ExactSum();
    public ExactSum sumTExact = new ExactSum();
    public ExactSum sumTTExact = new ExactSum();
    public ExactSum sumTYExact = new ExactSum();
    public long nT;
    public ExactSum sumYforTExact = new ExactSum();
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

    // Carriers of the sums of buckets restored from savepoints written by Flink's POJO serializer (before 2026-12-06,
    // session 3): it sets the fields of the names and types it wrote, so those names stay doubles here. Folded into
    // the exact sums on first use (foldPojoSums); zero otherwise.
    private double orderedQuantity;
    private double filledQuantity;
    private double slippageSum;
    private double sumX;
    private double sumXX;
    private double sumXY;
    private double sumYforX;
    private double sumT;
    private double sumTT;
    private double sumTY;
    private double sumYforT;

    /** Moves sums restored by the POJO serializer into the exact sums (see the carriers above). */
    void foldPojoSums() {
        orderedQuantity = fold(orderedQuantityExact, orderedQuantity);
        filledQuantity = fold(filledQuantityExact, filledQuantity);
        slippageSum = fold(slippageSumExact, slippageSum);
        sumX = fold(sumXExact, sumX);
        sumXX = fold(sumXXExact, sumXX);
        sumXY = fold(sumXYExact, sumXY);
        sumYforX = fold(sumYforXExact, sumYforX);
        sumT = fold(sumTExact, sumT);
        sumTT = fold(sumTTExact, sumTT);
        sumTY = fold(sumTYExact, sumTY);
        sumYforT = fold(sumYforTExact, sumYforT);
    }

    private static double fold(ExactSum into, double carried) {
        into.add(carried); // a zero adds nothing
        return 0;
    }

    public void add(ExecutionFact f) {
        foldPojoSums();
        ingestLatency.add(f.ingestLatencyMs());
        switch (f.kind()) {
            case ExecutionFact.FILL:
                fills++;
                if (Double.isFinite(f.slippageBps())) {
                    slippageSamples++;
                    slippageSumExact.add(f.slippageBps());
                    slippage.add(f.slippageBps());
                    if (Double.isFinite(f.confidence())) {
                        nX++;
                        sumXExact.add(f.confidence());
                        sumXXExact.add(f.confidence() * f.confidence());
                        sumXYExact.add(f.confidence() * f.slippageBps());
                        sumYforXExact.add(f.slippageBps());
                    }
                    if (Double.isFinite(f.latencyMs())) {
                        double t = f.latencyMs() / 1000.0;
                        nT++;
                        sumTExact.add(t);
                        sumTTExact.add(t * t);
                        sumTYExact.add(t * f.slippageBps());
                        sumYforTExact.add(f.slippageBps());
                    }
                }
                fillLatency.add(f.latencyMs());
                break;
            case ExecutionFact.ACK:
                ackLatency.add(f.latencyMs());
                break;
            case ExecutionFact.TERMINAL:
                orders++;
                orderedQuantityExact.add(f.quantity());
                filledQuantityExact.add(f.filledQuantity());
                if (f.rejected()) {
                    rejected++;
                }
                if (!f.errorCategory().isEmpty()) {
                    errorCategories = addCount(errorCategories, f.errorCategory(), 1);
                }
                if (f.fallback()) {
                    fallbacks++;
                    fallbackReasons = addCount(
                            fallbackReasons, f.fallbackReason().isEmpty() ? "unspecified" : f.fallbackReason(), 1);
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
        foldPojoSums();
        o.foldPojoSums();
        orders += o.orders;
        orderedQuantityExact.add(o.orderedQuantityExact);
        filledQuantityExact.add(o.filledQuantityExact);
        fills += o.fills;
        slippageSamples += o.slippageSamples;
        slippageSumExact.add(o.slippageSumExact);
        slippage.merge(o.slippage);
        sumXExact.add(o.sumXExact);
        sumXXExact.add(o.sumXXExact);
        sumXYExact.add(o.sumXYExact);
        nX += o.nX;
        sumYforXExact.add(o.sumYforXExact);
        sumTExact.add(o.sumTExact);
        sumTTExact.add(o.sumTTExact);
        sumTYExact.add(o.sumTYExact);
        nT += o.nT;
        sumYforTExact.add(o.sumYforTExact);
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
        m.forEach((k, v) ->
                sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return sb.toString();
    }
}
