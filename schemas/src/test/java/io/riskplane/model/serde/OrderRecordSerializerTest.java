package io.riskplane.model.serde;

import io.riskplane.model.OrderRecord;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Typical values; nulls, NaN and the extremes; non-ASCII, surrogate pairs and an unpaired surrogate; empties. */
class OrderRecordSerializerTest extends CompactSerializerTestBase<OrderRecord> {
    @Override
    protected TypeSerializer<OrderRecord> createSerializer() {
        return OrderRecordSerializer.INSTANCE;
    }

    @Override
    protected Class<OrderRecord> getTypeClass() {
        return OrderRecord.class;
    }

    @Override
    protected OrderRecord fixtureValue() {
        return new OrderRecord(
                "eventId-1",
                1_765_000_000_123L,
                "orderId-1",
                "org-1",
                "strategy-1",
                "instrument-1",
                "venue-1",
                -1,
                "state-1",
                12.5,
                12.5,
                12.5,
                12.5,
                12.5,
                "expectedAdapter-1",
                "actualAdapter-1",
                "fallbackReason-1",
                "errorCategory-1",
                1_765_000_000_123L,
                1_765_000_000_123L,
                true,
                true,
                "lane-1");
    }

    @Override
    protected OrderRecord[] getTestData() {
        return new OrderRecord[] {
            new OrderRecord(
                    "eventId-1",
                    1_765_000_000_123L,
                    "orderId-1",
                    "org-1",
                    "strategy-1",
                    "instrument-1",
                    "venue-1",
                    -1,
                    "state-1",
                    12.5,
                    12.5,
                    12.5,
                    12.5,
                    12.5,
                    "expectedAdapter-1",
                    "actualAdapter-1",
                    "fallbackReason-1",
                    "errorCategory-1",
                    1_765_000_000_123L,
                    1_765_000_000_123L,
                    true,
                    true,
                    "lane-1"),
            new OrderRecord(
                    null,
                    Long.MIN_VALUE,
                    null,
                    null,
                    null,
                    null,
                    null,
                    Integer.MIN_VALUE,
                    null,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    null,
                    null,
                    null,
                    null,
                    Long.MIN_VALUE,
                    Long.MIN_VALUE,
                    false,
                    false,
                    null),
            new OrderRecord(
                    "é適\uD83D\uDE00\uD800?",
                    Long.MAX_VALUE,
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    Integer.MAX_VALUE,
                    "é適\uD83D\uDE00\uD800?",
                    Double.NEGATIVE_INFINITY,
                    Double.NEGATIVE_INFINITY,
                    Double.NEGATIVE_INFINITY,
                    Double.NEGATIVE_INFINITY,
                    Double.NEGATIVE_INFINITY,
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    Long.MAX_VALUE,
                    Long.MAX_VALUE,
                    true,
                    true,
                    "é適\uD83D\uDE00\uD800?"),
            new OrderRecord(
                    "", 0, "", "", "", "", "", 0, "", -0.0, -0.0, -0.0, -0.0, -0.0, "", "", "", "", 0, 0, false, false,
                    ""),
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
