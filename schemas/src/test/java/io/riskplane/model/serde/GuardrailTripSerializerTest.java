package io.riskplane.model.serde;

import io.riskplane.model.GuardrailTrip;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class GuardrailTripSerializerTest extends CompactSerializerTestBase<GuardrailTrip> {
    @Override
    protected TypeSerializer<GuardrailTrip> createSerializer() {
        return GuardrailTripSerializer.INSTANCE;
    }

    @Override
    protected Class<GuardrailTrip> getTypeClass() {
        return GuardrailTrip.class;
    }

    @Override
    protected GuardrailTrip fixtureValue() {
        return new GuardrailTrip(
                "trip-1",
                "strategy",
                "acme",
                "momentum-btc",
                "BTC-USD",
                GuardrailTrip.ORDER_RATE,
                1_765_000_000_500L,
                1_765_000_000_000L,
                12,
                "max_orders_per_second",
                10,
                2,
                60_000,
                30_000,
                1_765_000_030_500L,
                3,
                false,
                "policy-1",
                5,
                new String[] {"o-1", "o-2"});
    }

    @Override
    protected GuardrailTrip[] getTestData() {
        return new GuardrailTrip[] {
            fixtureValue(),
            new GuardrailTrip(
                    "trip-2",
                    "org",
                    "acme",
                    "",
                    "",
                    GuardrailTrip.SPREAD_CROSS,
                    0,
                    0,
                    0,
                    "",
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    true,
                    "",
                    0,
                    new String[0]),
            new GuardrailTrip(
                    null,
                    null,
                    "ö",
                    "策略",
                    "\uD800",
                    null,
                    Long.MIN_VALUE,
                    Long.MAX_VALUE,
                    Double.NaN,
                    "é",
                    Double.POSITIVE_INFINITY,
                    Integer.MIN_VALUE,
                    -1,
                    -2,
                    -3,
                    Integer.MAX_VALUE,
                    true,
                    null,
                    Long.MIN_VALUE,
                    null),
        };
    }
}
