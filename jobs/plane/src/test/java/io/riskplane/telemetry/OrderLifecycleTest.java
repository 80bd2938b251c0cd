package io.riskplane.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.riskplane.model.BookEvent;
import io.riskplane.model.OrderRecord;
import io.riskplane.model.SignalRecord;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Harness test: an order's transitions and fills become latency, slippage and terminal facts. */
class OrderLifecycleTest {
    KeyedOneInputStreamOperatorTestHarness<String, ExecutionInput, ExecutionFact> h;

    @BeforeEach
    void setUp() throws Exception {
        h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new OrderLifecycle(), ExecutionInput::lifecycleKey, Types.STRING);
    }

    static OrderRecord order(
            String id,
            long t,
            String state,
            double filled,
            long ack,
            String expected,
            String actual,
            String reason,
            String error) {
        return order("o1", id, t, state, filled, ack, expected, actual, reason, error);
    }

    static OrderRecord order(
            String order,
            String id,
            long t,
            String state,
            double filled,
            long ack,
            String expected,
            String actual,
            String reason,
            String error) {
        return new OrderRecord(
                id,
                t,
                order,
                "acme",
                "s1",
                "BTC",
                "coinbase",
                1,
                state,
                2.0,
                filled,
                100.0,
                0,
                0.8,
                expected,
                actual,
                reason,
                error,
                1_000,
                ack,
                false,
                false,
                "lane");
    }

    static void in(KeyedOneInputStreamOperatorTestHarness<String, ExecutionInput, ExecutionFact> h, OrderRecord o)
            throws Exception {
        h.processElement(new ExecutionInput(o, null, null, 0), o.eventTimeMillis());
    }

    @Test
    void buyAboveTheDecisionPriceIsPositiveSlippageAndLatenciesAreFromTheDecision() throws Exception {
        in(h, order("e1", 1_000, "DECIDED", 0, 0, "fix", "fix-backup", "primary down", "ERROR_CATEGORY_UNSPECIFIED"));
        in(h, order("e2", 1_030, "ACKNOWLEDGED", 0, 1_030, "", "", "", "ERROR_CATEGORY_UNSPECIFIED"));
        h.processElement(
                new ExecutionInput(
                        null,
                        BookEvent.fill(
                                "f1",
                                "f1",
                                "o1",
                                "fix-backup",
                                1_250,
                                "acme",
                                "s1",
                                "BTC",
                                "coinbase",
                                1,
                                2.0,
                                100.05,
                                0),
                        null,
                        0),
                1_250);
        in(h, order("e3", 1_251, "FILLED", 2.0, 1_030, "", "", "", "ERROR_CATEGORY_UNSPECIFIED"));
        h.processWatermark(2_000);

        List<ExecutionFact> out = h.extractOutputValues();
        assertThat(out).extracting(ExecutionFact::kind).containsExactly("ack", "fill", "terminal");
        assertThat(out.get(0).latencyMs()).isEqualTo(30); // ack 1030 - decision 1000
        assertThat(out.get(1).slippageBps()).isCloseTo(5.0, within(1e-9)); // (100.05 - 100) / 100 * 1e4
        assertThat(out.get(1).latencyMs()).isEqualTo(250);
        assertThat(out.get(1).adapter()).isEqualTo("fix-backup");
        ExecutionFact terminal = out.get(2);
        assertThat(terminal.quantity()).isEqualTo(2.0);
        assertThat(terminal.filledQuantity()).isEqualTo(2.0);
        assertThat(terminal.fallback()).isTrue();
        assertThat(terminal.fallbackReason()).isEqualTo("primary down");
        assertThat(terminal.rejected()).isFalse();
    }

    @Test
    void sellBelowTheDecisionPriceIsACostAndARejectionCarriesItsCategory() throws Exception {
        OrderRecord decided = new OrderRecord(
                "e1",
                1_000,
                "o1",
                "acme",
                "s1",
                "BTC",
                "coinbase",
                -1,
                "DECIDED",
                1,
                0,
                200,
                0,
                0.5,
                "a",
                "a",
                "",
                "ERROR_CATEGORY_UNSPECIFIED",
                1_000,
                0,
                false,
                false,
                "");
        in(h, decided);
        h.processElement(
                new ExecutionInput(
                        null,
                        BookEvent.fill(
                                "f1", "f1", "o1", "a", 1_100, "acme", "s1", "BTC", "coinbase", -1, 0.5, 199.8, 0),
                        null,
                        0),
                1_100);
        OrderRecord rejected = new OrderRecord(
                "e2",
                1_200,
                "o1",
                "acme",
                "s1",
                "BTC",
                "coinbase",
                -1,
                "REJECTED",
                1,
                0.5,
                0,
                0,
                0,
                "",
                "",
                "",
                "VENUE_REJECT",
                0,
                0,
                false,
                false,
                "");
        in(h, rejected);
        h.processWatermark(2_000);
        List<ExecutionFact> out = h.extractOutputValues();
        assertThat(out.get(0).slippageBps()).isCloseTo(10.0, within(1e-9)); // -1 * (199.8 - 200) / 200 * 1e4
        assertThat(out.get(1).rejected()).isTrue();
        assertThat(out.get(1).errorCategory()).isEqualTo("VENUE_REJECT");
        assertThat(out.get(1).fallback()).isFalse();
    }

    @Test
    void aFillOfAnUnknownOrderHasNoSlippageAndSignalsPassThroughWithTheirLag() throws Exception {
        h.processElement(
                new ExecutionInput(
                        null,
                        BookEvent.fill("f9", "f9", "o9", "x", 1_000, "acme", "s1", "BTC", "coinbase", 1, 1, 100, 0),
                        null,
                        1_020),
                1_000);
        h.processElement(
                new ExecutionInput(
                        null, null, new SignalRecord("s1", 1_500, "feed", 7, 1_460, 0.7, "BTC", "s1", "lane"), 0),
                1_500);
        h.processWatermark(2_000);
        List<ExecutionFact> out = h.extractOutputValues();
        assertThat(out.get(0).slippageBps()).isNaN();
        assertThat(out.get(0).ingestLatencyMs()).isEqualTo(20);
        assertThat(out.get(1).kind()).isEqualTo(ExecutionFact.SIGNAL);
        assertThat(out.get(1).latencyMs()).isEqualTo(40); // published 1500, generated 1460
    }

    /**
     * A fill reported after its order's terminal state, within the hour the order is kept, is measured against the
     * decision as before it; the hour after the terminal state the order's state and timers are gone.
     */
    @Test
    void aLateFillIsMeasuredAgainstTheDecisionAndTheOrderIsForgottenAnHourAfterItsEnd() throws Exception {
        in(h, order("e1", 1_000, "DECIDED", 0, 0, "fix", "fix", "", "ERROR_CATEGORY_UNSPECIFIED"));
        in(h, order("e2", 1_100, "FILLED", 2.0, 1_050, "", "", "", "ERROR_CATEGORY_UNSPECIFIED"));
        h.processWatermark(2_000);
        assertThat(h.numKeyedStateEntries()).as("the terminal order, one value").isEqualTo(1);
        h.processElement(
                new ExecutionInput(
                        null,
                        BookEvent.fill(
                                "f1", "f1", "o1", "fix", 600_000, "acme", "s1", "BTC", "coinbase", 1, 2.0, 101.0, 0),
                        null,
                        0),
                600_000);
        h.processWatermark(700_000);
        List<ExecutionFact> out = h.extractOutputValues();
        assertThat(out).extracting(ExecutionFact::kind).containsExactly("ack", "terminal", "fill");
        ExecutionFact fill = out.get(2);
        assertThat(fill.slippageBps()).isCloseTo(100.0, within(1e-9)); // (101 - 100) / 100 * 1e4
        assertThat(fill.latencyMs()).isEqualTo(599_000); // 600,000 - decision 1,000
        assertThat(fill.adapter()).isEqualTo("fix");
        assertThat(fill.confidence()).isEqualTo(0.8);
        assertThat(fill.org()).isEqualTo("acme");
        assertThat(fill.venue()).isEqualTo("coinbase");

        h.processWatermark(1_100 + OrderLifecycle.RETAIN_AFTER_TERMINAL_MS);
        assertThat(h.numKeyedStateEntries()).as("state cleaned up").isZero();
        assertThat(h.numEventTimeTimers()).as("timers cleaned up").isZero();
    }

    /**
     * An order restored from a savepoint of the jobs before 2026-12-06 (session 4), which kept it in four values
     * (order, acked, terminal, forget-at), is read from them: a late fill is measured against its decision, and it
     * is forgotten at its forget time.
     */
    @Test
    void anOrderKeptInTheFourValuesOfOlderJobsIsRestored() throws Exception {
        OrderRecord filled = order("e2", 1_100, "FILLED", 2.0, 1_050, "fix", "fix", "", "ERROR_CATEGORY_UNSPECIFIED");
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState old;
        try (KeyedOneInputStreamOperatorTestHarness<String, ExecutionInput, ExecutionFact> before =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new FourValues(), ExecutionInput::lifecycleKey, Types.STRING)) {
            before.processElement(new ExecutionInput(filled, null, null, 0), 1_100);
            old = before.snapshot(1, 1);
        }
        KeyedOneInputStreamOperatorTestHarness<String, ExecutionInput, ExecutionFact> after =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new org.apache.flink.streaming.api.operators.KeyedProcessOperator<>(new OrderLifecycle()),
                        ExecutionInput::lifecycleKey,
                        Types.STRING);
        after.initializeState(old);
        after.open();
        after.processElement(
                new ExecutionInput(
                        null,
                        BookEvent.fill(
                                "f1", "f1", "o1", "fix", 5_000, "acme", "s1", "BTC", "coinbase", 1, 2.0, 99.0, 0),
                        null,
                        0),
                5_000);
        after.processWatermark(6_000);
        List<ExecutionFact> out = after.extractOutputValues();
        assertThat(out).extracting(ExecutionFact::kind).containsExactly("fill");
        assertThat(out.get(0).slippageBps()).isCloseTo(-100.0, within(1e-9)); // (99 - 100) / 100 * 1e4
        assertThat(out.get(0).latencyMs()).isEqualTo(4_000);
        assertThat(after.numKeyedStateEntries()).as("moved to the one value").isEqualTo(1);
        after.processWatermark(1_100 + OrderLifecycle.RETAIN_AFTER_TERMINAL_MS);
        assertThat(after.numKeyedStateEntries()).isZero();
        assertThat(after.numEventTimeTimers()).isZero();
        after.close();
    }

    /** How jobs before 2026-12-06 (session 4) kept a terminal order: four values and a forget timer. */
    static final class FourValues
            extends org.apache.flink.streaming.api.functions.KeyedProcessFunction<
                    String, ExecutionInput, ExecutionFact> {
        @Override
        public void processElement(ExecutionInput in, Context ctx, org.apache.flink.util.Collector<ExecutionFact> out)
                throws Exception {
            var rc = getRuntimeContext();
            rc.getState(new org.apache.flink.api.common.state.ValueStateDescriptor<>(
                            "order", org.apache.flink.api.common.typeinfo.TypeInformation.of(OrderRecord.class)))
                    .update(in.order());
            rc.getState(new org.apache.flink.api.common.state.ValueStateDescriptor<>("acked", Types.BOOLEAN))
                    .update(true);
            rc.getState(new org.apache.flink.api.common.state.ValueStateDescriptor<>("terminal", Types.BOOLEAN))
                    .update(true);
            long forgetAt = in.order().eventTimeMillis() + OrderLifecycle.RETAIN_AFTER_TERMINAL_MS;
            rc.getState(new org.apache.flink.api.common.state.ValueStateDescriptor<>("forget-at", Types.LONG))
                    .update(forgetAt);
            ctx.timerService().registerEventTimeTimer(forgetAt);
        }
    }
}
