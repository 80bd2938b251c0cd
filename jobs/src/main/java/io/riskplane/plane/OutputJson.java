package io.riskplane.plane;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.riskplane.contract.EnvelopeJson;
import io.riskplane.model.AlertRecord;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.DetectorOutput;
import io.riskplane.model.DislocationEpisode;
import io.riskplane.model.ConditionEvaluation;
import io.riskplane.model.CursorStaleness;
import io.riskplane.model.GuardrailTrip;
import io.riskplane.model.LaneRunEvaluation;
import io.riskplane.model.PnlBar;
import io.riskplane.model.SloEvaluation;
import io.riskplane.model.TelemetryWindow;
import io.riskplane.sinks.kafka.KafkaSinks;
import io.riskplane.v1.Envelope;

/**
 * The JSON Lines forms of the plane's outputs. Control events and dead letters are envelopes in the canonical
 * Protobuf JSON mapping (as on Kafka); PnL bars and detector rows are their fields in snake_case (docs/contracts.md).
 */
public final class OutputJson {
    public static final String CONTROL_EVENTS = "control-events.jsonl";
    public static final String EARLY_CONTROL_EVENTS = "control-events-early.jsonl";
    public static final String ALERTS = "alerts.jsonl";
    public static final String PNL_BARS = "pnl-bars.jsonl";
    public static final String PNL_DETECTOR = "pnl";
    public static final String DEAD_LETTERS = "dead-letters.jsonl";
    public static final String EXECUTION_TELEMETRY = "execution-telemetry.jsonl";
    public static final String EXECUTION_TELEMETRY_DETECTOR = "execution_telemetry";
    public static final String SLO_EVALUATIONS = "slo-evaluations.jsonl";
    public static final String SLO_DETECTOR = "slo";
    public static final String DISLOCATIONS = "dislocations.jsonl";
    public static final String DISLOCATION_DETECTOR = "dislocation";
    public static final String CURSOR_STALENESS = "cursor-staleness.jsonl";
    public static final String CURSOR_STALENESS_DETECTOR = "cursor_staleness";
    public static final String GUARDRAIL_TRIPS = "guardrail-trips.jsonl";
    public static final String GUARDRAIL_DETECTOR = "guardrails";
    public static final String CONDITION_EVALUATIONS = "condition-evaluations.jsonl";
    public static final String CONDITION_DETECTOR = "sustained_conditions";
    public static final String LANE_RUNS = "lane-runs.jsonl";
    public static final String LANE_DETECTOR = "lane_runs";

    /** Every replay output file, in the order `replay` lists them. */
    public static final java.util.List<String> FILES = java.util.List.of(CONTROL_EVENTS, EARLY_CONTROL_EVENTS, ALERTS, PNL_BARS, DEAD_LETTERS,
            EXECUTION_TELEMETRY, SLO_EVALUATIONS, DISLOCATIONS, CURSOR_STALENESS, GUARDRAIL_TRIPS,
            CONDITION_EVALUATIONS, LANE_RUNS);

    private static final ObjectMapper MAPPER = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.INDENT_OUTPUT)
            // Maps come back from Flink's serializer in no particular order; outputs must not depend on it.
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            // Schubfach: Double.toString's notation with the shortest digits, without FloatingDecimal (PnL bars
            // are mostly doubles).
            .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            // scopeKey is a record component only so that keyed exchanges build it once; it is not in the JSON form.
            .addMixIn(io.riskplane.model.SloMeasurement.class, WithoutScopeKey.class)
            .build();

    @com.fasterxml.jackson.annotation.JsonIgnoreProperties({"scope_key", "scopeKey"})
    private abstract static class WithoutScopeKey {}

    private OutputJson() {}

    public static OutputLine earlyControl(ControlRecord r) {
        return envelopeLine(EARLY_CONTROL_EVENTS, key(r.decidedAtMillis(), r.controlId()), r.envelope());
    }

    public static OutputLine control(ControlRecord r) {
        return envelopeLine(CONTROL_EVENTS, key(r.decidedAtMillis(), r.controlId()), r.envelope());
    }

    public static OutputLine alert(AlertRecord r) {
        return envelopeLine(ALERTS, key(r.raisedAtMillis(), r.alertId()), r.envelope());
    }

    /** An envelope the plane produced, in the canonical JSON form it has on Kafka. */
    private static OutputLine envelopeLine(String file, String key, byte[] envelope) {
        try {
            return new OutputLine(file, key, EnvelopeJson.print(Envelope.parseFrom(envelope)));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("plane produced an unreadable envelope for " + file, e);
        }
    }

    /** Sorted by close time, scope, then the bar before the fill row of the same snapshot. */
    public static OutputLine pnlBar(PnlBar b) {
        return new OutputLine(PNL_BARS, key(b.eventTimeMillis(), b.scopeKey() + (b.fillRow() ? "|1" : "|0")),
                json(b));
    }

    public static DetectorOutput pnlBarOutput(PnlBar b) {
        return new DetectorOutput(b.barId(), PNL_DETECTOR, b.scopeKey(), b.eventTimeMillis(), json(b));
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

    public static OutputLine staleness(CursorStaleness c) {
        return new OutputLine(CURSOR_STALENESS, key(c.measuredAtMillis(), c.scopeKey()), json(c));
    }

    public static DetectorOutput stalenessOutput(CursorStaleness c) {
        return new DetectorOutput(c.stalenessId(), CURSOR_STALENESS_DETECTOR, c.scopeKey(), c.measuredAtMillis(),
                json(c));
    }

    public static OutputLine trip(GuardrailTrip t) {
        return new OutputLine(GUARDRAIL_TRIPS, key(t.atMillis(), t.scopeKey() + "|" + t.tripId()), json(t));
    }

    public static DetectorOutput tripOutput(GuardrailTrip t) {
        return new DetectorOutput(t.tripId(), GUARDRAIL_DETECTOR, t.scopeKey(), t.atMillis(), json(t));
    }

    public static OutputLine condition(ConditionEvaluation e) {
        return new OutputLine(CONDITION_EVALUATIONS, key(e.sample().atMillis(), e.scopeKey() + "|"
                + e.evaluationId()), json(e));
    }

    public static DetectorOutput conditionOutput(ConditionEvaluation e) {
        return new DetectorOutput(e.evaluationId(), CONDITION_DETECTOR, e.scopeKey(), e.sample().atMillis(), json(e));
    }

    public static OutputLine laneRun(LaneRunEvaluation e) {
        return new OutputLine(LANE_RUNS, key(e.run().eventTimeMillis(), e.run().lane() + "|" + e.evaluationId()),
                json(e));
    }

    public static DetectorOutput laneRunOutput(LaneRunEvaluation e) {
        return new DetectorOutput(e.evaluationId(), LANE_DETECTOR, e.run().lane(), e.run().eventTimeMillis(),
                json(e));
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
        StringBuilder key = new StringBuilder().append(d.sourceTopic()).append('|').append(d.sourcePartition())
                .append('|');
        return new OutputLine(DEAD_LETTERS, zeroPadded(key, d.sourceOffset()).append('|').append(d.id()).toString(),
                EnvelopeJson.print(KafkaSinks.envelope(d)));
    }

    private static String key(long millis, String id) {
        // Offset so that negative times still sort as text.
        return zeroPadded(new StringBuilder(21 + id.length()), millis + Long.MAX_VALUE / 2).append('|').append(id)
                .toString();
    }

    /**
     * A non-negative number in 20 digits, so that keys sort as text, padded by hand: String.format was a tenth of
     * replay's time (every output line has a key).
     */
    private static StringBuilder zeroPadded(StringBuilder out, long n) {
        String digits = Long.toString(n);
        for (int i = digits.length(); i < 20; i++) {
            out.append('0');
        }
        return out.append(digits);
    }
}
