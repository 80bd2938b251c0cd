package io.riskplane.plane;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.riskplane.contract.EnvelopeJson;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.DetectorOutput;
import io.riskplane.model.DislocationEpisode;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.SloEvaluation;
import io.riskplane.model.TelemetryWindow;
import io.riskplane.sinks.kafka.KafkaSinks;
import io.riskplane.v1.Envelope;
import java.util.Locale;

/**
 * The JSON Lines forms of the plane's outputs. Control events and dead letters are envelopes in the canonical
 * Protobuf JSON mapping (as on Kafka); PnL snapshots are their fields in snake_case (docs/contracts.md).
 */
public final class OutputJson {
    public static final String CONTROL_EVENTS = "control-events.jsonl";
    public static final String PNL_SNAPSHOTS = "pnl-snapshots.jsonl";
    public static final String DEAD_LETTERS = "dead-letters.jsonl";
    public static final String EXECUTION_TELEMETRY = "execution-telemetry.jsonl";
    public static final String EXECUTION_TELEMETRY_DETECTOR = "execution_telemetry";
    public static final String SLO_EVALUATIONS = "slo-evaluations.jsonl";
    public static final String SLO_DETECTOR = "slo";
    public static final String DISLOCATIONS = "dislocations.jsonl";
    public static final String DISLOCATION_DETECTOR = "dislocation";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.INDENT_OUTPUT)
            // Maps come back from Flink's serializer in no particular order; outputs must not depend on it.
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private OutputJson() {}

    public static OutputLine control(ControlRecord r) {
        try {
            return new OutputLine(CONTROL_EVENTS, key(r.decidedAtMillis(), r.controlId()),
                    EnvelopeJson.print(Envelope.parseFrom(r.envelope())));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("plane produced an unreadable control envelope", e);
        }
    }

    public static OutputLine snapshot(PnlSnapshot s) {
        return new OutputLine(PNL_SNAPSHOTS, key(s.eventTimeMillis(), s.scopeKey()), json(s));
    }

    public static OutputLine telemetry(TelemetryWindow w) {
        return new OutputLine(EXECUTION_TELEMETRY, key(w.windowEndMillis(), w.windowSize() + "|" + w.scopeKey()),
                json(w));
    }

    public static DetectorOutput telemetryOutput(TelemetryWindow w) {
        return new DetectorOutput(w.windowId(), EXECUTION_TELEMETRY_DETECTOR, w.windowSize() + "|" + w.scopeKey(),
                w.windowEndMillis(), json(w));
    }

    public static OutputLine slo(SloEvaluation e) {
        return new OutputLine(SLO_EVALUATIONS, key(e.measurement().measuredAtMillis(), e.scopeKey()), json(e));
    }

    public static DetectorOutput sloOutput(SloEvaluation e) {
        return new DetectorOutput(e.evaluationId(), SLO_DETECTOR, e.scopeKey(), e.measurement().measuredAtMillis(),
                json(e));
    }

    public static OutputLine dislocation(DislocationEpisode d) {
        return new OutputLine(DISLOCATIONS, key(reportedAt(d), d.instrument() + "|" + d.status()), json(d));
    }

    public static DetectorOutput dislocationOutput(DislocationEpisode d) {
        return new DetectorOutput(d.episodeId(), DISLOCATION_DETECTOR, d.instrument(), reportedAt(d), json(d));
    }

    /** The event time at which an episode was reported: its end when closed, else when it reached the minimum. */
    private static long reportedAt(DislocationEpisode d) {
        return d.endMillis() > 0 ? d.endMillis() : d.startMillis() + d.durationMillis();
    }

    private static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static OutputLine deadLetter(DeadLetterRecord d) {
        return new OutputLine(DEAD_LETTERS,
                String.format(Locale.ROOT, "%s|%d|%020d|%s", d.sourceTopic(), d.sourcePartition(), d.sourceOffset(),
                        d.id()),
                EnvelopeJson.print(KafkaSinks.envelope(d)));
    }

    private static String key(long millis, String id) {
        // Offset so that negative times still sort as text.
        return String.format(Locale.ROOT, "%020d|%s", millis + Long.MAX_VALUE / 2, id);
    }
}
