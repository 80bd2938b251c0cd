package io.riskplane.lake;

/**
 * One input record as the lake holds it: where it was on Kafka, the broker's timestamp, its event time (for a record
 * the decoder refused, none: {@link #NO_EVENT_TIME}), its kind and the value as it was.
 */
public record ArchivedRecord(
        String topic,
        int partition,
        long offset,
        long timestampMillis,
        long eventTimeMillis,
        String kind,
        byte[] value) {
    public static final long NO_EVENT_TIME = Long.MIN_VALUE;
    /** Kind of a record from rejected_inputs. */
    public static final String REJECTED = "rejected";
    /** Kind of an offset that held no record (rejected_inputs, reason NO_RECORD): accounted for, not replayed. */
    public static final String NO_RECORD = "no_record";

    public boolean rejected() {
        return eventTimeMillis == NO_EVENT_TIME;
    }

    /** topic/partition, as messages name a partition. */
    public String partitionName() {
        return topic + "/" + partition;
    }
}
