package io.riskplane.model;

/**
 * Where one scope stands after a change (topic riskplane.v1.halt-state, compacted by scope key): envelope is the
 * serialized Envelope with its HaltState payload; the other fields are what sinks key and sort by without parsing it.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(io.riskplane.model.serde.HaltStateRecordSerializer.Factory.class)
public record HaltStateRecord(String stateId, String scopeKey, long updatedAtMillis, byte[] envelope) {}
