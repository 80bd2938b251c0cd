package io.riskplane.model.serde;

import io.riskplane.model.PnlSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class PnlSnapshotSerializerTest extends CompactSerializerTestBase<PnlSnapshot> {
    @Override
    protected TypeSerializer<PnlSnapshot> createSerializer() {
        return PnlSnapshotSerializer.INSTANCE;
    }

    @Override
    protected Class<PnlSnapshot> getTypeClass() {
        return PnlSnapshot.class;
    }

    @Override
    protected PnlSnapshot fixtureValue() {
        return new PnlSnapshot(
                "pnl-1",
                PnlSnapshot.STRATEGY,
                "acme",
                "momentum-btc",
                1_765_000_000_456L,
                "2026-12-05",
                1_234.5,
                12.25,
                -345.75,
                888.75,
                1_500.0,
                1_764_999_000_000L,
                611.25,
                0.4075,
                -120.5,
                1_009.25,
                new String[] {"f-1", "q-2"});
    }

    @Override
    protected PnlSnapshot[] getTestData() {
        return new PnlSnapshot[] {
            fixtureValue(),
            new PnlSnapshot(
                    "pnl-2",
                    PnlSnapshot.ORG,
                    "acme",
                    "",
                    0,
                    "2026-12-05",
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    null,
                    0,
                    0,
                    new String[0]),
            new PnlSnapshot(
                    null,
                    "",
                    "örg",
                    "策略",
                    Long.MIN_VALUE,
                    null,
                    Double.NaN,
                    Double.NEGATIVE_INFINITY,
                    Double.POSITIVE_INFINITY,
                    -0.0,
                    Double.MAX_VALUE,
                    Long.MAX_VALUE,
                    Double.MIN_VALUE,
                    Double.NaN,
                    -Double.MAX_VALUE,
                    1e-300,
                    null),
            new PnlSnapshot("pnl-3", "strategy", "a", "b", 1, "d", 1, 2, 3, 4, 5, 6, 7, 0.5, 8, 9, new String[] {
                "", null, "é", "\uD83D\uDE00", "\uD800"
            }),
        };
    }
}
