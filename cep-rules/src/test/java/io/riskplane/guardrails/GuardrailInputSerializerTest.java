package io.riskplane.guardrails;

import io.riskplane.model.serde.CompactSerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Typical values; nulls, NaN and the extremes; non-ASCII, surrogate pairs and an unpaired surrogate; empties. */
class GuardrailInputSerializerTest extends CompactSerializerTestBase<GuardrailInput> {
    @Override
    protected TypeSerializer<GuardrailInput> createSerializer() {
        return GuardrailInputSerializer.INSTANCE;
    }

    @Override
    protected Class<GuardrailInput> getTypeClass() {
        return GuardrailInput.class;
    }

    @Override
    protected GuardrailInput fixtureValue() {
        return new GuardrailInput(
                "kind-1",
                "level-1",
                "org-1",
                "strategy-1",
                "instrument-1",
                "eventId-1",
                1_765_000_000_123L,
                12.5,
                12.5);
    }

    @Override
    protected GuardrailInput[] getTestData() {
        return new GuardrailInput[] {
            new GuardrailInput(
                    "kind-1",
                    "level-1",
                    "org-1",
                    "strategy-1",
                    "instrument-1",
                    "eventId-1",
                    1_765_000_000_123L,
                    12.5,
                    12.5),
            new GuardrailInput(null, null, null, null, null, null, Long.MIN_VALUE, Double.NaN, Double.NaN),
            new GuardrailInput(
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    Long.MAX_VALUE,
                    Double.NEGATIVE_INFINITY,
                    Double.NEGATIVE_INFINITY),
            new GuardrailInput("", "", "", "", "", "", 0, -0.0, -0.0),
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
