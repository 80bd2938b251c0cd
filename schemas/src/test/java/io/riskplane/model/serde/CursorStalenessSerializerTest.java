package io.riskplane.model.serde;

import io.riskplane.model.CursorStaleness;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class CursorStalenessSerializerTest extends CompactSerializerTestBase<CursorStaleness> {
    @Override
    protected TypeSerializer<CursorStaleness> createSerializer() {
        return CursorStalenessSerializer.INSTANCE;
    }

    @Override
    protected Class<CursorStaleness> getTypeClass() {
        return CursorStaleness.class;
    }

    @Override
    protected CursorStaleness fixtureValue() {
        return new CursorStaleness(
                "stale-1",
                1_765_000_060_000L,
                "signals",
                "consumer-a",
                "lane-1",
                "XNYS",
                true,
                1234,
                1_765_000_050_000L,
                1_765_000_049_000L,
                1200,
                1_765_000_000_000L,
                10.5,
                60.25,
                false,
                true,
                false,
                0,
                3,
                0,
                CursorStaleness.STALE,
                new String[] {"c-1", "s-2"},
                "status-change");
    }

    @Override
    protected CursorStaleness[] getTestData() {
        return new CursorStaleness[] {
            fixtureValue(),
            new CursorStaleness(
                    "stale-2",
                    0,
                    "",
                    "",
                    "",
                    "",
                    false,
                    0,
                    0,
                    0,
                    0,
                    0,
                    null,
                    null,
                    false,
                    false,
                    true,
                    0,
                    0,
                    7,
                    CursorStaleness.SESSION_CLOSED,
                    new String[0],
                    ""),
            new CursorStaleness(
                    null,
                    Long.MIN_VALUE,
                    "ö",
                    "策略",
                    null,
                    "\uD800",
                    true,
                    Long.MAX_VALUE,
                    Long.MIN_VALUE,
                    -1,
                    -2,
                    -3,
                    Double.NaN,
                    Double.NEGATIVE_INFINITY,
                    true,
                    true,
                    true,
                    Integer.MAX_VALUE,
                    Integer.MIN_VALUE,
                    -1,
                    null,
                    null,
                    null),
        };
    }
}
