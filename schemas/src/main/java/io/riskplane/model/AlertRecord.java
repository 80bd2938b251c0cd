package io.riskplane.model;

/**
 * An alert for on-call, derived from one control event: envelope is the serialized Envelope with its Alert payload
 * (as on the alerts topic); the other fields are what sinks need without parsing it.
 */
public record AlertRecord(String alertId, String controlId, String scopeKey, long raisedAtMillis, String ruleId,
        String severity, byte[] envelope) {}
