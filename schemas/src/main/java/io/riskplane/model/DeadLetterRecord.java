package io.riskplane.model;

/** Input the plane could not use, with a stable reason code and the original bytes (docs/contracts.md). */
public record DeadLetterRecord(
        String id,
        String reasonCode,
        String detail,
        byte[] original,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        String originalEventId,
        long observedMillis) {}
