package io.riskplane.rules.drawdown;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.PolicyRecord;
import org.junit.jupiter.api.Test;

class DrawdownLimitsTest {
    static PnlSnapshot snap(double peak, double equity, double daily) {
        double dd = peak - equity;
        return new PnlSnapshot(
                "id",
                PnlSnapshot.STRATEGY,
                "acme",
                "s",
                0,
                "2026-11-20",
                equity,
                0,
                0,
                equity,
                peak,
                0,
                dd,
                peak > 0 ? dd / peak : null,
                daily,
                0,
                new String[0]);
    }

    static PolicyRecord policy(double maxDd, double maxFraction, double maxDaily, double capital) {
        return new PolicyRecord(
                "p",
                1,
                "acme",
                "s",
                "",
                "",
                "",
                "USD",
                maxDd,
                maxFraction,
                maxDaily,
                capital,
                false,
                0,
                "e",
                java.util.Map.of());
    }

    @Test
    void limitIsReachedAtEquality() {
        assertThat(DrawdownLimits.judge(snap(100, 0, 0), policy(100, 0, 0, 0)))
                .isEqualTo(DrawdownReason.DRAWDOWN_LIMIT_BREACHED);
        assertThat(DrawdownLimits.judge(snap(100, 0.01, 0), policy(100, 0, 0, 0)))
                .isEqualTo(DrawdownReason.WITHIN_LIMITS);
    }

    @Test
    void fractionIsOfCapitalPlusPeakWhenThePolicyHasACapitalBase() {
        // 30 down from a peak of 100 on 900 capital: 30 / 1000 = 3%
        assertThat(DrawdownLimits.fraction(snap(100, 70, 0), policy(1e9, 0.05, 0, 900)))
                .isCloseTo(0.03, within(1e-12));
        assertThat(DrawdownLimits.judge(snap(100, 70, 0), policy(1e9, 0.03, 0, 900)))
                .isEqualTo(DrawdownReason.DRAWDOWN_FRACTION_BREACHED);
        // Without a capital base: of the PnL peak, 30 / 100.
        assertThat(DrawdownLimits.fraction(snap(100, 70, 0), policy(1e9, 0.05, 0, 0)))
                .isCloseTo(0.3, within(1e-12));
    }

    @Test
    void dailyLossAndMissingPolicy() {
        assertThat(DrawdownLimits.judge(snap(0, -10, -40), policy(1e9, 0, 40, 0)))
                .isEqualTo(DrawdownReason.DAILY_LOSS_LIMIT_BREACHED);
        assertThat(DrawdownLimits.judge(snap(0, 0, 0), null)).isEqualTo(DrawdownReason.POLICY_MISSING);
    }
}
