package io.riskplane.model;

/** Input the plane could not use, with a stable reason code and the original bytes (docs/contracts.md). */
@org.apache.flink.api.common.typeinfo.TypeInfo(io.riskplane.model.serde.DeadLetterRecordSerializer.Factory.class)
public record DeadLetterRecord(
        String id,
        String reasonCode,
        String detail,
        byte[] original,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        String originalEventId,
        long observedMillis) {

    /**
     * Bounded, whatever the input: an original over OutputBounds.MAX_ORIGINAL_BYTES is cut to its prefix and the
     * detail says its full size and SHA-256 (the input topic keeps it whole). The id is computed by the caller over
     * the whole original.
     */
    public DeadLetterRecord {
        detail = io.riskplane.contract.OutputBounds.cut(detail, io.riskplane.contract.OutputBounds.MAX_DETAIL_CHARS);
        if (original != null && original.length > io.riskplane.contract.OutputBounds.MAX_ORIGINAL_BYTES) {
            detail = detail + "; original cut to its first " + io.riskplane.contract.OutputBounds.MAX_ORIGINAL_BYTES
                    + " bytes" + io.riskplane.contract.OutputBounds.marker(original.length + " bytes", original);
            original = io.riskplane.contract.OutputBounds.prefix(
                    original, io.riskplane.contract.OutputBounds.MAX_ORIGINAL_BYTES);
        }
    }

    /**
     * A valid input refused after decoding (a stale time, a conflicting policy version): the same id scheme as the
     * decoder's dead letters (over the original bytes, topic, partition, offset and reason).
     */
    public static DeadLetterRecord of(Decoded d, String reasonCode, String detail) {
        return new DeadLetterRecord(
                io.riskplane.contract.DeterministicId.ofBytes(
                        "dl-", d.envelope(), d.topic(), d.partition(), d.offset(), reasonCode),
                reasonCode,
                detail,
                d.envelope(),
                d.topic(),
                d.partition(),
                d.offset(),
                d.eventId(),
                d.ingestMillis());
    }
}
