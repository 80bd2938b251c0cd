package io.riskplane.pnl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.riskplane.model.PnlSnapshot;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Harness test of the drawdown tracker: event-time order, peak, drawdown, fraction and the New York day roll. */
class DrawdownTrackerTest {
    // 2026-11-20 05:00Z is midnight in New York (EST, UTC-5).
    static final long BEFORE_NY_MIDNIGHT = Instant.parse("2026-11-20T04:59:00Z").toEpochMilli();
    static final long BEFORE_NY_MIDNIGHT_2 = Instant.parse("2026-11-20T04:59:30Z").toEpochMilli();
    static final long AFTER_NY_MIDNIGHT = Instant.parse("2026-11-20T05:01:00Z").toEpochMilli();

    KeyedOneInputStreamOperatorTestHarness<String, EquityComponent, PnlSnapshot> h;

    @BeforeEach
    void setUp() throws Exception {
        h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new DrawdownTracker(), EquityComponent::scopeKey,
                Types.STRING);
    }

    static EquityComponent c(String instrument, long t, double realizedNet, double unrealized, String id) {
        return new EquityComponent(PnlSnapshot.STRATEGY, "acme", "s1", instrument, t, realizedNet, 0, unrealized,
                new String[] {id});
    }

    @Test
    void peakDrawdownAndDailyRollInEventTimeOrder() throws Exception {
        // Out of order on the wire: the after-midnight update arrives first; the watermark puts them in order.
        h.processElement(c("A", AFTER_NY_MIDNIGHT, 0, 40, "e3"), AFTER_NY_MIDNIGHT);
        h.processElement(c("A", BEFORE_NY_MIDNIGHT, 0, 100, "e1"), BEFORE_NY_MIDNIGHT);
        h.processElement(c("B", BEFORE_NY_MIDNIGHT_2, 0, -30, "e2"), BEFORE_NY_MIDNIGHT_2);
        assertThat(h.extractOutputValues()).isEmpty();
        h.processWatermark(AFTER_NY_MIDNIGHT);

        List<PnlSnapshot> out = h.extractOutputValues();
        assertThat(out).hasSize(3);
        PnlSnapshot s1 = out.get(0);
        assertThat(s1.equity()).isEqualTo(100);
        assertThat(s1.peakEquity()).isEqualTo(100);
        assertThat(s1.drawdown()).isZero();
        assertThat(s1.tradingDay()).isEqualTo("2026-11-19");
        assertThat(s1.dailyPnl()).isEqualTo(100);

        PnlSnapshot s2 = out.get(1);
        assertThat(s2.equity()).isEqualTo(70); // A 100 + B -30
        assertThat(s2.drawdown()).isEqualTo(30);
        assertThat(s2.drawdownFraction()).isCloseTo(0.3, within(1e-12));
        assertThat(s2.peakTimeMillis()).isEqualTo(BEFORE_NY_MIDNIGHT);

        PnlSnapshot s3 = out.get(2);
        assertThat(s3.equity()).isEqualTo(10); // A 40 + B -30
        assertThat(s3.tradingDay()).isEqualTo("2026-11-20");
        assertThat(s3.dayStartEquity()).isEqualTo(70); // equity at the close of the New York day before
        assertThat(s3.dailyPnl()).isEqualTo(-60);
        assertThat(s3.drawdown()).isEqualTo(90);
        assertThat(s3.drawdownFraction()).isCloseTo(0.9, within(1e-12));
        assertThat(s3.triggerEventIds()).containsExactly("e3");
    }

    @Test
    void fractionIsUndefinedUntilThePeakIsPositive() throws Exception {
        h.processElement(c("A", 1_000, -5, 0, "e1"), 1_000);
        h.processWatermark(1_000);
        PnlSnapshot s = h.extractOutputValues().get(0);
        assertThat(s.peakEquity()).isZero();
        assertThat(s.drawdown()).isEqualTo(5);
        assertThat(s.drawdownFraction()).isNull();
    }

    @Test
    void oneSnapshotPerEventTimeWithAllItsTriggers() throws Exception {
        h.processElement(c("B", 2_000, 0, 5, "e2"), 2_000);
        h.processElement(c("A", 2_000, 0, 7, "e1"), 2_000);
        h.processWatermark(2_000);
        List<PnlSnapshot> out = h.extractOutputValues();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).equity()).isEqualTo(12);
        assertThat(out.get(0).triggerEventIds()).containsExactly("e1", "e2");
    }

    @Test
    void stateSurvivesSnapshotAndRestore() throws Exception {
        h.processElement(c("A", 1_000, 0, 100, "e1"), 1_000);
        h.processWatermark(1_000);
        var snapshot = h.snapshot(1, 1_000);
        h.close();
        h = new KeyedOneInputStreamOperatorTestHarness<>(
                new org.apache.flink.streaming.api.operators.KeyedProcessOperator<>(new DrawdownTracker()),
                EquityComponent::scopeKey, Types.STRING);
        h.initializeState(snapshot);
        h.open();
        h.processElement(c("A", 2_000, 0, 60, "e2"), 2_000);
        h.processWatermark(2_000);
        PnlSnapshot s = h.extractOutputValues().get(0);
        assertThat(s.peakEquity()).isEqualTo(100);
        assertThat(s.drawdown()).isEqualTo(40);
    }
}
