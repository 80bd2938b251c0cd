package io.riskplane.model;

/**
 * One input record after decoding and validation: either a valid event (with the typed view the detectors need,
 * when they need one) or a dead letter. Carries where it came from so that nothing is lost without a trace.
 */
public record Decoded(
        String kind,
        String eventId,
        String source,
        long eventTimeMillis,
        String topic,
        int partition,
        long offset,
        long ingestMillis,
        byte[] envelope,
        BookEvent book,
        PolicyRecord policy,
        OrderRecord order,
        SignalRecord signal,
        CursorRecord cursor,
        LaneRunRecord laneRun,
        DeadLetterRecord deadLetter) {

    public static final String DEAD_LETTER_KIND = "dead_letter";

    public boolean isDeadLetter() {
        return deadLetter != null;
    }
}
