package io.riskplane.pnl;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.DeterministicId;
import io.riskplane.model.PnlBar;
import io.riskplane.model.PnlSnapshot;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The PnL bar builder without Flink: expected bars computed by hand from the snapshots below. */
class PnlBarBuilderTest {
    /** A whole second (2023-11-14T22:13:20Z), so second boundaries are T0, T0 + 1000, ... */
    static final long T0 = 1_700_000_000_000L;

    static final String SCOPE = "strategy|acme|s1";

    /** A strategy snapshot of acme/s1; drawdown and its fraction from the peak as the tracker computes them. */
    static PnlSnapshot snap(long t, double equity, double peak, double realized, double fees, String... triggers) {
        double drawdown = peak - equity;
        return new PnlSnapshot(
                DeterministicId.of("pnl-", SCOPE, t),
                PnlSnapshot.STRATEGY,
                "acme",
                "s1",
                t,
                "2023-11-14",
                realized,
                fees,
                equity - realized,
                equity,
                peak,
                T0,
                drawdown,
                peak > 0 ? drawdown / peak : null,
                equity - 2,
                2,
                triggers);
    }

    @Test
    void oneBarPerSecondWithItsTroughAndARowPerFill() {
        PnlBarBuilder b = new PnlBarBuilder();
        PnlSnapshot s1 = snap(T0 + 100, 10, 10, 10, 1, "f1");
        PnlSnapshot s2 = snap(T0 + 400, 4, 10, 10, 1, "q1");
        PnlSnapshot s3 = snap(T0 + 700, 12, 12, 10, 1, "q2");
        PnlSnapshot s4 = snap(T0 + 999, 11, 12, 10, 1, "q3", "q2");

        List<PnlBar> first = b.add(s1, true);
        assertThat(first).hasSize(1);
        PnlBar fill = first.get(0);
        assertThat(fill.fillRow()).isTrue();
        assertThat(fill.barStartMillis()).isEqualTo(T0);
        assertThat(fill.eventTimeMillis()).isEqualTo(T0 + 100);
        assertThat(List.of(fill.openEquity(), fill.highEquity(), fill.lowEquity(), fill.closeEquity()))
                .containsExactly(10.0, 10.0, 10.0, 10.0);
        assertThat(fill.snapshotCount()).isEqualTo(1);
        assertThat(fill.lastSnapshotId()).isEqualTo(s1.snapshotId());
        assertThat(fill.barId()).isEqualTo(DeterministicId.of("pnf-", SCOPE, T0, T0 + 100));

        assertThat(b.add(s2, false)).isEmpty();
        assertThat(b.add(s3, false)).isEmpty();
        assertThat(b.add(s4, false)).isEmpty();
        assertThat(b.openBarEndMillis()).contains(T0 + 1000);
        assertThat(b.closeBefore(T0 + 999)).isEmpty();

        // The next second's first snapshot completes the bar of T0: open 10 (s1), high 12 (s3), low 4 (s2), close 11
        // (s4); the trough of s2 is its largest drawdown: 10 - 4 = 6, 6 / 10 = 0.6 of its peak.
        PnlSnapshot s5 = snap(T0 + 1000, 9, 12, 10, 1, "q4");
        List<PnlBar> second = b.add(s5, false);
        assertThat(second).hasSize(1);
        PnlBar bar = second.get(0);
        assertThat(bar.fillRow()).isFalse();
        assertThat(bar.barId()).isEqualTo(DeterministicId.of("pnb-", SCOPE, T0, T0 + 999));
        assertThat(bar.barStartMillis()).isEqualTo(T0);
        assertThat(bar.eventTimeMillis()).isEqualTo(T0 + 999);
        assertThat(List.of(bar.openEquity(), bar.highEquity(), bar.lowEquity(), bar.closeEquity()))
                .containsExactly(10.0, 12.0, 4.0, 11.0);
        assertThat(bar.maxDrawdown()).isEqualTo(6.0);
        assertThat(bar.maxDrawdownFraction()).isEqualTo(0.6);
        // The close columns are s4's: drawdown 12 - 11 = 1, unrealized 11 - 10 = 1, daily 11 - 2 = 9.
        assertThat(bar.drawdown()).isEqualTo(1.0);
        assertThat(bar.drawdownFraction()).isEqualTo(1.0 / 12);
        assertThat(bar.peakEquity()).isEqualTo(12.0);
        assertThat(bar.realizedPnl()).isEqualTo(10.0);
        assertThat(bar.unrealizedPnl()).isEqualTo(1.0);
        assertThat(bar.fees()).isEqualTo(1.0);
        assertThat(bar.dailyPnl()).isEqualTo(9.0);
        assertThat(bar.dayStartEquity()).isEqualTo(2.0);
        assertThat(bar.snapshotCount()).isEqualTo(4);
        assertThat(bar.firstSnapshotId()).isEqualTo(s1.snapshotId());
        assertThat(bar.lastSnapshotId()).isEqualTo(s4.snapshotId());
        assertThat(bar.triggerEventIds()).containsExactly("f1", "q1", "q2", "q3");
        assertThat(bar.scopeKey()).isEqualTo(SCOPE);

        // A fill in the open second: its own row at once, and it is in the second's bar too.
        PnlSnapshot s6 = snap(T0 + 1500, 7, 12, 8, 2, "f2");
        List<PnlBar> third = b.add(s6, true);
        assertThat(third)
                .extracting(PnlBar::fillRow, PnlBar::closeEquity, PnlBar::maxDrawdown)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(true, 7.0, 5.0));
        assertThat(b.closeBefore(T0 + 1999)).isEmpty();
        PnlBar closed = b.closeBefore(T0 + 2000).orElseThrow();
        assertThat(List.of(closed.openEquity(), closed.highEquity(), closed.lowEquity(), closed.closeEquity()))
                .containsExactly(9.0, 9.0, 7.0, 7.0);
        assertThat(closed.maxDrawdown()).isEqualTo(5.0);
        assertThat(closed.snapshotCount()).isEqualTo(2);
        assertThat(closed.realizedPnl()).isEqualTo(8.0);
        assertThat(closed.fees()).isEqualTo(2.0);
        assertThat(b.openBarEndMillis()).isEmpty();
        assertThat(b.closeBefore(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void aLateSnapshotIsABarOfItsOwnAndNothingIsMergedIntoAClosedSecond() {
        PnlBarBuilder b = new PnlBarBuilder();
        b.add(snap(T0 + 2100, 5, 10, 0, 0, "q1"), false);
        assertThat(b.closeBefore(T0 + 3000)).isPresent();
        // Second T0 + 1000 was never open, but T0 + 2000 is closed: event time has passed both.
        List<PnlBar> late = b.add(snap(T0 + 1200, 3, 10, 0, 0, "q0"), false);
        assertThat(late).hasSize(1);
        assertThat(late.get(0).barStartMillis()).isEqualTo(T0 + 1000);
        assertThat(late.get(0).lowEquity()).isEqualTo(3.0);
        assertThat(late.get(0).maxDrawdown()).isEqualTo(7.0);
        assertThat(b.openBarEndMillis()).isEmpty();

        // With T0 + 3000 open, a snapshot of T0 + 2500 is late too; the open bar is untouched.
        b.add(snap(T0 + 3100, 6, 10, 0, 0, "q2"), false);
        List<PnlBar> lateToo = b.add(snap(T0 + 2500, 1, 10, 0, 0, "q3"), true);
        assertThat(lateToo)
                .extracting(PnlBar::barStartMillis, PnlBar::fillRow)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(T0 + 2000, false),
                        org.assertj.core.groups.Tuple.tuple(T0 + 2000, true));
        PnlBar open = b.closeBefore(T0 + 4000).orElseThrow();
        assertThat(open.snapshotCount()).isEqualTo(1);
        assertThat(open.lowEquity()).isEqualTo(6.0);
    }

    @Test
    void resumingFromItsStateGivesTheSameRows() {
        List<PnlSnapshot> in = List.of(
                snap(T0 + 10, 1, 1, 0, 0, "a"),
                snap(T0 + 20, 3, 3, 0, 0, "b"),
                snap(T0 + 1010, 2, 3, 1, 0, "c"),
                snap(T0 + 1020, 0, 3, 1, 0, "d"),
                snap(T0 + 2500, 4, 4, 1, 0, "e"));
        PnlBarBuilder straight = new PnlBarBuilder();
        PnlBarBuilder.State state = new PnlBarBuilder().state();
        assertThat(state).isNull();
        List<String> a = new java.util.ArrayList<>();
        List<String> c = new java.util.ArrayList<>();
        for (PnlSnapshot s : in) {
            boolean fill = s.realizedPnl() == 1 && s.eventTimeMillis() == T0 + 1010;
            straight.add(s, fill).forEach(r -> a.add(r.toString().replaceAll("@[0-9a-f]+", "") + r.barId()));
            PnlBarBuilder resumed = new PnlBarBuilder(state);
            resumed.add(s, fill).forEach(r -> c.add(r.toString().replaceAll("@[0-9a-f]+", "") + r.barId()));
            state = resumed.state();
        }
        straight.closeBefore(Long.MAX_VALUE).ifPresent(r -> a.add(r.barId()));
        new PnlBarBuilder(state).closeBefore(Long.MAX_VALUE).ifPresent(r -> c.add(r.barId()));
        // Bars of T0 and T0 + 1000, the fill of T0 + 1010, and the bar of T0 + 2000 at the end.
        assertThat(a).hasSize(4).isEqualTo(c);
    }

    @Test
    void triggerIdsAreDistinctAndBounded() {
        PnlBarBuilder b = new PnlBarBuilder();
        for (int i = 0; i < 40; i++) {
            b.add(snap(T0 + i, 1, 1, 0, 0, "e" + i, "e" + (i + 1)), false);
        }
        PnlBar bar = b.closeBefore(T0 + 1000).orElseThrow();
        assertThat(bar.snapshotCount()).isEqualTo(40);
        assertThat(bar.triggerEventIds())
                .containsExactly(IntStream.range(0, PnlBar.MAX_TRIGGER_IDS)
                        .mapToObj(i -> "e" + i)
                        .toArray(String[]::new));
    }

    @Test
    void negativeTimesFallInTheSecondThatContainsThem() {
        PnlBarBuilder b = new PnlBarBuilder();
        b.add(snap(-1, 1, 1, 0, 0, "a"), false);
        assertThat(b.openBarEndMillis()).isEqualTo(Optional.of(0L));
        assertThat(b.closeBefore(0).orElseThrow().barStartMillis()).isEqualTo(-1000);
    }
}
