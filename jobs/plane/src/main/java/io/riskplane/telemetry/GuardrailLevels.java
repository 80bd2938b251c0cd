package io.riskplane.telemetry;

import io.riskplane.guardrails.EarlyOrderRateGuard.ArrivedOrder;
import io.riskplane.guardrails.GuardrailInput;
import io.riskplane.model.Decoded;
import io.riskplane.model.OrderRecord;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Turns new orders and fills into guardrail inputs at each level of the hierarchy: a new order counts for its org,
 * its strategy and its instrument; the per-order caps (spread cross, adverse selection) apply at the instrument
 * level, the narrowest scope that can be cooled down without stopping unrelated trading.
 */
public final class GuardrailLevels {
    private GuardrailLevels() {}

    /** A new order is its SUBMITTED transition: the moment it goes to market. */
    public static final class Orders implements FlatMapFunction<OrderRecord, GuardrailInput> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(OrderRecord o, Collector<GuardrailInput> out) {
            if (!"SUBMITTED".equals(o.state()) || o.exit() || o.reduceOnly()) {
                return;
            }
            out.collect(new GuardrailInput(
                    GuardrailInput.ORDER,
                    GuardrailInput.ORG,
                    o.org(),
                    "",
                    "",
                    o.eventId(),
                    o.eventTimeMillis(),
                    Double.NaN,
                    Double.NaN));
            out.collect(new GuardrailInput(
                    GuardrailInput.ORDER,
                    GuardrailInput.STRATEGY,
                    o.org(),
                    o.strategy(),
                    "",
                    o.eventId(),
                    o.eventTimeMillis(),
                    Double.NaN,
                    Double.NaN));
            out.collect(new GuardrailInput(
                    GuardrailInput.ORDER,
                    GuardrailInput.INSTRUMENT,
                    o.org(),
                    o.strategy(),
                    o.instrument(),
                    o.eventId(),
                    o.eventTimeMillis(),
                    spreadCrossBps(o),
                    Double.NaN));
        }
    }

    /** Fills as the order lifecycle measured them: slippage against the decision price, positive when adverse. */
    public static final class Fills implements FlatMapFunction<ExecutionFact, GuardrailInput> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(ExecutionFact f, Collector<GuardrailInput> out) {
            if (!ExecutionFact.FILL.equals(f.kind()) || Double.isNaN(f.slippageBps())) {
                return;
            }
            out.collect(new GuardrailInput(
                    GuardrailInput.FILL,
                    GuardrailInput.INSTRUMENT,
                    f.org(),
                    f.strategy(),
                    f.instrument(),
                    f.eventId(),
                    f.eventTimeMillis(),
                    Double.NaN,
                    f.slippageBps()));
        }
    }

    /**
     * How far the limit price reaches through the decision price, in bps, positive when the order is willing to pay
     * more (buy) or take less (sell) than the price it decided on. NaN for market orders and unknown prices.
     */
    static double spreadCrossBps(OrderRecord o) {
        if (o.limitPrice() <= 0 || o.decisionPrice() <= 0) {
            return Double.NaN;
        }
        return o.side() * (o.limitPrice() - o.decisionPrice()) / o.decisionPrice() * 10_000.0;
    }

    /** New orders from the decoded input, at each guardrail level, tagged with their partition. */
    public static final class Arrivals implements FlatMapFunction<Decoded, ArrivedOrder> {
        private static final long serialVersionUID = 1L;
        private final GuardrailLevels.Orders levels = new Orders();

        @Override
        public void flatMap(Decoded d, Collector<ArrivedOrder> out) {
            if (d.order() == null) {
                return;
            }
            String partition = d.topic() + "/" + d.partition();
            levels.flatMap(d.order(), new Collector<>() {
                @Override
                public void collect(GuardrailInput in) {
                    out.collect(new ArrivedOrder(partition, in));
                }

                @Override
                public void close() {}
            });
        }
    }
}
