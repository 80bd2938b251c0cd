package io.riskplane.dislocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.riskplane.model.BookEvent;
import io.riskplane.model.DislocationEpisode;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Divergence net of fees, minimum duration, stale quotes, start / peak / end, by hand. */
class DislocationDetectorTest {
    KeyedOneInputStreamOperatorTestHarness<String, BookEvent, DislocationEpisode> h;

    @BeforeEach
    void setUp() throws Exception {
        DislocationSettings s = new DislocationSettings(10, 5_000, 5_000, 2, Map.of("a", 3.0));
        h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new DislocationDetector(s), BookEvent::instrument,
                Types.STRING);
    }

    static void quote(KeyedOneInputStreamOperatorTestHarness<String, BookEvent, DislocationEpisode> h, String id,
            long t, String venue, double mid) throws Exception {
        h.processElement(BookEvent.quote(id, t, "BTC", venue, mid - 0.5, mid + 0.5), t);
    }

    @Test
    void anEpisodeIsReportedOnceLongEnoughWithItsPeakAndEnd() throws Exception {
        quote(h, "b0", 0, "b", 10_000);
        quote(h, "a1", 1_000, "a", 10_020); // 20 bps gross - (3 + 2) fees = 15 net > 10: starts
        quote(h, "a2", 3_000, "a", 10_030); // 30 gross, 25 net: the peak
        quote(h, "b3", 4_000, "b", 10_000);
        quote(h, "a4", 6_500, "a", 10_018); // 5.5 s in: reported OPEN
        quote(h, "b5", 8_000, "b", 10_010); // 8 bps gross, 3 net: ends, CLOSED
        h.processWatermark(10_000);
        List<DislocationEpisode> out = h.extractOutputValues();
        assertThat(out).extracting(DislocationEpisode::status).containsExactly("OPEN", "CLOSED");
        DislocationEpisode closed = out.get(1);
        assertThat(closed.startMillis()).isEqualTo(1_000);
        assertThat(closed.endMillis()).isEqualTo(8_000);
        assertThat(closed.durationMillis()).isEqualTo(7_000);
        assertThat(closed.peakGrossBps()).isCloseTo(30, within(1e-9));
        assertThat(closed.peakNetBps()).isCloseTo(25, within(1e-9));
        assertThat(closed.peakMillis()).isEqualTo(3_000);
        assertThat(closed.highVenue()).isEqualTo("a");
        assertThat(closed.lowVenue()).isEqualTo("b");
        assertThat(closed.triggerEventIds()).containsExactly("b0", "a1");
    }

    @Test
    void aBriefBlipOrAStaleVenueIsNotADislocation() throws Exception {
        quote(h, "b0", 0, "b", 10_000);
        quote(h, "a1", 1_000, "a", 10_050);
        quote(h, "a2", 2_000, "a", 10_000); // gone after 1 s: shorter than 5 s
        quote(h, "a3", 20_000, "a", 10_100); // b's last quote is 20 s old: stale, nothing to compare
        quote(h, "a4", 30_000, "a", 10_100);
        h.processWatermark(40_000);
        assertThat(h.extractOutputValues()).isEmpty();
    }
}
