package io.riskplane.model.serde;

import io.riskplane.model.DeadLetterRecord;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class DeadLetterRecordSerializerTest extends CompactSerializerTestBase<DeadLetterRecord> {
    @Override
    protected TypeSerializer<DeadLetterRecord> createSerializer() {
        return DeadLetterRecordSerializer.INSTANCE;
    }

    @Override
    protected Class<DeadLetterRecord> getTypeClass() {
        return DeadLetterRecord.class;
    }

    @Override
    protected DeadLetterRecord fixtureValue() {
        return new DeadLetterRecord(
                "dl-1",
                "MALFORMED",
                "missing field eventId",
                new byte[] {1, 2, 3, -1},
                "raw-events",
                3,
                123_456,
                "e-1",
                1_765_000_000_123L);
    }

    @Override
    protected DeadLetterRecord[] getTestData() {
        return new DeadLetterRecord[] {
            fixtureValue(),
            new DeadLetterRecord("dl-2", "", "", new byte[0], "", 0, 0, "", 0),
            new DeadLetterRecord(null, null, null, null, null, Integer.MIN_VALUE, Long.MIN_VALUE, null, Long.MAX_VALUE),
            new DeadLetterRecord(
                    "dl-3",
                    "SCHEMA",
                    "é適\uD83D\uDE00\uD800",
                    new byte[] {0},
                    "t",
                    Integer.MAX_VALUE,
                    Long.MAX_VALUE,
                    "ö",
                    -1),
            // Cut on construction (a long detail, an original over the bound): reading it back cuts nothing more.
            new DeadLetterRecord("dl-4", "TOO_LARGE", "x".repeat(5_000), new byte[70_000], "t", 1, 2, "e", 3),
        };
    }
}
