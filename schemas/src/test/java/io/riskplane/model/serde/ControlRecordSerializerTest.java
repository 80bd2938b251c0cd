package io.riskplane.model.serde;

import io.riskplane.model.ControlRecord;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Typical values; nulls, NaN and the extremes; non-ASCII, surrogate pairs and an unpaired surrogate; empties. */
class ControlRecordSerializerTest extends CompactSerializerTestBase<ControlRecord> {
    @Override
    protected TypeSerializer<ControlRecord> createSerializer() {
        return ControlRecordSerializer.INSTANCE;
    }

    @Override
    protected Class<ControlRecord> getTypeClass() {
        return ControlRecord.class;
    }

    @Override
    protected ControlRecord fixtureValue() {
        return new ControlRecord("controlId-1", "scopeKey-1", 1_765_000_000_123L, "ruleId-1", new byte[] {1, 2, 3});
    }

    @Override
    protected ControlRecord[] getTestData() {
        return new ControlRecord[] {
            new ControlRecord("controlId-1", "scopeKey-1", 1_765_000_000_123L, "ruleId-1", new byte[] {1, 2, 3}),
            new ControlRecord(null, null, Long.MIN_VALUE, null, null),
            new ControlRecord(
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    Long.MAX_VALUE,
                    "é適\uD83D\uDE00\uD800?",
                    new byte[0]),
            new ControlRecord("", "", 0, "", new byte[] {-1}),
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
