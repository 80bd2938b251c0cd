package io.riskplane.model.serde;

import io.riskplane.model.PnlBar;
import io.riskplane.model.PnlSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class PnlBarSerializerTest extends CompactSerializerTestBase<PnlBar> {
    @Override
    protected TypeSerializer<PnlBar> createSerializer() {
        return PnlBarSerializer.INSTANCE;
    }

    @Override
    protected Class<PnlBar> getTypeClass() {
        return PnlBar.class;
    }

    @Override
    protected PnlBar fixtureValue() {
        return new PnlBar(
                "bar-3f2a9c0d",
                PnlSnapshot.STRATEGY,
                "acme",
                "momentum-btc",
                1_765_000_000_000L,
                1_765_000_000_456L,
                false,
                "2026-12-05",
                1_000.0,
                1_100.5,
                990.25,
                1_050.0,
                110.25,
                0.1002,
                12.5,
                1.25,
                37.5,
                1_100.5,
                1_764_999_000_000L,
                50.5,
                0.0459,
                -3.5,
                1_053.5,
                7,
                "pnl-a",
                "pnl-b",
                new String[] {"f-1", "q-2"});
    }

    @Override
    protected PnlBar[] getTestData() {
        return new PnlBar[] {
            fixtureValue(),
            // A fill row of an org; no drawdown fraction; no trigger ids.
            new PnlBar(
                    "bar-2",
                    PnlSnapshot.ORG,
                    "acme",
                    "",
                    0,
                    0,
                    true,
                    "2026-12-05",
                    0,
                    0,
                    0,
                    0,
                    0,
                    null,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    null,
                    0,
                    0,
                    1,
                    "pnl-x",
                    "pnl-x",
                    new String[0]),
            // Nulls, non-ASCII, an unpaired surrogate; extreme and non-finite numbers.
            new PnlBar(
                    null,
                    "",
                    "örg",
                    "策略",
                    Long.MIN_VALUE,
                    Long.MAX_VALUE,
                    false,
                    null,
                    Double.NaN,
                    Double.NEGATIVE_INFINITY,
                    Double.POSITIVE_INFINITY,
                    -0.0,
                    Double.MAX_VALUE,
                    Double.NaN,
                    Double.MIN_VALUE,
                    -Double.MAX_VALUE,
                    1e-300,
                    1e300,
                    Long.MIN_VALUE,
                    Double.NaN,
                    Double.NaN,
                    -1.5,
                    2.5,
                    Integer.MAX_VALUE,
                    null,
                    "\uD800",
                    null),
            new PnlBar(
                    "bar-4",
                    "strategy",
                    "a",
                    "b",
                    1,
                    2,
                    true,
                    "d",
                    1,
                    2,
                    3,
                    4,
                    5,
                    0.5,
                    6,
                    7,
                    8,
                    9,
                    10,
                    11,
                    0.25,
                    12,
                    13,
                    Integer.MIN_VALUE,
                    "",
                    "é".repeat(200),
                    new String[] {"", null, "é", "\uD83D\uDE00"}),
        };
    }
}
