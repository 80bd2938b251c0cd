package io.riskplane.plane;

import io.riskplane.model.ControlRecord;
import io.riskplane.model.Decoded;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.DislocationEpisode;
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
    private DataStream<OutputLine> snapshots;
    private DataStream<OutputLine> deadLetters;
    private DataStream<OutputLine> telemetry;
    private DataStream<OutputLine> slo;
    private DataStream<OutputLine> dislocations;

    @Override
    public void rawEvents(DataStream<Decoded> events) {}

    @Override
    public void pnlSnapshots(DataStream<PnlSnapshot> s) {
        snapshots = s.map(OutputJson::snapshot).name("snapshot json");
    }

    @Override
    public void controlEvents(DataStream<ControlRecord> c) {
        controls = c.map(OutputJson::control).name("control json");
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

    /** All output lines, once the job graph is built. */
    public DataStream<OutputLine> lines() {
        return controls.union(snapshots, deadLetters, telemetry, slo, dislocations);
    }
}
