package io.riskplane.model.serde;

import io.riskplane.model.SloEvaluation;
import io.riskplane.model.SloMeasurement;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class SloEvaluationSerializerTest extends CompactSerializerTestBase<SloEvaluation> {
    @Override
    protected TypeSerializer<SloEvaluation> createSerializer() {
        return SloEvaluationSerializer.INSTANCE;
    }

    @Override
    protected Class<SloEvaluation> getTypeClass() {
        return SloEvaluation.class;
    }

    @Override
    protected SloEvaluation fixtureValue() {
        return new SloEvaluation(
                "slo-eval-1",
                new SloMeasurement(
                        "m-1",
                        SloMeasurement.REJECTION_RATE,
                        SloMeasurement.ADAPTER,
                        "",
                        "",
                        "kraken-rest",
                        1_765_000_060_000L,
                        1_765_000_000_000L,
                        0.25,
                        40,
                        new HashMap<>(Map.of("rejected", 10.0)),
                        new String[] {"o-1"}),
                SloEvaluation.BREACH,
                "max_rate",
                0.2,
                3,
                0,
                true,
                true,
                false,
                "policy-1",
                7,
                3,
                5,
                true,
                new HashMap<>(Map.of("burn", 1.25)),
                new String[] {"m-0", "m-1"},
                "status-change");
    }

    @Override
    protected SloEvaluation[] getTestData() {
        return new SloEvaluation[] {
            fixtureValue(),
            // No measurement, no derived values, no streak.
            new SloEvaluation(
                    "slo-eval-2",
                    null,
                    SloEvaluation.NO_POLICY,
                    "",
                    0,
                    0,
                    0,
                    false,
                    false,
                    false,
                    "",
                    0,
                    0,
                    0,
                    false,
                    null,
                    new String[0],
                    ""),
            // Nulls, non-ASCII, an unpaired surrogate; NaN and null in the derived values.
            new SloEvaluation(
                    null,
                    new SloMeasurement(
                            null, null, null, null, null, null, Long.MIN_VALUE, Long.MAX_VALUE, null, -1, null, null),
                    null,
                    "é適",
                    Double.NaN,
                    Integer.MIN_VALUE,
                    Integer.MAX_VALUE,
                    true,
                    false,
                    true,
                    "\uD800",
                    Long.MIN_VALUE,
                    -1,
                    -2,
                    false,
                    nanMap(),
                    new String[] {"", null, "\uD83D\uDE00"},
                    null),
        };
    }

    private static Map<String, Double> nanMap() {
        Map<String, Double> m = new HashMap<>();
        m.put("nan", Double.NaN);
        m.put("none", null);
        m.put("", Double.NEGATIVE_INFINITY);
        return m;
    }
}
