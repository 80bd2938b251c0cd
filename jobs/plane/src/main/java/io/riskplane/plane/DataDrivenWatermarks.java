package io.riskplane.plane;

import io.riskplane.model.Decoded;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness watermarks emitted from the data itself rather than on a wall-clock period. In replay this
 * makes the watermark's progress, and so which event-time timers fire before the end of the input, a function of
 * the input alone: two replays, or one at another parallelism, fire exactly the same timers. A watermark is emitted
 * when it has moved by at least {@code stepMillis}, to keep their number bounded.
 */
final class DataDrivenWatermarks implements WatermarkGenerator<Decoded> {
    private final long outOfOrdernessMillis;
    private final long stepMillis;
    private long maxTimestamp = Long.MIN_VALUE;
    private long emitted = Long.MIN_VALUE;

    DataDrivenWatermarks(long outOfOrdernessMillis, long stepMillis) {
        this.outOfOrdernessMillis = outOfOrdernessMillis;
        this.stepMillis = stepMillis;
    }

    @Override
    public void onEvent(Decoded event, long timestamp, WatermarkOutput output) {
        if (timestamp == Long.MIN_VALUE || timestamp <= maxTimestamp) {
            return;
        }
        maxTimestamp = timestamp;
        long candidate = maxTimestamp - outOfOrdernessMillis - 1;
        if (emitted == Long.MIN_VALUE || candidate >= emitted + stepMillis) {
            emitted = candidate;
            output.emitWatermark(new Watermark(candidate));
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        // Only data moves the watermark: a wall-clock period would make replays depend on timing.
    }
}
