package io.riskplane.model.serde;

import io.riskplane.model.PolicyRecord;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Typical values; nulls, NaN and the extremes; non-ASCII, surrogate pairs and an unpaired surrogate; empties. */
class PolicyRecordSerializerTest extends CompactSerializerTestBase<PolicyRecord> {
    @Override
    protected TypeSerializer<PolicyRecord> createSerializer() {
        return PolicyRecordSerializer.INSTANCE;
    }

    @Override
    protected Class<PolicyRecord> getTypeClass() {
        return PolicyRecord.class;
    }

    @Override
    protected PolicyRecord fixtureValue() {
        return new PolicyRecord(
                "policyId-1",
                1_765_000_000_123L,
                "org-1",
                "strategy-1",
                "venue-1",
                "adapter-1",
                "lane-1",
                "currency-1",
                12.5,
                12.5,
                12.5,
                12.5,
                true,
                1_765_000_000_123L,
                "eventId-1",
                new java.util.HashMap<>(java.util.Map.of("limit", 3.5)));
    }

    @Override
    protected PolicyRecord[] getTestData() {
        return new PolicyRecord[] {
            new PolicyRecord(
                    "policyId-1",
                    1_765_000_000_123L,
                    "org-1",
                    "strategy-1",
                    "venue-1",
                    "adapter-1",
                    "lane-1",
                    "currency-1",
                    12.5,
                    12.5,
                    12.5,
                    12.5,
                    true,
                    1_765_000_000_123L,
                    "eventId-1",
                    new java.util.HashMap<>(java.util.Map.of("limit", 3.5))),
            new PolicyRecord(
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
                    false,
                    Long.MIN_VALUE,
                    null,
                    null),
            new PolicyRecord(
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
                    true,
                    Long.MAX_VALUE,
                    "é適\uD83D\uDE00\uD800?",
                    nanMap()),
            new PolicyRecord(
                    "", 0, "", "", "", "", "", "", -0.0, -0.0, -0.0, -0.0, false, 0, "", new java.util.HashMap<>()),
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
