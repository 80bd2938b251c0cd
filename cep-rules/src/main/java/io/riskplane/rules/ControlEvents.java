package io.riskplane.rules;

import io.riskplane.contract.ProtoTime;
import io.riskplane.model.ControlRecord;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Metric;
import io.riskplane.v1.Threshold;

/** What every rule needs to publish a control event: evidence parts and the envelope, stamped with event time. */
public final class ControlEvents {
    /** The envelope source of everything the plane publishes. */
    public static final String PLANE_SOURCE = "riskplane";

    private ControlEvents() {}

    public static Metric metric(String name, double value, String unit) {
        return Metric.newBuilder().setName(name).setValue(value).setUnit(unit).build();
    }

    public static Threshold threshold(String name, double limit, String unit, String comparison) {
        return Threshold.newBuilder()
                .setName(name)
                .setLimit(limit)
                .setUnit(unit)
                .setComparison(comparison)
                .build();
    }

    /** Wraps a finished control event; its id, scope key and decision time come from the event itself. */
    public static ControlRecord record(ControlEvent c, String scopeKey) {
        long decided = ProtoTime.toMillis(c.getDecidedAt());
        Envelope env = Envelope.newBuilder()
                .setEventId(c.getControlId())
                .setSource(PLANE_SOURCE)
                .setEventTime(c.getDecidedAt())
                .setControl(c)
                .build();
        return new ControlRecord(c.getControlId(), scopeKey, decided, c.getRuleId(), env.toByteArray());
    }
}
