package io.riskplane.model;

/** A control event on its way to the sinks: the serialized Envelope plus what sinks key and partition by. */
@org.apache.flink.api.common.typeinfo.TypeInfo(io.riskplane.model.serde.ControlRecordSerializer.Factory.class)
public record ControlRecord(String controlId, String scopeKey, long decidedAtMillis, String ruleId, byte[] envelope) {}
