package io.riskplane.slo;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.SloMeasurement;
import io.riskplane.telemetry.ExecutionFact;
import io.riskplane.testing.SnapshotRestore;
import io.riskplane.testing.SnapshotRestore.Step;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Snapshot/restore of ErrorBudgetBurn against the uninterrupted run, two adapters, facts ahead of and behind the
 * watermark (its quiet-adapter cleanup is ErrorBudgetBurnTest's; checked here after a restore too).
 */
class ErrorBudgetBurnHarnessTest {
    static final long M = 60_000;

    private interface S extends Step<KeyedOneInputStreamOperatorTestHarness<String, ExecutionFact, SloMeasurement>> {}

    static KeyedOneInputStreamOperatorTestHarness<String, ExecutionFact, SloMeasurement> harness() throws Exception {
        return ErrorBudgetBurnTest.harness(new ErrorBudgetBurn());
    }

    static S terminal(String adapter, String id, long t, boolean bad) {
        ExecutionFact f = ErrorBudgetBurnTest.terminal(adapter, id, t, bad);
        return h -> h.processElement(f, t);
    }

    static S wm(long t) {
        return (S & SnapshotRestore.Rewatermark) h -> h.processWatermark(t);
    }

    static List<S> input() {
        List<S> steps = new ArrayList<>();
        steps.add(terminal("fix", "a", 10_000, false));
        steps.add(terminal("fix", "b", 20_000, true));
        steps.add(terminal("rest", "r1", 30_000, true));
        steps.add(wm(M));
        steps.add(terminal("fix", "c", 2 * M + 1, true));
        steps.add(terminal("fix", "late", 50_000, true)); // behind the watermark: counted in minute 0
        steps.add(wm(3 * M));
        steps.add(terminal("rest", "r2", 10 * M + 1, false));
        steps.add(wm(11 * M));
        return steps;
    }

    @Test
    void aSnapshotAnywhereRestoresToTheUninterruptedOutputs() throws Exception {
        List<Object> out = SnapshotRestore.assertSameAtEveryCut(
                ErrorBudgetBurnHarnessTest::harness, input(), SnapshotRestore.mainOutput());
        SloMeasurement fixAt3 = out.stream()
                .map(SloMeasurement.class::cast)
                .filter(m -> m.adapter().equals("fix") && m.measuredAtMillis() == 3 * M)
                .findFirst()
                .orElseThrow();
        assertThat(fixAt3.values()).containsEntry("total_5m", 4.0).containsEntry("bad_5m", 3.0);
    }

    @Test
    void quietAdaptersAreForgottenAfterARestoreToo() throws Exception {
        var r = SnapshotRestore.restoredAfter(
                ErrorBudgetBurnHarnessTest::harness, input(), 7, 1L, SnapshotRestore.mainOutput());
        var h = r.harness();
        h.processWatermark(10 * M + 360 * M + M);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numProcessingTimeTimers()).isZero();
        h.close();
    }
}
