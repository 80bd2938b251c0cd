package io.riskplane.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.riskplane.model.TelemetryWindow;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Harness test of the rolling windows: minute buckets merged into 1m and 5m windows, by hand. */
class ExecutionTelemetryTest {
    static final long M = 60_000;
    KeyedOneInputStreamOperatorTestHarness<String, ExecutionFact, TelemetryWindow> h;

    @BeforeEach
    void setUp() throws Exception {
        h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new ExecutionTelemetry(List.of(
                        new ExecutionTelemetry.WindowLength("1m", 1), new ExecutionTelemetry.WindowLength("5m", 5))),
                ExecutionFact::scopeKey,
                Types.STRING);
    }

    static ExecutionFact fill(String id, long t, double slippage, double latency, double confidence) {
        return new ExecutionFact(
                ExecutionFact.FILL,
                ExecutionFact.ADAPTER,
                id,
                t,
                "",
                "",
                "",
                "",
                "fix",
                "",
                1,
                0,
                slippage,
                latency,
                confidence,
                false,
                "",
                false,
                "",
                Double.NaN);
    }

    static ExecutionFact terminal(
            String id,
            long t,
            double qty,
            double filled,
            boolean rejected,
            String error,
            boolean fallback,
            String reason) {
        return new ExecutionFact(
                ExecutionFact.TERMINAL,
                ExecutionFact.ADAPTER,
                id,
                t,
                "",
                "",
                "",
                "",
                "fix",
                "",
                qty,
                filled,
                Double.NaN,
                Double.NaN,
                0.5,
                rejected,
                error,
                fallback,
                reason,
                Double.NaN);
    }

    @Test
    void windowsMergeTheirMinutes() throws Exception {
        // Minute 0: two fills and two terminal orders.
        h.processElement(fill("a", 10_000, 4, 100, 0.5), 10_000);
        h.processElement(fill("b", 20_000, 8, 300, 1.0), 20_000);
        h.processElement(terminal("c", 30_000, 10, 6, false, "", true, "primary down"), 30_000);
        h.processElement(terminal("d", 40_000, 10, 0, true, "VENUE_REJECT", false, ""), 40_000);
        // Minute 2: one more fill.
        h.processElement(fill("e", 2 * M + 5_000, -2, 200, 0.8), 2 * M + 5_000);
        h.processWatermark(3 * M);

        List<TelemetryWindow> out = h.extractOutputValues();
        TelemetryWindow first1m = find(out, "1m", M);
        assertThat(first1m.fills()).isEqualTo(2);
        assertThat(first1m.slippageAvgBps()).isEqualTo(6.0); // (4 + 8) / 2
        // Two points (0.5, 4) and (1.0, 8): slope 8 bps per unit of confidence.
        assertThat(first1m.slippageVsConfidenceSlope()).isCloseTo(8.0, within(1e-9));
        // (0.1 s, 4) and (0.3 s, 8): 20 bps per second.
        assertThat(first1m.slippageVsLatencySlope()).isCloseTo(20.0, within(1e-9));
        assertThat(first1m.orders()).isEqualTo(2);
        assertThat(first1m.fillEfficiency()).isEqualTo(0.3); // 6 / 20
        assertThat(first1m.rejectionRate()).isEqualTo(0.5);
        assertThat(first1m.errorCategories()).isEqualTo("VENUE_REJECT=1");
        assertThat(first1m.fallbackRatio()).isEqualTo(0.5);
        assertThat(first1m.fallbackReasons()).isEqualTo("primary down=1");
        assertThat(first1m.fillLatencyP50Ms()).isCloseTo(100, within(100 * QuantileSketch.RELATIVE_ACCURACY * 2));

        // The quiet minute 1 still rolls the 5m window; minute 1's own 1m window has nothing and is not reported.
        assertThat(out.stream().filter(w -> w.windowSize().equals("1m") && w.windowEndMillis() == 2 * M))
                .isEmpty();
        assertThat(find(out, "5m", 2 * M).fills()).isEqualTo(2);

        TelemetryWindow rolling = find(out, "5m", 3 * M);
        assertThat(rolling.fills()).isEqualTo(3);
        assertThat(rolling.slippageAvgBps()).isCloseTo(10.0 / 3, within(1e-12)); // (4 + 8 - 2) / 3
        assertThat(rolling.windowStartMillis()).isEqualTo(-2 * M);
        assertThat(rolling.orders()).isEqualTo(2);
    }

    @Test
    void rollingStopsOnceTheLongestWindowIsEmpty() throws Exception {
        h.processElement(fill("a", 10_000, 1, 1, 0.5), 10_000);
        h.processWatermark(20 * M);
        List<TelemetryWindow> out = h.extractOutputValues();
        // 1m at minute 1; 5m at minutes 1..5; nothing after the 5m window has passed the fill.
        assertThat(out).hasSize(1 + 5);
        assertThat(out.get(out.size() - 1).windowEndMillis()).isEqualTo(5 * M);
    }

    @Test
    void theArrivalOrderOfFactsChangesNoWindowBitForBit() throws Exception {
        // Slippages whose double sum depends on the order of addition (1e16 + 1 + 1 against 1 + 1 + 1e16), all
        // arriving before the watermark: the facts are taken as they come, with no event-time buffer.
        List<ExecutionFact> facts = List.of(
                fill("a", 1_000, 1e16, 100, 0.5),
                fill("b", 2_000, 1, 200, 0.25),
                fill("c", 3_000, 1, 300, 0.125),
                terminal("d", 4_000, 0.1, 0.1, false, "", false, ""),
                terminal("e", 5_000, 0.2, 0.05, false, "", false, ""),
                terminal("f", 6_000, 0.3, 0.3, true, "VENUE_REJECT", false, ""));
        List<TelemetryWindow> inOrder = run(facts);
        List<ExecutionFact> reversed = new java.util.ArrayList<>(facts);
        java.util.Collections.reverse(reversed);
        assertThat(run(reversed)).isEqualTo(inOrder);
        TelemetryWindow w = find(inOrder, "1m", M);
        assertThat(w.slippageAvgBps()).isEqualTo((1e16 + 2) / 3); // exact, not (1e16 + 1 + 1) / 3
        assertThat(w.orderedQuantity()).isEqualTo(0.6); // 0.1 + 0.2 + 0.3 is 0.6000000000000001 with +=
        // Nothing is held for a fact: one state entry per minute and the dimensions, one timer per minute.
        ExecutionTelemetry f = new ExecutionTelemetry(List.of(new ExecutionTelemetry.WindowLength("1m", 1)));
        KeyedOneInputStreamOperatorTestHarness<String, ExecutionFact, TelemetryWindow> one =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(f, ExecutionFact::scopeKey, Types.STRING);
        for (ExecutionFact x : facts) {
            one.processElement(x, x.eventTimeMillis());
        }
        assertThat(one.numEventTimeTimers()).isEqualTo(1);
        assertThat(one.numKeyedStateEntries()).isEqualTo(2);
        one.processWatermark(10 * M);
        assertThat(one.numEventTimeTimers()).isZero();
        assertThat(one.numKeyedStateEntries()).isZero();
    }

    @Test
    void aFactAheadOfTheWatermarkChangesNoEarlierWindow() throws Exception {
        ExecutionFact early = fill("a", 10_000, 1, 1, 0.5);
        ExecutionFact later = fill("b", 100 * M + 5, 3, 1, 0.5);
        h.processElement(early, early.eventTimeMillis());
        h.processWatermark(20 * M);
        h.processElement(later, later.eventTimeMillis());
        h.processWatermark(200 * M);
        List<TelemetryWindow> stepByStep = h.extractOutputValues();

        KeyedOneInputStreamOperatorTestHarness<String, ExecutionFact, TelemetryWindow> both =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new ExecutionTelemetry(List.of(
                                new ExecutionTelemetry.WindowLength("1m", 1),
                                new ExecutionTelemetry.WindowLength("5m", 5))),
                        ExecutionFact::scopeKey,
                        Types.STRING);
        both.processElement(later, later.eventTimeMillis());
        both.processElement(early, early.eventTimeMillis());
        both.processWatermark(200 * M);
        assertThat(both.extractOutputValues()).isEqualTo(stepByStep);
        // Each fact: a 1m window and five 5m windows; nothing between them.
        assertThat(stepByStep).hasSize(12);
        assertThat(both.numEventTimeTimers()).isZero();
        assertThat(both.numKeyedStateEntries()).isZero();
    }

    private List<TelemetryWindow> run(List<ExecutionFact> facts) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ExecutionFact, TelemetryWindow> t =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new ExecutionTelemetry(ExecutionTelemetry.DEFAULT_WINDOWS),
                        ExecutionFact::scopeKey,
                        Types.STRING);
        for (ExecutionFact f : facts) {
            t.processElement(f, f.eventTimeMillis());
        }
        t.processWatermark(2 * M);
        return t.extractOutputValues();
    }

    private static TelemetryWindow find(List<TelemetryWindow> out, String size, long end) {
        return out.stream()
                .filter(w -> w.windowSize().equals(size) && w.windowEndMillis() == end)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + size + " window ending at " + end + " in " + out));
    }
}
