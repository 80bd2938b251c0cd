package io.riskplane.pnl;

import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.serde.CompactSerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class EquityComponentSerializerTest extends CompactSerializerTestBase<EquityComponent> {
    @Override
    protected TypeSerializer<EquityComponent> createSerializer() {
        return EquityComponentSerializer.INSTANCE;
    }

    @Override
    protected Class<EquityComponent> getTypeClass() {
        return EquityComponent.class;
    }

    @Override
    protected EquityComponent fixtureValue() {
        return new EquityComponent(
                PnlSnapshot.STRATEGY,
                "acme",
                "momentum-btc",
                "BTC-USD",
                1_765_000_000_456L,
                1_234.5,
                12.25,
                -345.75,
                new String[] {"f-1"},
                true);
    }

    /** Version 1 had no fromFill: its value reads back as not from a fill. */
    @Override
    protected EquityComponent fixtureValue(int version) {
        return new EquityComponent(
                PnlSnapshot.STRATEGY,
                "acme",
                "momentum-btc",
                "BTC-USD",
                1_765_000_000_456L,
                1_234.5,
                12.25,
                -345.75,
                new String[] {"f-1"});
    }

    @Override
    protected EquityComponent[] getTestData() {
        return new EquityComponent[] {
            fixtureValue(),
            new EquityComponent(PnlSnapshot.ORG, "acme", "", "momentum-btc", 0, 0, 0, 0, new String[0]),
            new EquityComponent(
                    "", null, "策略", "\uD800", Long.MIN_VALUE, Double.NaN, Double.NEGATIVE_INFINITY, -0.0, null),
            new EquityComponent(
                    "strategy",
                    "ö",
                    "b",
                    "c",
                    Long.MAX_VALUE,
                    Double.MAX_VALUE,
                    Double.MIN_VALUE,
                    Double.POSITIVE_INFINITY,
                    new String[] {"", null, "\uD83D\uDE00"}),
        };
    }
}
