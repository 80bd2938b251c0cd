package io.riskplane.model.serde;

import io.riskplane.model.TelemetryWindow;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class TelemetryWindowSerializerTest extends CompactSerializerTestBase<TelemetryWindow> {
    @Override
    protected TypeSerializer<TelemetryWindow> createSerializer() {
        return TelemetryWindowSerializer.INSTANCE;
    }

    @Override
    protected Class<TelemetryWindow> getTypeClass() {
        return TelemetryWindow.class;
    }

    @Override
    protected TelemetryWindow fixtureValue() {
        return new TelemetryWindow(
                "tw-1",
                "5m",
                1_765_000_000_000L,
                1_765_000_300_000L,
                "strategy",
                "acme",
                "momentum-btc",
                "",
                "",
                "",
                "",
                12,
                3.5,
                3.25,
                0.9286,
                9,
                1.5,
                1.25,
                4.75,
                -0.5,
                2.25,
                12.0,
                30.5,
                41.0,
                80.0,
                120.5,
                180.25,
                1,
                0.0833,
                "VENUE_REJECT=1",
                2,
                0.1667,
                "latency=1,unspecified=1",
                40,
                0.35,
                0.6,
                0.9,
                150.0,
                300.0,
                310.5,
                2.5,
                9.75);
    }

    @Override
    protected TelemetryWindow[] getTestData() {
        return new TelemetryWindow[] {
            fixtureValue(),
            // A window without samples: every ratio and percentile null.
            new TelemetryWindow(
                    "tw-2",
                    "1m",
                    0,
                    60_000,
                    "venue",
                    "",
                    "",
                    "BTC-USD",
                    "kraken",
                    "kraken-rest",
                    "signals",
                    0,
                    0,
                    0,
                    null,
                    0,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    0,
                    null,
                    "",
                    0,
                    null,
                    "",
                    0,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null),
            // Nulls, non-ASCII, an unpaired surrogate; extreme and non-finite numbers.
            new TelemetryWindow(
                    null,
                    "",
                    Long.MIN_VALUE,
                    Long.MAX_VALUE,
                    null,
                    "örg",
                    "策略",
                    "\uD83D\uDE00",
                    "\uD800",
                    null,
                    "é".repeat(200),
                    Long.MAX_VALUE,
                    Double.NaN,
                    Double.NEGATIVE_INFINITY,
                    Double.NaN,
                    Long.MIN_VALUE,
                    Double.POSITIVE_INFINITY,
                    -0.0,
                    Double.MIN_VALUE,
                    Double.MAX_VALUE,
                    -Double.MAX_VALUE,
                    1e-300,
                    1e300,
                    Double.NaN,
                    0.0,
                    -1.0,
                    1.0,
                    -1,
                    Double.NaN,
                    null,
                    7,
                    2.0,
                    null,
                    3,
                    0.1,
                    0.5,
                    0.9,
                    1.0,
                    2.0,
                    3.0,
                    4.0,
                    5.0),
        };
    }
}
