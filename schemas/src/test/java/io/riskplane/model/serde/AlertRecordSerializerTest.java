package io.riskplane.model.serde;

import io.riskplane.model.AlertRecord;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class AlertRecordSerializerTest extends CompactSerializerTestBase<AlertRecord> {
    @Override
    protected TypeSerializer<AlertRecord> createSerializer() {
        return AlertRecordSerializer.INSTANCE;
    }

    @Override
    protected Class<AlertRecord> getTypeClass() {
        return AlertRecord.class;
    }

    @Override
    protected AlertRecord fixtureValue() {
        return new AlertRecord(
                "alert-1",
                "control-1",
                "strategy|acme|momentum-btc",
                1_765_000_000_500L,
                "drawdown_kill",
                "critical",
                new byte[] {10, 0, -1, 127, -128});
    }

    @Override
    protected AlertRecord[] getTestData() {
        return new AlertRecord[] {
            fixtureValue(),
            new AlertRecord("alert-2", "", "", 0, "", "", new byte[0]),
            new AlertRecord(null, null, "ö|策略|\uD800", Long.MIN_VALUE, "é", null, null),
            new AlertRecord("alert-3", "c", "k", Long.MAX_VALUE, "r", "s", new byte[70_000]),
        };
    }
}
