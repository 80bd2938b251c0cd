package io.riskplane.staleness;

import io.riskplane.contract.DeterministicId;
import io.riskplane.model.ConditionSample;
import io.riskplane.model.CursorStaleness;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * The signal lag each lane sees from its source, for rule signal.lag.halt-lanes: one sample per consumer row that
 * names a lane (a lane is fed by a source when it commits a cursor on it). Outside the lane's session the value is
 * NaN, which the rule treats as insufficient data: a breach run neither grows nor ends over a closed market.
 */
public final class SignalLagSamples implements FlatMapFunction<CursorStaleness, ConditionSample> {
    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(CursorStaleness r, Collector<ConditionSample> out) {
        if (r.lane().isEmpty() || r.signalLagSeconds() == null) {
            return;
        }
        double lag = r.sessionOpen() ? r.signalLagSeconds() : Double.NaN;
        out.collect(new ConditionSample(
                DeterministicId.of("cs-", ConditionSample.SIGNAL_LAG, r.stalenessId()),
                ConditionSample.SIGNAL_LAG,
                "",
                "",
                "",
                r.lane(),
                r.source(),
                r.measuredAtMillis(),
                r.tailSignalMillis(),
                lag,
                1,
                r.consumerId(),
                r.triggerEventIds()));
    }
}
