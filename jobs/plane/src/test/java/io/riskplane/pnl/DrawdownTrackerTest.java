package io.riskplane.pnl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.riskplane.eventtime.StateValue;
import io.riskplane.model.PnlSnapshot;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The drawdown tracker without Flink: peak, drawdown, fraction and the New York day roll. */
class DrawdownTrackerTest {
    // 2026-11-20 05:00Z is midnight in New York (EST, UTC-5).
    static final long BEFORE_NY_MIDNIGHT = Instant.parse("2026-11-20T04:59:00Z").toEpochMilli();
    static final long BEFORE_NY_MIDNIGHT_2 =
            Instant.parse("2026-11-20T04:59:30Z").toEpochMilli();
    static final long AFTER_NY_MIDNIGHT = Instant.parse("2026-11-20T05:01:00Z").toEpochMilli();

    final DrawdownTracker tracker = new DrawdownTracker(StateValue.inMemory());

    PnlSnapshot next(long t, double realized, double unrealized, String trigger) throws Exception {
        return tracker.next(
                "strategy|acme|s1", PnlSnapshot.STRATEGY, "acme", "s1", t, realized, 0, unrealized, List.of(trigger));
    }

    @Test
    void peakDrawdownAndDailyRoll() throws Exception {
        PnlSnapshot s1 = next(BEFORE_NY_MIDNIGHT, 0, 100, "e1");
        assertThat(s1.equity()).isEqualTo(100);
        assertThat(s1.peakEquity()).isEqualTo(100);
        assertThat(s1.drawdown()).isZero();
        assertThat(s1.tradingDay()).isEqualTo("2026-11-19");
        assertThat(s1.dailyPnl()).isEqualTo(100);

        PnlSnapshot s2 = next(BEFORE_NY_MIDNIGHT_2, 0, 70, "e2");
        assertThat(s2.drawdown()).isEqualTo(30);
        assertThat(s2.drawdownFraction()).isCloseTo(0.3, within(1e-12));
        assertThat(s2.peakTimeMillis()).isEqualTo(BEFORE_NY_MIDNIGHT);

        PnlSnapshot s3 = next(AFTER_NY_MIDNIGHT, 0, 10, "e3");
        assertThat(s3.tradingDay()).isEqualTo("2026-11-20");
        assertThat(s3.dayStartEquity()).isEqualTo(70); // equity at the close of the New York day before
        assertThat(s3.dailyPnl()).isEqualTo(-60);
        assertThat(s3.drawdown()).isEqualTo(90);
        assertThat(s3.drawdownFraction()).isCloseTo(0.9, within(1e-12));
        assertThat(s3.triggerEventIds()).containsExactly("e3");
        assertThat(s3.snapshotId()).startsWith("pnl-");
    }

    @Test
    void fractionIsUndefinedUntilThePeakIsPositive() throws Exception {
        PnlSnapshot s = next(1_000, -5, 0, "e1");
        assertThat(s.peakEquity()).isZero();
        assertThat(s.drawdown()).isEqualTo(5);
        assertThat(s.drawdownFraction()).isNull();
    }
}
