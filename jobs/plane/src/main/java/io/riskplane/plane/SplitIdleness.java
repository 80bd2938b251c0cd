package io.riskplane.plane;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.RelativeClock;

/**
 * Wall-clock idleness for one Kafka partition (split), as Flink's {@code withIdleness}, with one difference: until the
 * partition has delivered its first record it gets a longer grace. A partition that is silent at start (the plane
 * was started before its producers, or it is still queued behind other partitions while a backlog is read after a
 * restart) would otherwise be declared idle, the watermark would run ahead on the other partitions, and its
 * records would arrive late, making live results differ from replay. A partition that never delivers anything
 * stops holding back event time after the grace. A live partition (LiveClockWatermarks) is never idle: its watermark
 * follows the wall clock through silence, so a feed that stops is measured as stale, not dropped from event time.
 */
final class SplitIdleness<T> implements WatermarkGenerator<T> {
    private final WatermarkGenerator<T> delegate;
    private final long idleNanos;
    private final long graceNanos;
    private final RelativeClock clock;
    private long lastActivityNanos;
    private boolean delivered;

    /** clock should be Flink's input-activity clock, which stands still while the source is back-pressured. */
    SplitIdleness(WatermarkGenerator<T> delegate, Duration idleness, Duration startupGrace, RelativeClock clock) {
        this(delegate, idleness.toNanos(), Math.max(startupGrace.toNanos(), idleness.toNanos()), clock);
    }

    private SplitIdleness(WatermarkGenerator<T> delegate, long idleNanos, long graceNanos, RelativeClock clock) {
        this.delegate = delegate;
        this.idleNanos = idleNanos;
        this.graceNanos = graceNanos;
        this.clock = clock;
        this.lastActivityNanos = clock.relativeTimeNanos();
    }

    /**
     * Idle from the start and whenever it has delivered nothing for {@code idleness}: for a partition that is almost
     * always empty (operator commands), which must never hold event time back, and whose rare records are stamped
     * with the wall clock, ahead of the plane's watermark.
     */
    static <T> SplitIdleness<T> idleUntilRecord(
            WatermarkGenerator<T> delegate, Duration idleness, RelativeClock clock) {
        return new SplitIdleness<>(delegate, idleness.toNanos(), 0, clock);
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        delivered = true;
        lastActivityNanos = clock.relativeTimeNanos();
        delegate.onEvent(event, eventTimestamp, output);
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (delegate instanceof LiveClockWatermarks<?> live && live.live()) {
            // A live feed's silence is news: its watermark follows the wall clock, so the plane measures the
            // silence (quote freshness, staleness) instead of ignoring the partition. It never holds event time back.
            delegate.onPeriodicEmit(output);
            return;
        }
        long silentFor = clock.relativeTimeNanos() - lastActivityNanos;
        if (silentFor >= (delivered ? idleNanos : graceNanos)) {
            output.markIdle();
        } else {
            delegate.onPeriodicEmit(output);
        }
    }
}
