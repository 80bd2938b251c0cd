package io.riskplane.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import io.riskplane.contract.DeterministicId;
import io.riskplane.contract.EnvelopeJson;
import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.model.BookEvent;
import io.riskplane.model.CursorRecord;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.Decoded;
import io.riskplane.model.LaneRunRecord;
import io.riskplane.model.OrderRecord;
import io.riskplane.model.PolicyRecord;
import io.riskplane.model.SignalRecord;
import io.riskplane.v1.CursorCommit;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Fill;
import io.riskplane.v1.GateResult;
import io.riskplane.v1.LaneRun;
import io.riskplane.v1.Order;
import io.riskplane.v1.Quote;
import io.riskplane.v1.RiskPolicy;
import io.riskplane.v1.Side;
import io.riskplane.v1.Signal;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * Turns one input record (Protobuf bytes from Kafka, or a JSON line from a file) into a {@link Decoded}: a valid
 * event with the typed view the detectors need, or a dead letter with a reason. Never throws on bad input.
 */
public final class EnvelopeDecoder implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Events further ahead of the reference clock than this are FUTURE_TIMESTAMP. */
    private final long maxFutureSkewMillis;

    public EnvelopeDecoder(long maxFutureSkewMillis) {
        this.maxFutureSkewMillis = maxFutureSkewMillis;
    }

    /**
     * @param json true for the canonical JSON text form, false for Protobuf binary
     * @param referenceMillis "now" for the future check: the broker's record timestamp for Kafka, the wall clock
     *     for files
     * @param observedMillis when the record was received, as recorded in outputs: the broker timestamp for Kafka, 0
     *     for files (so that a replay's outputs do not depend on when it ran)
     */
    public Decoded decode(
            byte[] value,
            boolean json,
            String topic,
            int partition,
            long offset,
            long referenceMillis,
            long observedMillis) {
        if (value == null || value.length == 0) {
            return dead(
                    new byte[0],
                    topic,
                    partition,
                    offset,
                    observedMillis,
                    "",
                    DeadLetterReason.UNDECODABLE,
                    "empty record value");
        }
        Envelope e;
        try {
            e = json ? EnvelopeJson.parse(new String(value, StandardCharsets.UTF_8)) : Envelope.parseFrom(value);
        } catch (InvalidProtocolBufferException | RuntimeException ex) {
            String msg = String.valueOf(ex.getMessage());
            String reason = msg.contains("Invalid enum value") || msg.contains("Cannot find enum")
                    ? DeadLetterReason.UNKNOWN_ENUM
                    : DeadLetterReason.UNDECODABLE;
            return dead(
                    value,
                    topic,
                    partition,
                    offset,
                    observedMillis,
                    "",
                    reason,
                    (json ? "not a riskplane v1 JSON envelope: " : "not a riskplane v1 Protobuf envelope: ")
                            + truncate(msg));
        }
        try {
            if (e.getEventId().isBlank()) {
                throw new InvalidInput(DeadLetterReason.MISSING_FIELD, "event_id is missing");
            }
            if (!e.hasEventTime()
                    || (e.getEventTime().getSeconds() == 0 && e.getEventTime().getNanos() == 0)) {
                throw new InvalidInput(DeadLetterReason.MISSING_FIELD, "event_time is missing");
            }
            InputValidator.boundedStrings(e, value.length);
            InputValidator.validate(e);
            if (Topics.INPUTS.contains(topic) && !topic.equals(Topics.forPayload(e.getPayloadCase()))) {
                throw new InvalidInput(
                        DeadLetterReason.WRONG_TOPIC,
                        Topics.kindName(e.getPayloadCase()) + " belongs on " + Topics.forPayload(e.getPayloadCase())
                                + ", not " + topic);
            }
            long eventTime = ProtoTime.toMillis(e.getEventTime());
            if (eventTime > referenceMillis + maxFutureSkewMillis) {
                throw new InvalidInput(
                        DeadLetterReason.FUTURE_TIMESTAMP,
                        "event_time " + java.time.Instant.ofEpochMilli(ProtoTime.toMillis(e.getEventTime()))
                                + " is more than " + maxFutureSkewMillis + " ms ahead of the time it was received");
            }
            byte[] canonical = json ? e.toByteArray() : value;
            return new Decoded(
                    Topics.kindName(e.getPayloadCase()),
                    e.getEventId(),
                    e.getSource(),
                    eventTime,
                    topic,
                    partition,
                    offset,
                    observedMillis,
                    canonical,
                    bookEvent(e, eventTime),
                    policy(e, eventTime),
                    order(e, eventTime),
                    signal(e, eventTime),
                    cursor(e, eventTime),
                    laneRun(e, eventTime),
                    null);
        } catch (InvalidInput bad) {
            return dead(value, topic, partition, offset, observedMillis, e.getEventId(), bad.reason, bad.getMessage());
        }
    }

    private static BookEvent bookEvent(Envelope e, long eventTime) {
        if (e.hasFill()) {
            Fill f = e.getFill();
            return BookEvent.fill(
                    e.getEventId(),
                    f.getFillId(),
                    f.getOrderId(),
                    f.getAdapter(),
                    eventTime,
                    f.getOrg(),
                    f.getStrategy(),
                    f.getInstrument(),
                    f.getVenue(),
                    f.getSide() == Side.BUY ? 1 : -1,
                    f.getQuantity(),
                    f.getPrice(),
                    f.getFee());
        }
        if (e.hasQuote()) {
            Quote q = e.getQuote();
            return BookEvent.quote(e.getEventId(), eventTime, q.getInstrument(), q.getVenue(), q.getBid(), q.getAsk());
        }
        return null;
    }

    private static OrderRecord order(Envelope e, long eventTime) {
        if (!e.hasOrder()) {
            return null;
        }
        Order o = e.getOrder();
        return new OrderRecord(
                e.getEventId(),
                eventTime,
                o.getOrderId(),
                o.getOrg(),
                o.getStrategy(),
                o.getInstrument(),
                o.getVenue(),
                o.getSide() == Side.BUY ? 1 : -1,
                o.getState().name(),
                o.getQuantity(),
                o.getFilledQuantity(),
                o.getDecisionPrice(),
                o.getLimitPrice(),
                o.getConfidence(),
                o.getExpectedAdapter(),
                o.getActualAdapter(),
                o.getFallbackReason(),
                o.getErrorCategory().name(),
                o.hasDecisionTime() ? ProtoTime.toMillis(o.getDecisionTime()) : 0,
                o.hasAckTime() ? ProtoTime.toMillis(o.getAckTime()) : 0,
                o.getReduceOnly(),
                o.getExit(),
                o.getLane());
    }

    private static SignalRecord signal(Envelope e, long eventTime) {
        if (!e.hasSignal()) {
            return null;
        }
        Signal s = e.getSignal();
        return new SignalRecord(
                e.getEventId(),
                eventTime,
                s.getSource(),
                s.getSequence(),
                s.hasSignalTime() ? ProtoTime.toMillis(s.getSignalTime()) : eventTime,
                s.getConfidence(),
                s.getInstrument(),
                s.getStrategy(),
                s.getLane());
    }

    private static CursorRecord cursor(Envelope e, long eventTime) {
        if (!e.hasCursorCommit()) {
            return null;
        }
        CursorCommit c = e.getCursorCommit();
        return new CursorRecord(
                e.getEventId(),
                eventTime,
                c.getConsumerId(),
                c.getSource(),
                c.hasCursorTime() ? ProtoTime.toMillis(c.getCursorTime()) : 0,
                c.getCursorSequence(),
                c.getLane());
    }

    private static LaneRunRecord laneRun(Envelope e, long eventTime) {
        if (!e.hasLaneRun()) {
            return null;
        }
        LaneRun r = e.getLaneRun();
        java.util.List<String> failed = new java.util.ArrayList<>();
        for (GateResult g : r.getGatesList()) {
            if (!g.getPassed()) {
                failed.add(g.getGate());
            }
        }
        return new LaneRunRecord(
                e.getEventId(),
                eventTime,
                r.getLane(),
                r.getRunId(),
                r.getOutcome().name(),
                r.getPolicyVersion(),
                r.getOrg(),
                r.getStrategy(),
                java.util.List.copyOf(failed));
    }

    private static PolicyRecord policy(Envelope e, long eventTime) {
        if (!e.hasRiskPolicy()) {
            return null;
        }
        RiskPolicy p = e.getRiskPolicy();
        return new PolicyRecord(
                p.getPolicyId(),
                p.getVersion(),
                p.getScope().getOrg(),
                p.getScope().getStrategy(),
                p.getScope().getVenue(),
                p.getScope().getAdapter(),
                p.getScope().getLane(),
                p.getCurrency(),
                p.getMaxDrawdown(),
                p.getMaxDrawdownFraction(),
                p.getMaxDailyLoss(),
                p.getCapitalBase(),
                p.getAutoResume(),
                eventTime,
                e.getEventId(),
                new java.util.TreeMap<>(p.getThresholdsMap()));
    }

    private static Decoded dead(
            byte[] value,
            String topic,
            int partition,
            long offset,
            long observed,
            String eventId,
            String reason,
            String detail) {
        String id = DeterministicId.ofBytes("dl-", value, topic, partition, offset, reason);
        DeadLetterRecord dl =
                new DeadLetterRecord(id, reason, detail, value, topic, partition, offset, eventId, observed);
        return new Decoded(
                Decoded.DEAD_LETTER_KIND,
                id,
                "",
                observed,
                topic,
                partition,
                offset,
                observed,
                value,
                null,
                null,
                null,
                null,
                null,
                null,
                dl);
    }

    private static String truncate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
