package io.riskplane.slo;

import io.riskplane.contract.DeterministicId;
import io.riskplane.model.SloMeasurement;
import io.riskplane.model.TelemetryWindow;
import io.riskplane.telemetry.ExecutionFact;
import java.util.Map;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Rejection rate and decision-to-fill p95 latency per adapter, taken from the rolling 5-minute execution telemetry
 * each minute, with the sample counts the SLO minimums apply to.
 */
public final class TelemetrySloMeasurements implements FlatMapFunction<TelemetryWindow, SloMeasurement> {
    private static final long serialVersionUID = 1L;
    public static final String WINDOW = "5m";

    @Override
    public void flatMap(TelemetryWindow w, Collector<SloMeasurement> out) {
        if (!ExecutionFact.ADAPTER.equals(w.level()) || !WINDOW.equals(w.windowSize())) {
            return;
        }
        out.collect(measure(SloMeasurement.REJECTION_RATE, w, w.rejectionRate(), w.orders()));
        out.collect(measure(SloMeasurement.LATENCY_P95, w, w.fillLatencyP95Ms(), w.fills()));
    }

    private static SloMeasurement measure(String slo, TelemetryWindow w, Double value, long samples) {
        String scope = String.join("|", slo, w.adapter());
        return new SloMeasurement(
                DeterministicId.of("slo-", scope, w.windowEndMillis()),
                slo,
                SloMeasurement.ADAPTER,
                "",
                "",
                w.adapter(),
                w.windowEndMillis(),
                w.windowStartMillis(),
                value,
                samples,
                Map.of(),
                new String[] {w.windowId()});
    }
}
