package io.riskplane.slo;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.eventtime.EventTimeOrderedFunction;
import io.riskplane.model.SloMeasurement;
import io.riskplane.telemetry.ExecutionFact;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** Harness test of the per-adapter good/bad counts: windows counted by hand, arrival order, state and restore. */
class ErrorBudgetBurnTest {
    static final long M = 60_000;

    static ExecutionFact terminal(String id, long t, boolean bad) {
        return terminal("fix", id, t, bad);
    }

    static ExecutionFact terminal(String adapter, String id, long t, boolean bad) {
        return new ExecutionFact(
                ExecutionFact.TERMINAL,
                ExecutionFact.ADAPTER,
                id,
                t,
                "",
                "",
                "",
                "",
                adapter,
                "",
                1,
                bad ? 0 : 1,
                Double.NaN,
                Double.NaN,
                0.5,
                bad,
                "",
                false,
                "",
                Double.NaN);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, ExecutionFact, SloMeasurement> harness(
            org.apache.flink.streaming.api.functions.KeyedProcessFunction<String, ExecutionFact, SloMeasurement> f)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ExecutionFact, SloMeasurement> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(f), ExecutionFact::adapter, Types.STRING);
        return h;
    }

    @Test
    void countsEachWindowAtEveryMinuteEndAndForgetsAfterTheLongest() throws Exception {
        var h = harness(new ErrorBudgetBurn());
        h.open();
        h.processElement(terminal("a", 10_000, false), 10_000);
        h.processElement(terminal("b", 20_000, true), 20_000);
        h.processElement(terminal("c", 10 * M + 1, true), 10 * M + 1);
        h.processWatermark(11 * M);
        List<SloMeasurement> out = h.extractOutputValues();
        SloMeasurement atMinute1 = out.get(0);
        assertThat(atMinute1.measuredAtMillis()).isEqualTo(M);
        assertThat(atMinute1.values())
                .containsEntry("total_5m", 2.0)
                .containsEntry("bad_5m", 1.0)
                .containsEntry("total_6h", 2.0)
                .containsEntry("bad_6h", 1.0);
        SloMeasurement atMinute11 = out.get(out.size() - 1);
        assertThat(atMinute11.measuredAtMillis()).isEqualTo(11 * M);
        // Minute 10 alone in the 5m window; all three in 30m.
        assertThat(atMinute11.values())
                .containsEntry("total_5m", 1.0)
                .containsEntry("bad_5m", 1.0)
                .containsEntry("total_30m", 3.0)
                .containsEntry("bad_30m", 2.0);
        assertThat(out).extracting(SloMeasurement::measuredAtMillis).doesNotHaveDuplicates();

        // Quiet for longer than the 6 h window: no state, no timer left.
        h.processWatermark(10 * M + 360 * M + M);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void theArrivalOrderChangesNothingAndHoldsNothingPerFact() throws Exception {
        List<ExecutionFact> facts = new ArrayList<>();
        Random r = new Random(3);
        for (int i = 0; i < 200; i++) {
            long t = r.nextInt((int) (20 * M));
            facts.add(terminal("o" + i, t, r.nextInt(4) == 0));
        }
        List<SloMeasurement> first = null;
        for (int round = 0; round < 3; round++) {
            Collections.shuffle(facts, r);
            var h = harness(new ErrorBudgetBurn());
            h.open();
            for (ExecutionFact f : facts) {
                h.processElement(f, f.eventTimeMillis());
            }
            // One count pair and one timer per minute with facts, not one per fact or per distinct time.
            long minutes =
                    facts.stream().map(f -> f.eventTimeMillis() / M).distinct().count();
            assertThat(h.numEventTimeTimers()).isEqualTo((int) minutes);
            h.processWatermark(30 * M);
            List<SloMeasurement> out = h.extractOutputValues();
            if (first == null) {
                first = out;
                long bad = facts.stream().filter(ExecutionFact::rejected).count();
                assertThat(out.get(out.size() - 1).values())
                        .containsEntry("total_6h", 200.0)
                        .containsEntry("bad_6h", (double) bad);
            } else {
                assertThat(out).usingRecursiveFieldByFieldElementComparator().isEqualTo(first);
            }
        }
    }

    /** The buffered form of before: it held each fact in "pending-by-event-time" until the watermark passed it. */
    static final class BufferedForm extends EventTimeOrderedFunction<String, ExecutionFact, SloMeasurement> {
        BufferedForm() {
            super(TypeInformation.of(ExecutionFact.class), (a, b) -> a.eventId().compareTo(b.eventId()));
        }

        @Override
        protected void process(long ts, List<ExecutionFact> events, Context ctx, Collector<SloMeasurement> out) {}

        @Override
        protected long timestampOf(ExecutionFact event) {
            return event.eventTimeMillis();
        }
    }

    @Test
    void factsASavepointOfTheBufferedFormStillHeldAreCounted() throws Exception {
        var old = harness(new BufferedForm());
        old.open();
        old.processElement(terminal("a", 10_000, true), 10_000);
        old.processElement(terminal("b", 70_000, false), 70_000);
        OperatorSubtaskState snapshot = old.snapshot(1, 1);
        old.close();

        var h = harness(new ErrorBudgetBurn());
        h.initializeState(snapshot);
        h.open();
        h.processWatermark(2 * M);
        List<SloMeasurement> out = h.extractOutputValues();
        assertThat(out).extracting(SloMeasurement::measuredAtMillis).containsExactly(M, 2 * M);
        assertThat(out.get(1).values()).containsEntry("total_5m", 2.0).containsEntry("bad_5m", 1.0);
    }
}
