package io.riskplane.telemetry;

import io.riskplane.model.serde.CompactSerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Typical values; nulls, NaN and the extremes; non-ASCII, surrogate pairs and an unpaired surrogate; empties. */
class ExecutionFactSerializerTest extends CompactSerializerTestBase<ExecutionFact> {
    @Override
    protected TypeSerializer<ExecutionFact> createSerializer() {
        return ExecutionFactSerializer.INSTANCE;
    }

    @Override
    protected Class<ExecutionFact> getTypeClass() {
        return ExecutionFact.class;
    }

    @Override
    protected ExecutionFact fixtureValue() {
        return new ExecutionFact(
                "kind-1",
                "level-1",
                "eventId-1",
                1_765_000_000_123L,
                "org-1",
                "strategy-1",
                "instrument-1",
                "venue-1",
                "adapter-1",
                "source-1",
                12.5,
                12.5,
                12.5,
                12.5,
                12.5,
                true,
                "errorCategory-1",
                true,
                "fallbackReason-1",
                12.5);
    }

    @Override
    protected ExecutionFact[] getTestData() {
        return new ExecutionFact[] {
            new ExecutionFact(
                    "kind-1",
                    "level-1",
                    "eventId-1",
                    1_765_000_000_123L,
                    "org-1",
                    "strategy-1",
                    "instrument-1",
                    "venue-1",
                    "adapter-1",
                    "source-1",
                    12.5,
                    12.5,
                    12.5,
                    12.5,
                    12.5,
                    true,
                    "errorCategory-1",
                    true,
                    "fallbackReason-1",
                    12.5),
            new ExecutionFact(
                    null,
                    null,
                    null,
                    Long.MIN_VALUE,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    false,
                    null,
                    false,
                    null,
                    Double.NaN),
            new ExecutionFact(
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    Long.MAX_VALUE,
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    Double.NEGATIVE_INFINITY,
                    Double.NEGATIVE_INFINITY,
                    Double.NEGATIVE_INFINITY,
                    Double.NEGATIVE_INFINITY,
                    Double.NEGATIVE_INFINITY,
                    true,
                    "é適\uD83D\uDE00\uD800?",
                    true,
                    "é適\uD83D\uDE00\uD800?",
                    Double.NEGATIVE_INFINITY),
            new ExecutionFact(
                    "", "", "", 0, "", "", "", "", "", "", -0.0, -0.0, -0.0, -0.0, -0.0, false, "", false, "", -0.0),
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
