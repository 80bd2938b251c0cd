package io.riskplane.plane;

import io.riskplane.model.AlertRecord;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.PnlBar;
import io.riskplane.model.DislocationEpisode;
import io.riskplane.model.ConditionEvaluation;
import io.riskplane.model.CursorStaleness;
import io.riskplane.model.GuardrailTrip;
import io.riskplane.model.LaneRunEvaluation;
import io.riskplane.model.SloEvaluation;
import io.riskplane.model.TelemetryWindow;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Sinks for `riskplane replay`: every output becomes an {@link OutputLine}; the caller collects them and writes
 * each file sorted by its key, so that the files are byte-identical whatever the parallelism. Raw events are the
 * input itself and are not written again.
 */
public final class ReplayOutput implements PlaneSinks {
    private DataStream<OutputLine> controls;
    private DataStream<OutputLine> earlyControls;
    private DataStream<OutputLine> alerts;
    private DataStream<OutputLine> snapshots; // pnl bars
    private DataStream<OutputLine> deadLetters;
    private DataStream<OutputLine> telemetry;
    private DataStream<OutputLine> slo;
    private DataStream<OutputLine> dislocations;
    private DataStream<OutputLine> staleness;
    private DataStream<OutputLine> trips;
    private DataStream<OutputLine> conditions;
    private DataStream<OutputLine> laneRuns;

    @Override
    public void pnlBars(DataStream<PnlBar> b) {
        snapshots = b.map(OutputJson::pnlBar).name("pnl bar json");
    }

    @Override
    public void controlEvents(DataStream<ControlRecord> c) {
        controls = c.map(OutputJson::control).name("control json");
    }

    @Override
    public void earlyControlEvents(DataStream<ControlRecord> c) {
        earlyControls = c.map(OutputJson::earlyControl).name("early control json");
    }

    @Override
    public void alerts(DataStream<AlertRecord> a) {
        alerts = a.map(OutputJson::alert).name("alert json");
    }

    @Override
    public void deadLetters(DataStream<DeadLetterRecord> d) {
        deadLetters = d.map(OutputJson::deadLetter).name("dead letter json");
    }

    @Override
    public void executionTelemetry(DataStream<TelemetryWindow> t) {
        telemetry = t.map(OutputJson::telemetry).name("telemetry json");
    }

    @Override
    public void sloEvaluations(DataStream<SloEvaluation> e) {
        slo = e.map(OutputJson::slo).name("slo json");
    }

    @Override
    public void dislocations(DataStream<DislocationEpisode> d) {
        dislocations = d.map(OutputJson::dislocation).name("dislocation json");
    }

    @Override
    public void cursorStaleness(DataStream<CursorStaleness> rows) {
        staleness = rows.map(OutputJson::staleness).name("cursor staleness json");
    }

    @Override
    public void guardrailTrips(DataStream<GuardrailTrip> t) {
        trips = t.map(OutputJson::trip).name("guardrail trip json");
    }

    @Override
    public void conditionEvaluations(DataStream<ConditionEvaluation> e) {
        conditions = e.map(OutputJson::condition).name("condition evaluation json");
    }

    @Override
    public void laneRuns(DataStream<LaneRunEvaluation> e) {
        laneRuns = e.map(OutputJson::laneRun).name("lane run json");
    }

    /** All output lines, once the job graph is built. */
    public DataStream<OutputLine> lines() {
        return controls.union(earlyControls, alerts, snapshots, deadLetters, telemetry, slo, dislocations, staleness, trips, conditions,
                laneRuns);
    }
}
