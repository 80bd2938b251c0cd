package io.riskplane.slo;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.eventtime.EventTimeTicks;
import io.riskplane.model.BookEvent;
import io.riskplane.model.SloMeasurement;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The tick keeps measuring through silence: the age grows until a quote comes. */
class QuoteFreshnessTest {
    @Test
    void silenceGrowsTheAge() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, BookEvent, SloMeasurement> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(new QuoteFreshness(5_000), QuoteFreshness::key,
                        Types.STRING);
        h.processElement(BookEvent.quote("q1", 1_000, "ETH", "kraken", 1, 2), 1_000);
        h.processElement(BookEvent.quote("q2", 3_000, "ETH", "kraken", 1, 2), 3_000);
        h.processWatermark(17_000); // silence from 3 s to 17 s
        h.processElement(BookEvent.quote("q3", 18_000, "ETH", "kraken", 1, 2), 18_000);
        h.processWatermark(20_000);
        List<SloMeasurement> out = h.extractOutputValues();
        assertThat(out).extracting(SloMeasurement::measuredAtMillis).containsExactly(5_000L, 10_000L, 15_000L, 20_000L);
        assertThat(out).extracting(SloMeasurement::value).containsExactly(2_000.0, 7_000.0, 12_000.0, 2_000.0);
        assertThat(out.get(2).triggerEventIds()).containsExactly("q2");
    }

    @Test
    void aQuoteFromNineteenSeventyTicksWithinTheCatchUpBoundOnly() throws Exception {
        long now = 1_790_000_000_000L;
        var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new QuoteFreshness(5_000), QuoteFreshness::key,
                Types.STRING);
        h.processWatermark(now);
        h.processElement(BookEvent.quote("q-1970", 1_000, "ETH", "kraken", 1, 2), 1_000); // late: judged on arrival
        h.processWatermark(now + 1);
        List<SloMeasurement> out = h.extractOutputValues();
        // the one-hour catch-up of 5 s ticks up to the watermark: 720 rows, not 358 million
        assertThat(out).hasSize(720);
        assertThat(out.get(719).measuredAtMillis()).isEqualTo(now - Math.floorMod(now, 5_000));
        assertThat(out).allMatch(m -> m.value() > 1e12); // every one of them stale
        // judged stale at a catch-up's worth of ticks and quiet past the expiry: the key is forgotten
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numKeyedStateEntries()).isZero();
    }

    @Test
    void aKeyQuietPastTheExpiryHasItsLastMeasurementAndNoStateOrTimersLeft() throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new QuoteFreshness(new EventTimeTicks(5_000, 60_000, 600_000)), QuoteFreshness::key, Types.STRING);
        h.processElement(BookEvent.quote("q1", 1_000, "ETH", "kraken", 1, 2), 1_000);
        for (long wm = 1_000; wm <= 700_000; wm += 5_000) {
            h.processWatermark(wm);
        }
        List<SloMeasurement> out = h.extractOutputValues();
        // ticks every 5 s until the age reaches 600 s (at 605 s: 604 s old), then the key is forgotten
        assertThat(out.get(out.size() - 1).measuredAtMillis()).isEqualTo(605_000);
        assertThat(out.get(out.size() - 1).value()).isEqualTo(604_000.0);
        assertThat(out).hasSize(121);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        // a new quote starts it afresh
        h.processElement(BookEvent.quote("q2", 2_000_001, "ETH", "kraken", 1, 2), 2_000_001);
        h.processWatermark(2_005_000);
        assertThat(h.extractOutputValues().get(out.size()).value()).isEqualTo(4_999.0);
    }
}
