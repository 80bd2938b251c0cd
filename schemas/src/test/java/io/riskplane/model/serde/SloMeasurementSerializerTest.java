package io.riskplane.model.serde;

import io.riskplane.model.SloMeasurement;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Typical values; nulls, NaN and the extremes; non-ASCII, surrogate pairs and an unpaired surrogate; empties. */
class SloMeasurementSerializerTest extends CompactSerializerTestBase<SloMeasurement> {
    @Override
    protected TypeSerializer<SloMeasurement> createSerializer() {
        return SloMeasurementSerializer.INSTANCE;
    }

    @Override
    protected Class<SloMeasurement> getTypeClass() {
        return SloMeasurement.class;
    }

    @Override
    protected SloMeasurement fixtureValue() {
        return new SloMeasurement(
                "measurementId-1",
                "slo-1",
                "scopeType-1",
                "venue-1",
                "instrument-1",
                "adapter-1",
                1_765_000_000_123L,
                1_765_000_000_123L,
                0.25,
                1_765_000_000_123L,
                new java.util.HashMap<>(java.util.Map.of("limit", 3.5)),
                new String[] {"e-1", "e-2"});
    }

    @Override
    protected SloMeasurement[] getTestData() {
        return new SloMeasurement[] {
            new SloMeasurement(
                    "measurementId-1",
                    "slo-1",
                    "scopeType-1",
                    "venue-1",
                    "instrument-1",
                    "adapter-1",
                    1_765_000_000_123L,
                    1_765_000_000_123L,
                    0.25,
                    1_765_000_000_123L,
                    new java.util.HashMap<>(java.util.Map.of("limit", 3.5)),
                    new String[] {"e-1", "e-2"}),
            new SloMeasurement(
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    Long.MIN_VALUE,
                    Long.MIN_VALUE,
                    null,
                    Long.MIN_VALUE,
                    null,
                    null),
            new SloMeasurement(
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    Long.MAX_VALUE,
                    Long.MAX_VALUE,
                    Double.NaN,
                    Long.MAX_VALUE,
                    nanMap(),
                    new String[] {"", null, "ö"}),
            new SloMeasurement(
                    "", "", "", "", "", "", 0, 0, Double.MAX_VALUE, 0, new java.util.HashMap<>(), new String[0]),
        };
    }

    private static java.util.Map<String, Double> nanMap() {
        java.util.Map<String, Double> m = new java.util.HashMap<>();
        m.put("nan", Double.NaN);
        m.put("none", null);
        m.put("", Double.NEGATIVE_INFINITY);
        return m;
    }
}
