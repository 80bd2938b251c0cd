package io.riskplane.plane;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;

class SplitIdlenessTest {
    /** Records what the generator tells Flink: watermarks as numbers, idleness as "idle". */
    static final class Recorder implements WatermarkOutput {
        final List<String> seen = new ArrayList<>();

        @Override
        public void emitWatermark(Watermark watermark) {
            seen.add(String.valueOf(watermark.getTimestamp()));
        }

        @Override
        public void markIdle() {
            seen.add("idle");
        }

        @Override
        public void markActive() {
            seen.add("active");
        }

        String last() {
            return seen.get(seen.size() - 1);
        }
    }

    final ManualClock clock = new ManualClock();
    final SplitIdleness<String> generator = new SplitIdleness<>(
            new BoundedOutOfOrdernessWatermarks<>(Duration.ofMillis(500)),
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            clock);
    final Recorder out = new Recorder();

    @Test
    void aPartitionThatHasDeliveredNothingGetsTheStartupGrace() {
        clock.advanceTime(Duration.ofSeconds(29));
        generator.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo(String.valueOf(Long.MIN_VALUE)); // still holds event time back
        clock.advanceTime(Duration.ofSeconds(1));
        generator.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo("idle");
    }

    @Test
    void afterItsFirstRecordAPartitionIsIdleAfterTheIdlenessTimeout() {
        generator.onEvent("a", 10_000, out);
        clock.advanceTime(Duration.ofMillis(4_999));
        generator.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo("9499"); // 10 000 - 500 - 1
        clock.advanceTime(Duration.ofMillis(1));
        generator.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo("idle");

        // A record makes it count again, and the timeout restarts from that record.
        generator.onEvent("b", 20_000, out);
        clock.advanceTime(Duration.ofSeconds(4));
        generator.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo("19499");
    }

    @Test
    void aLivePartitionIsNeverIdleAndItsWatermarkFollowsTheClockThroughSilence() {
        long[] wall = {100_000};
        SplitIdleness<String> g = new SplitIdleness<>(
                new LiveClockWatermarks<>(500, 1_000, () -> wall[0]),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                clock);
        g.onEvent("q", 99_900, out); // arrived 100 ms after its event time: live
        for (int s = 1; s <= 60; s++) {
            clock.advanceTime(Duration.ofSeconds(1));
            wall[0] += 1_000;
            g.onPeriodicEmit(out);
        }
        assertThat(out.seen).doesNotContain("idle");
        assertThat(out.last()).isEqualTo(String.valueOf(160_000 - 1_000 - 500 - 1));

        // A backlog partition (events far behind the clock) still goes idle.
        Recorder backlog = new Recorder();
        SplitIdleness<String> b = new SplitIdleness<>(
                new LiveClockWatermarks<>(500, 1_000, () -> wall[0]),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                clock);
        b.onEvent("old", 10_000, backlog);
        clock.advanceTime(Duration.ofSeconds(5));
        b.onPeriodicEmit(backlog);
        assertThat(backlog.last()).isEqualTo("idle");
    }

    @Test
    void aGraceShorterThanTheIdlenessTimeoutIsRaisedToIt() {
        SplitIdleness<String> g = new SplitIdleness<>(
                new BoundedOutOfOrdernessWatermarks<>(Duration.ZERO),
                Duration.ofSeconds(5),
                Duration.ofSeconds(1),
                clock);
        clock.advanceTime(Duration.ofSeconds(4));
        g.onPeriodicEmit(out);
        assertThat(out.last()).isNotEqualTo("idle");
        clock.advanceTime(Duration.ofSeconds(1));
        g.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo("idle");
    }
}
