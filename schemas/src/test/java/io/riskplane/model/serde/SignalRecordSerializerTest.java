package io.riskplane.model.serde;

import io.riskplane.model.SignalRecord;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Typical values; nulls, NaN and the extremes; non-ASCII, surrogate pairs and an unpaired surrogate; empties. */
class SignalRecordSerializerTest extends CompactSerializerTestBase<SignalRecord> {
    @Override
    protected TypeSerializer<SignalRecord> createSerializer() {
        return SignalRecordSerializer.INSTANCE;
    }

    @Override
    protected Class<SignalRecord> getTypeClass() {
        return SignalRecord.class;
    }

    @Override
    protected SignalRecord fixtureValue() {
        return new SignalRecord(
                "eventId-1",
                1_765_000_000_123L,
                "source-1",
                1_765_000_000_123L,
                1_765_000_000_123L,
                12.5,
                "instrument-1",
                "strategy-1",
                "lane-1");
    }

    @Override
    protected SignalRecord[] getTestData() {
        return new SignalRecord[] {
            new SignalRecord(
                    "eventId-1",
                    1_765_000_000_123L,
                    "source-1",
                    1_765_000_000_123L,
                    1_765_000_000_123L,
                    12.5,
                    "instrument-1",
                    "strategy-1",
                    "lane-1"),
            new SignalRecord(null, Long.MIN_VALUE, null, Long.MIN_VALUE, Long.MIN_VALUE, Double.NaN, null, null, null),
            new SignalRecord(
                    "é適\uD83D\uDE00\uD800?",
                    Long.MAX_VALUE,
                    "é適\uD83D\uDE00\uD800?",
                    Long.MAX_VALUE,
                    Long.MAX_VALUE,
                    Double.NEGATIVE_INFINITY,
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?",
                    "é適\uD83D\uDE00\uD800?"),
            new SignalRecord("", 0, "", 0, 0, -0.0, "", "", ""),
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
