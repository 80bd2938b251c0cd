package io.riskplane.model;

/** A signal as the telemetry uses it: signal lag is the envelope's event time minus signalTimeMillis. */
@org.apache.flink.api.common.typeinfo.TypeInfo(io.riskplane.model.serde.SignalRecordSerializer.Factory.class)
public record SignalRecord(
        String eventId,
        long eventTimeMillis,
        String source,
        long sequence,
        long signalTimeMillis,
        double confidence,
        String instrument,
        String strategy,
        String lane) {}
