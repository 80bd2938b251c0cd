package io.riskplane.plane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LiveClockWatermarksTest {
    final AtomicLong wall = new AtomicLong(1_000_000);
    final LiveClockWatermarks<String> generator = new LiveClockWatermarks<>(500, 1_000, wall::get);
    final SplitIdlenessTest.Recorder out = new SplitIdlenessTest.Recorder();

    @Test
    void aLivePartitionFollowsTheWallClockWhileQuiet() {
        generator.onEvent("e", 999_800, out); // arrived 200 ms after its event time: live
        generator.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo("999299"); // max(999 800 - 500, 1 000 000 - 1 000 - 500) - 1
        wall.set(1_003_000); // three quiet seconds
        generator.onPeriodicEmit(out);
        assertThat(out.last())
                .isEqualTo("1001499"); // 1 003 000 - 1 000 - 500 - 1: the event before the pause is passed
    }

    @Test
    void aBacklogKeepsPureEventTime() {
        generator.onEvent("old", 10_000, out); // days behind the wall clock: not live
        wall.set(1_010_000);
        generator.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo("9499");
    }

    @Test
    void neverGoesBackAndIgnoresDeadLetters() {
        generator.onEvent("e", 999_900, out);
        generator.onPeriodicEmit(out);
        String before = out.last();
        generator.onEvent("dead letter", Long.MIN_VALUE, out);
        generator.onEvent("late", 990_000, out); // arrives 10 s behind: the partition is no longer live
        generator.onPeriodicEmit(out);
        // Emitted again on every period (that is what keeps the output active), never lower.
        assertThat(out.last()).isEqualTo(before);
    }
}
