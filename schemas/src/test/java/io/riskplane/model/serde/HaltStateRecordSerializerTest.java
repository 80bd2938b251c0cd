package io.riskplane.model.serde;

import io.riskplane.model.HaltStateRecord;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Typical values; nulls and the extremes; non-ASCII, surrogate pairs and an unpaired surrogate; empties. */
class HaltStateRecordSerializerTest extends CompactSerializerTestBase<HaltStateRecord> {
    @Override
    protected TypeSerializer<HaltStateRecord> createSerializer() {
        return HaltStateRecordSerializer.INSTANCE;
    }

    @Override
    protected Class<HaltStateRecord> getTypeClass() {
        return HaltStateRecord.class;
    }

    @Override
    protected HaltStateRecord fixtureValue() {
        return new HaltStateRecord("hst-1", "acme|s1||||", 1_765_000_000_123L, new byte[] {1, 2, 3});
    }

    @Override
    protected HaltStateRecord[] getTestData() {
        return new HaltStateRecord[] {
            new HaltStateRecord("hst-1", "acme|s1||||", 1_765_000_000_123L, new byte[] {1, 2, 3}),
            new HaltStateRecord(null, null, Long.MIN_VALUE, null),
            new HaltStateRecord("é適\uD83D\uDE00\uD800?", "é適\uD83D\uDE00\uD800?", Long.MAX_VALUE, new byte[0]),
            new HaltStateRecord("", "", 0, new byte[] {-1}),
        };
    }
}
