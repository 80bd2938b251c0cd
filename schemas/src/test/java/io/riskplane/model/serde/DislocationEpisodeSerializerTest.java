package io.riskplane.model.serde;

import io.riskplane.model.DislocationEpisode;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class DislocationEpisodeSerializerTest extends CompactSerializerTestBase<DislocationEpisode> {
    @Override
    protected TypeSerializer<DislocationEpisode> createSerializer() {
        return DislocationEpisodeSerializer.INSTANCE;
    }

    @Override
    protected Class<DislocationEpisode> getTypeClass() {
        return DislocationEpisode.class;
    }

    @Override
    protected DislocationEpisode fixtureValue() {
        return new DislocationEpisode(
                "disl-1",
                "BTC-USD",
                DislocationEpisode.CLOSED,
                1_765_000_000_000L,
                1_765_000_004_000L,
                4_000,
                42.5,
                52.5,
                1_765_000_000_500L,
                "coinbase",
                "kraken",
                97_150.25,
                97_100.0,
                10.0,
                new String[] {"q-1", "q-2"});
    }

    @Override
    protected DislocationEpisode[] getTestData() {
        return new DislocationEpisode[] {
            fixtureValue(),
            new DislocationEpisode(
                    "disl-2", "ETH-USD", DislocationEpisode.OPEN, 5, 0, 0, 0, 0, 0, "", "", 0, 0, 0, new String[0]),
            new DislocationEpisode(
                    null,
                    "ö",
                    null,
                    Long.MIN_VALUE,
                    Long.MAX_VALUE,
                    -1,
                    Double.NaN,
                    Double.NEGATIVE_INFINITY,
                    Long.MIN_VALUE,
                    "策略",
                    "\uD800",
                    -0.0,
                    Double.MAX_VALUE,
                    Double.MIN_VALUE,
                    null),
        };
    }
}
