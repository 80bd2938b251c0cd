package io.riskplane.model;

/** A plane heartbeat: envelope is the serialized Envelope with its Heartbeat payload, as on the heartbeat topic. */
public record HeartbeatRecord(String planeId, long emittedAtMillis, byte[] envelope) {}
