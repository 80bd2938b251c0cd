package io.riskplane.plane;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.ingest.EnvelopeDecoder;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.model.Decoded;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Quote;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** An event further behind the watermark than the stale horizon is refused, the rest is routed. */
class EventRouterTest {
    static final long NOW = 1_790_000_000_000L;

    static Decoded quote(String id, long eventTime) {
        Envelope e = Envelope.newBuilder()
                .setEventId(id)
                .setEventTime(ProtoTime.fromMillis(eventTime))
                .setQuote(Quote.newBuilder()
                        .setVenue("kraken")
                        .setInstrument("NEW")
                        .setBid(1)
                        .setAsk(2))
                .build();
        return new EnvelopeDecoder(300_000).decode(e.toByteArray(), false, Topics.QUOTES, 0, 5, NOW, NOW);
    }

    @Test
    void aQuoteFromNineteenSeventyIsStale() throws Exception {
        var h = ProcessFunctionTestHarnesses.forProcessFunction(new EventRouter(3_600_000));
        h.processElement(quote("q-early", 1_000), 1_000); // no watermark yet: nothing to compare with
        h.processWatermark(NOW);
        h.processElement(quote("q-1970", 1_000), 1_000);
        h.processElement(quote("q-59min", NOW - 3_540_000), NOW - 3_540_000); // within the hour: late, not stale
        assertThat(h.extractOutputValues()).extracting(Decoded::eventId).containsExactly("q-early", "q-59min");
        var dead = h.getSideOutput(EventRouter.DEAD_LETTERS);
        assertThat(dead).hasSize(1);
        var d = dead.iterator().next().getValue();
        assertThat(d.reasonCode()).isEqualTo(DeadLetterReason.STALE_TIMESTAMP);
        assertThat(d.originalEventId()).isEqualTo("q-1970");
        assertThat(d.detail()).contains("1970-01-01T00:00:01Z");
        assertThat(h.getSideOutput(EventRouter.BOOK)).hasSize(2);
    }
}
