package io.riskplane.plane;

import io.riskplane.model.AlertRecord;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.HeartbeatRecord;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.PnlBar;
import io.riskplane.model.DislocationEpisode;
import io.riskplane.model.SloEvaluation;
import io.riskplane.model.TelemetryWindow;
import io.riskplane.model.ConditionEvaluation;
import io.riskplane.model.CursorStaleness;
import io.riskplane.model.GuardrailTrip;
import io.riskplane.model.LaneRunEvaluation;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Where the plane's outputs go: only what it computes. Production writes them to Kafka (ExternalSinks); replay and
 * tests plug in their own. The raw input is no output of the plane: the ClickHouse loader and the archive job read
 * it from the input topics themselves.
 */
public interface PlaneSinks {
    /** The stored form of the PnL snapshots: one bar per scope and second, and a row per fill (docs/storage.md). */
    void pnlBars(DataStream<PnlBar> bars);

    void controlEvents(DataStream<ControlRecord> controls);

    /** Control events decided on arrival (docs/rules.md, "Early decisions"), before the confirmed ones. */
    void earlyControlEvents(DataStream<ControlRecord> controls);

    /** One alert per control event, for on-call (docs/alerting.md). */
    void alerts(DataStream<AlertRecord> alerts);

    void deadLetters(DataStream<DeadLetterRecord> deadLetters);

    void executionTelemetry(DataStream<TelemetryWindow> telemetry);

    /** The SLO evaluations storage keeps: status changes and one per scope and minute (SloEvaluation.stored()). */
    void sloEvaluations(DataStream<SloEvaluation> evaluations);

    void dislocations(DataStream<DislocationEpisode> episodes);

    /** The staleness rows storage keeps: status changes and one per consumer and minute (CursorStaleness.stored()). */
    void cursorStaleness(DataStream<CursorStaleness> rows);

    void guardrailTrips(DataStream<GuardrailTrip> trips);

    void conditionEvaluations(DataStream<ConditionEvaluation> evaluations);

    void laneRuns(DataStream<LaneRunEvaluation> evaluations);

    /** The plane's heartbeats (live only). */
    default void heartbeats(DataStream<HeartbeatRecord> heartbeats) {}

    /** Called once after every output has been handed over, for sinks that combine streams. */
    default void finish() {}
}
