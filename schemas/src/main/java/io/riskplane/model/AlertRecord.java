package io.riskplane.model;

/**
 * An alert for on-call, derived from one control event: envelope is the serialized Envelope with its Alert payload
 * (as on the alerts topic); the other fields are what sinks need without parsing it.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(io.riskplane.model.serde.AlertRecordSerializer.Factory.class)
public record AlertRecord(
        String alertId,
        String controlId,
        String scopeKey,
        long raisedAtMillis,
        String ruleId,
        String severity,
        byte[] envelope) {}
