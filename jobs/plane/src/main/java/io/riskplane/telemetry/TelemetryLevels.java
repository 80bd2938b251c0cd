package io.riskplane.telemetry;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Fans each fact out to the levels it is reported at: an order or fill fact per route (org, strategy, instrument,
 * venue, adapter), per adapter and per strategy; a signal fact per signal source.
 */
public final class TelemetryLevels implements FlatMapFunction<ExecutionFact, ExecutionFact> {
    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(ExecutionFact f, Collector<ExecutionFact> out) {
        if (ExecutionFact.SIGNAL.equals(f.kind())) {
            out.collect(f);
            return;
        }
        out.collect(f);
        out.collect(f.atLevel(ExecutionFact.ADAPTER));
        out.collect(f.atLevel(ExecutionFact.STRATEGY));
    }
}
