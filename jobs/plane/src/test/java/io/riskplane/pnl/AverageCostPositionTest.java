package io.riskplane.pnl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Hand-computed average-cost cases: adds, partial closes, flips, shorts, fees and rebates. */
class AverageCostPositionTest {
    static final double EPS = 1e-9;

    @Test
    void addingMovesTheAverageCost() {
        AverageCostPosition p = AverageCostPosition.FLAT.apply(1, 10, 100, 1).apply(1, 10, 110, 1);
        assertThat(p.quantity()).isEqualTo(20);
        assertThat(p.averageCost()).isCloseTo(105, within(EPS)); // (10*100 + 10*110) / 20
        assertThat(p.realizedGross()).isZero();
        assertThat(p.fees()).isEqualTo(2);
        assertThat(p.realizedNet()).isEqualTo(-2);
        assertThat(p.unrealized(120)).isCloseTo(300, within(EPS)); // 20 * (120 - 105)
    }

    @Test
    void partialCloseRealizesOnlyTheClosedQuantity() {
        AverageCostPosition p = new AverageCostPosition(20, 105, 0, 2).apply(-1, 5, 120, 0.5);
        assertThat(p.quantity()).isEqualTo(15);
        assertThat(p.averageCost()).isEqualTo(105);
        assertThat(p.realizedGross()).isCloseTo(75, within(EPS)); // 5 * (120 - 105)
        assertThat(p.realizedNet()).isCloseTo(72.5, within(EPS)); // 75 - 2.5 fees
    }

    @Test
    void sellingThroughZeroFlipsToShortAtTheFillPrice() {
        AverageCostPosition p = new AverageCostPosition(15, 105, 75, 2.5).apply(-1, 25, 90, 2);
        assertThat(p.realizedGross()).isCloseTo(-150, within(EPS)); // 75 + 15 * (90 - 105)
        assertThat(p.quantity()).isCloseTo(-10, within(EPS));
        assertThat(p.averageCost()).isEqualTo(90);
        assertThat(p.fees()).isCloseTo(4.5, within(EPS));
        assertThat(p.unrealized(80)).isCloseTo(100, within(EPS)); // -10 * (80 - 90): a short gains as price falls
    }

    @Test
    void coveringAShortRealizesInverselyAndGoesFlat() {
        AverageCostPosition p = new AverageCostPosition(-10, 90, -150, 4.5).apply(1, 10, 85, 0);
        assertThat(p.realizedGross()).isCloseTo(-100, within(EPS)); // -150 + 10 * (90 - 85)
        assertThat(p.quantity()).isZero();
        assertThat(p.averageCost()).isZero();
        assertThat(p.unrealized(1_000)).isZero();
    }

    @Test
    void shortAddsAverageAndMakerRebatesReduceFees() {
        AverageCostPosition p = AverageCostPosition.FLAT.apply(-1, 2, 50, -0.1).apply(-1, 2, 60, -0.1);
        assertThat(p.quantity()).isEqualTo(-4);
        assertThat(p.averageCost()).isCloseTo(55, within(EPS));
        assertThat(p.fees()).isCloseTo(-0.2, within(EPS));
        AverageCostPosition covered = p.apply(1, 1, 40, 0);
        assertThat(covered.realizedGross()).isCloseTo(15, within(EPS)); // 1 * (55 - 40)
        assertThat(covered.quantity()).isEqualTo(-3);
        assertThat(covered.realizedNet()).isCloseTo(15.2, within(EPS));
    }
}
