package io.riskplane.slo;

import static org.assertj.core.api.Assertions.assertThat;

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
}
