package io.riskplane.model;

import io.riskplane.contract.EnvelopeJson;
import io.riskplane.v1.Envelope;

/**
 * A valid input event as the warehouses archive it (ClickHouse and Iceberg {@code raw_events}): where it was read
 * its envelope in the canonical JSON form, and (for the lake, which a replay reads) the record value as it was. The JSON is printed once for both stores: printing it is most of
 * what archiving an event costs.
 */
public record RawEvent(
        String eventId,
        String kind,
        String source,
        long eventTimeMillis,
        String topic,
        int partition,
        long offset,
        long ingestMillis,
        String envelopeJson,
        byte[] envelope) {

    /** Without the record value (ClickHouse's raw_events has no column for it). */
    public RawEvent(
            String eventId,
            String kind,
            String source,
            long eventTimeMillis,
            String topic,
            int partition,
            long offset,
            long ingestMillis,
            String envelopeJson) {
        this(eventId, kind, source, eventTimeMillis, topic, partition, offset, ingestMillis, envelopeJson, null);
    }

    public static RawEvent of(Decoded d) {
        try {
            return new RawEvent(
                    d.eventId(),
                    d.kind(),
                    d.source(),
                    d.eventTimeMillis(),
                    d.topic(),
                    d.partition(),
                    d.offset(),
                    d.ingestMillis(),
                    EnvelopeJson.print(Envelope.parseFrom(d.envelope())),
                    d.envelope());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            // The decoder parsed these very bytes before it called the event valid.
            throw new IllegalStateException("valid event " + d.eventId() + " has an unreadable envelope", e);
        }
    }
}
