package io.riskplane.model.serde;

import io.riskplane.model.BookEvent;
import org.apache.flink.api.common.typeutils.TypeSerializer;

class BookEventSerializerTest extends CompactSerializerTestBase<BookEvent> {
    @Override
    protected TypeSerializer<BookEvent> createSerializer() {
        return BookEventSerializer.INSTANCE;
    }

    @Override
    protected Class<BookEvent> getTypeClass() {
        return BookEvent.class;
    }

    @Override
    protected BookEvent fixtureValue() {
        return BookEvent.fill(
                "f-1",
                "fill-1",
                "ord-1",
                "kraken-rest",
                1_765_000_000_456L,
                "acme",
                "momentum-btc",
                "BTC-USD",
                "kraken",
                -1,
                0.25,
                97_124.0,
                1.2);
    }

    @Override
    protected BookEvent[] getTestData() {
        return new BookEvent[] {
            fixtureValue(),
            BookEvent.quote("q-1", 1_765_000_000_123L, "BTC-USD", "coinbase", 97_123.45, 97_125.10),
            // Empty, null, non-ASCII, a surrogate pair and an unpaired surrogate; extreme and non-finite numbers.
            new BookEvent(
                    Integer.MIN_VALUE,
                    "",
                    null,
                    "ordre-é",
                    "適配器",
                    Long.MIN_VALUE,
                    "org-😀",
                    "strat\uD800",
                    "\uDC00x?",
                    "",
                    Integer.MAX_VALUE,
                    Double.NaN,
                    Double.POSITIVE_INFINITY,
                    Double.NEGATIVE_INFINITY,
                    -0.0,
                    Double.MIN_VALUE),
            new BookEvent(
                    7,
                    null,
                    null,
                    null,
                    null,
                    Long.MAX_VALUE,
                    null,
                    null,
                    null,
                    null,
                    0,
                    Double.MAX_VALUE,
                    -Double.MAX_VALUE,
                    0,
                    1e-300,
                    1e300),
            BookEvent.quote("x".repeat(300), 0, "é".repeat(200), "v", 0, 0),
        };
    }
}
