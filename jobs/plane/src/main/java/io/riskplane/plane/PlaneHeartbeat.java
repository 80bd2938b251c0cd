package io.riskplane.plane;

import io.riskplane.contract.ProtoTime;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.HeartbeatRecord;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Heartbeat;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Publishes, every interval of wall-clock time, that the plane is alive and how far its event time has got (the
 * watermark of the control-event stream, i.e. of every rule), so that the execution side can fail closed when the
 * plane is down or stalled (io.riskplane.verify.ControlVerifier). Runs with parallelism 1 on the control events,
 * which are few. events_processed counts the control events this instance has seen. Live only: heartbeats are
 * wall-clock facts and not part of a replay.
 */
public class PlaneHeartbeat extends AbstractStreamOperator<HeartbeatRecord>
        implements OneInputStreamOperator<ControlRecord, HeartbeatRecord> {
    private static final long serialVersionUID = 1L;

    private final String planeId;
    private final long intervalMillis;
    private transient long watermark;
    private transient long controls;

    public PlaneHeartbeat(String planeId, long intervalMillis) {
        this.planeId = planeId;
        this.intervalMillis = intervalMillis;
    }

    @Override
    public void open() throws Exception {
        super.open();
        watermark = Long.MIN_VALUE;
        schedule(getProcessingTimeService().getCurrentProcessingTime());
    }

    private void schedule(long now) {
        getProcessingTimeService().registerTimer(now + intervalMillis, this::beat);
    }

    private void beat(long now) {
        Heartbeat.Builder h = Heartbeat.newBuilder().setPlaneId(planeId).setEventsProcessed(controls);
        if (watermark != Long.MIN_VALUE) {
            h.setWatermark(ProtoTime.fromMillis(watermark));
        }
        Envelope e = Envelope.newBuilder()
                .setEventId("hb-" + planeId + "-" + now)
                .setSource("riskplane")
                .setEventTime(ProtoTime.fromMillis(now))
                .setHeartbeat(h)
                .build();
        output.collect(new StreamRecord<>(new HeartbeatRecord(planeId, now, e.toByteArray())));
        schedule(now);
    }

    @Override
    public void processElement(StreamRecord<ControlRecord> element) {
        controls++;
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        super.processWatermark(mark);
        if (mark.getTimestamp() != Long.MAX_VALUE) {
            watermark = Math.max(watermark, mark.getTimestamp());
        }
    }
}
