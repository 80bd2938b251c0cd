package io.riskplane.plane;

import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness, plus the wall clock for a partition whose producers are live. A partition's watermark
 * normally waits for its next event, so the last event before a pause is judged only when the partition is declared
 * idle (the idleness timeout later). When the partition's latest event arrived within liveLag of its event time, its
 * producers stamp event time from the same clock, and an event older than {@code now - liveLag} is not expected any
 * more: the watermark then follows {@code now - liveLag - outOfOrderness}. A backlog (events far behind the wall
 * clock) never counts as live, so replays and catch-up keep pure event time. An event that arrives later than liveLag
 * after a live partition moved on is late (counted in late_events).
 */
final class LiveClockWatermarks<T> implements WatermarkGenerator<T> {
    private final long outOfOrderness;
    private final long liveLag;
    private final LongSupplier wallClock;
    private long maxTimestamp;
    private long emitted = Long.MIN_VALUE;
    private boolean live;

    LiveClockWatermarks(long outOfOrdernessMillis, long liveLagMillis, LongSupplier wallClock) {
        this.outOfOrderness = outOfOrdernessMillis;
        this.liveLag = liveLagMillis;
        this.wallClock = wallClock;
        this.maxTimestamp = Long.MIN_VALUE + outOfOrdernessMillis + 1;
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        if (eventTimestamp == Long.MIN_VALUE) {
            return; // a dead letter: no time of its own
        }
        maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
        live = wallClock.getAsLong() - eventTimestamp <= liveLag;
    }

    /** Did the partition's latest event arrive within liveLag of its event time? */
    boolean live() {
        return live;
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long watermark = maxTimestamp - outOfOrderness - 1;
        if (live) {
            watermark = Math.max(watermark, wallClock.getAsLong() - liveLag - outOfOrderness - 1);
        }
        // Emit on every period, as BoundedOutOfOrdernessWatermarks does, even when unchanged: an emission is what
        // marks an output active again after SplitIdleness declared it idle.
        emitted = Math.max(emitted, watermark);
        output.emitWatermark(new Watermark(emitted));
    }
}
