package io.riskplane.model;

/** A consumer's committed cursor on a signal source, as the staleness detector uses it. Times are epoch ms UTC. */
public record CursorRecord(
        String eventId,
        long eventTimeMillis,
        String consumerId,
        String source,
        long cursorTimeMillis,
        long cursorSequence,
        String lane) {}
