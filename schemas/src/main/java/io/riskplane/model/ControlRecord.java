package io.riskplane.model;

/** A control event on its way to the sinks: the serialized Envelope plus what sinks key and partition by. */
public record ControlRecord(String controlId, String scopeKey, long decidedAtMillis, String ruleId, byte[] envelope) {}
