package io.riskplane.eventtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The bounds of a detector's tick, by hand-computed cases (5 s ticks, 60 s catch-up, 600 s quiet expiry). */
class EventTimeTicksTest {
    final EventTimeTicks ticks = new EventTimeTicks(5_000, 60_000, 600_000);

    @Test
    void aKeyTicksFromItsEventWhileTheWatermarkIsNear() {
        assertThat(ticks.first(1_000, Long.MIN_VALUE)).isEqualTo(5_000);
        assertThat(ticks.first(5_000, 4_000)).isEqualTo(10_000);
        // watermark 17 s: the 5 s tick is 12 s behind it, within the 60 s catch-up
        assertThat(ticks.first(1_000, 17_000)).isEqualTo(5_000);
    }

    @Test
    void anAncientEventStartsWithinTheCatchUpOfTheWatermark() {
        long now = 1_790_000_000_000L; // a 1970 quote seen with the watermark in 2026
        long first = ticks.first(1_000, now);
        assertThat(first).isEqualTo(now - 60_000 + 5_000 - Math.floorMod(now - 60_000, 5_000));
        assertThat(now - first).isLessThan(60_000);
        // from there on, one tick per 5 s up to the watermark: at most 12 ticks
        int fired = 0;
        for (long t = first; t <= now; t = ticks.next(t)) {
            fired++;
        }
        assertThat(fired).isEqualTo(12);
    }

    @Test
    void aLateEventsFirstTickIsBoundedByTheCatchUpOfItsWatermark() {
        assertThat(ticks.first(10_000, 20_000)).isEqualTo(15_000);
        assertThat(ticks.first(10_000, 75_000)).isEqualTo(15_000); // 60 s behind: still within
        assertThat(ticks.first(10_000, 1_000_000)).isEqualTo(945_000); // first boundary after 940 s
        assertThat(ticks.first(10_000, 1_000_003)).isEqualTo(945_000);
        // the end of a bounded input bounds nothing
        assertThat(ticks.first(10_000, Long.MAX_VALUE)).isEqualTo(15_000);
        assertThat(ticks.first(12_000, Long.MAX_VALUE)).isEqualTo(15_000);
    }

    @Test
    void afterItsFirstTickAKeyTicksEveryBoundaryInTurn() {
        assertThat(ticks.next(10_000)).isEqualTo(15_000);
        assertThat(ticks.next(945_000)).isEqualTo(950_000);
    }

    @Test
    void expiresWhenQuietPastTheExpiryAndJudgedAtACatchUpOfTicks() {
        assertThat(ticks.catchUpTicks()).isEqualTo(12);
        assertThat(ticks.expires(700_000, 100_001, 100)).isFalse();
        assertThat(ticks.expires(700_000, 100_000, 100)).isTrue();
        assertThat(ticks.expires(700_000, 100_000, 11)).isFalse(); // after a jump: not judged often enough yet
        assertThat(ticks.expires(700_000, 100_000, 12)).isTrue();
    }

    @Test
    void boundsMustBeOrdered() {
        assertThatThrownBy(() -> new EventTimeTicks(0, 60_000, 600_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EventTimeTicks(5_000, 1_000, 600_000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EventTimeTicks(5_000, 60_000, 10_000))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
