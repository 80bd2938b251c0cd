package io.riskplane.telemetry;

import io.riskplane.model.serde.CompactSerializerTestBase;
import java.lang.reflect.Field;
import java.util.Objects;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.testutils.DeeplyEqualsChecker;

class TelemetryBucketSerializerTest extends CompactSerializerTestBase<TelemetryBucket> {

    TelemetryBucketSerializerTest() {
        super(new DeeplyEqualsChecker()
                .withCustomCheck(
                        (a, b) -> a instanceof TelemetryBucket && b instanceof TelemetryBucket,
                        (a, b, checker) -> bucketsEqual((TelemetryBucket) a, (TelemetryBucket) b)));
    }

    @Override
    protected TypeSerializer<TelemetryBucket> createSerializer() {
        return TelemetryBucketSerializer.INSTANCE;
    }

    @Override
    protected Class<TelemetryBucket> getTypeClass() {
        return TelemetryBucket.class;
    }

    @Override
    protected TelemetryBucket fixtureValue() {
        TelemetryBucket b = new TelemetryBucket();
        b.add(fact(ExecutionFact.FILL, 2.5, 120, 0.8, false, "", false, ""));
        b.add(fact(ExecutionFact.FILL, -1.25, 80, 0.6, false, "", false, ""));
        b.add(fact(ExecutionFact.ACK, Double.NaN, 12, Double.NaN, false, "", false, ""));
        b.add(fact(ExecutionFact.TERMINAL, Double.NaN, Double.NaN, Double.NaN, true, "VENUE_REJECT", true, "größe"));
        b.add(fact(ExecutionFact.SIGNAL, Double.NaN, 300, 0.9, false, "", false, ""));
        return b;
    }

    /**
     * Versions 1 and 2 stored each sum as one double: the fixture's sums read back as the double sum of their terms
     * (at most two terms each, so rounded once, as the exact sum rounds).
     */
    @Override
    protected TelemetryBucket fixtureValue(int version) {
        TelemetryBucket b = fixtureValue();
        try {
            for (Field f : TelemetryBucket.class.getFields()) {
                if (f.getType() == ExactSum.class) {
                    f.set(b, ExactSum.of(((ExactSum) f.get(b)).value()));
                }
            }
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
        return b;
    }

    @Override
    protected TelemetryBucket[] getTestData() {
        // Every field set by hand to a value no accumulation gives: each must travel on its own.
        TelemetryBucket odd = new TelemetryBucket();
        long l = 1;
        for (Field f : TelemetryBucket.class.getFields()) {
            try {
                if (f.getType() == long.class) {
                    f.setLong(odd, l++ * 1_000_003L);
                } else if (f.getType() == double.class) {
                    f.setDouble(odd, l++ == 3 ? Double.NaN : -0.5 * l);
                } else if (f.getType() == ExactSum.class) {
                    // Three partials that no double holds at once.
                    f.set(odd, ExactSum.of(1e300 * l++, 1.0, 1e-300));
                } else if (f.getType() == String.class) {
                    f.set(odd, "é適\uD83D\uDE00\uD800=" + l++);
                } else if (f.getType() == QuantileSketch.class) {
                    QuantileSketch s = new QuantileSketch();
                    s.add(l++);
                    s.add(1e-3);
                    f.set(odd, s);
                }
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return new TelemetryBucket[] {fixtureValue(), new TelemetryBucket(), odd};
    }

    /** Equal when every public field is: numbers exactly (NaN too), sketches by count and quantiles. */
    static boolean bucketsEqual(TelemetryBucket a, TelemetryBucket b) {
        try {
            for (Field f : TelemetryBucket.class.getFields()) {
                Object x = f.get(a);
                Object y = f.get(b);
                if (x instanceof QuantileSketch s && y instanceof QuantileSketch t) {
                    if (s.count() != t.count()) {
                        return false;
                    }
                    for (double q : new double[] {0, 0.1, 0.5, 0.9, 0.99, 1}) {
                        if (!Objects.equals(s.quantile(q), t.quantile(q))) {
                            return false;
                        }
                    }
                } else if (!Objects.equals(x, y)) {
                    return false;
                }
            }
            return true;
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
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
                "e-" + n,
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
