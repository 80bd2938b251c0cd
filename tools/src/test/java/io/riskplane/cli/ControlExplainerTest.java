package io.riskplane.cli;

import static io.riskplane.rules.ControlEvents.metric;
import static io.riskplane.rules.ControlEvents.threshold;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import io.riskplane.v1.Evidence;
import org.junit.jupiter.api.Test;

/** How `riskplane explain` pairs each threshold with the metric it limits, quotes SQL values and prints numbers. */
class ControlExplainerTest {
    @Test
    void eachThresholdMeetsTheMetricItLimits() {
        // As GuardrailRule writes them: the measured value and its limit first, by unit.
        JsonNode guardrail = ControlExplainer.thresholds(Evidence.newBuilder()
                .addMetrics(metric("order_rate", 41, "orders"))
                .addMetrics(metric("trips_in_window", 3, "count"))
                .addMetrics(metric("cooldown_s", 60, "s"))
                .addThresholds(threshold("max_orders_strategy", 40, "orders", ">"))
                .addThresholds(threshold("kill_trips", 3, "count", ">="))
                .addThresholds(threshold("trip_window_s", 600, "s", "within"))
                .build());
        assertThat(guardrail.get(0).path("metric").asText()).isEqualTo("order_rate");
        assertThat(guardrail.get(0).path("holds").asBoolean()).isTrue();
        assertThat(guardrail.get(1).path("metric").asText()).isEqualTo("trips_in_window");
        assertThat(guardrail.get(1).path("holds").asBoolean()).isTrue();
        assertThat(guardrail.get(2).has("metric")).as("no metric of its own").isFalse();

        // signal.lag.halt-lanes: signal_lag_max_s limits signal_lag_s, signal_lag_for_s the run's length.
        JsonNode lag = ControlExplainer.thresholds(Evidence.newBuilder()
                .addMetrics(metric("signal_lag_s", 95.5, "s"))
                .addMetrics(metric("samples", 1, "count"))
                .addMetrics(metric("breach_lasted_s", 31, "s"))
                .addThresholds(threshold("signal_lag_max_s", 60, "s", ">"))
                .addThresholds(threshold("signal_lag_for_s", 30, "s", ">="))
                .build());
        assertThat(lag.get(0).path("metric").asText()).isEqualTo("signal_lag_s");
        assertThat(lag.get(1).path("metric").asText()).isEqualTo("breach_lasted_s");
        assertThat(lag.get(1).path("holds").asBoolean()).isTrue();

        // A daily loss limit is met by the negated daily PnL; a first metric of another unit is not its measure.
        JsonNode pnl = ControlExplainer.thresholds(Evidence.newBuilder()
                .addMetrics(metric("samples", 12, "count"))
                .addMetrics(metric("daily_pnl", -1200, "USD"))
                .addThresholds(threshold("quote_freshness_ms", 10_000, "ms", ">"))
                .addThresholds(threshold("max_daily_loss", 1000, "USD", ">="))
                .build());
        assertThat(pnl.get(0).has("metric")).isFalse();
        assertThat(pnl.get(1).path("metric").asText()).isEqualTo("-daily_pnl");
        assertThat(pnl.get(1).path("value").asDouble()).isEqualTo(1200);
        assertThat(pnl.get(1).path("holds").asBoolean()).isTrue();
    }

    @Test
    void quotesValuesAndValidatesIds() {
        assertThat(ControlExplainer.quote("a'b\\c\nd\u0001")).isEqualTo("'a\\'b\\\\c\\nd\\x01'");
        assertThat(ControlExplainer.CONTROL_ID
                        .matcher("ctl-d56198bd3eab290935ed4d93d4ebb3ca")
                        .matches())
                .isTrue();
        assertThat(ControlExplainer.CONTROL_ID.matcher("ctl-1' OR '1'='1").matches())
                .isFalse();
        assertThat(ControlExplainer.CONTROL_ID.matcher("").matches()).isFalse();
        assertThat(ControlExplainer.CONTROL_ID.matcher("x".repeat(201)).matches())
                .isFalse();
    }

    @Test
    void numbersArePlain() {
        assertThat(ExplainCommand.number(new DoubleNode(26000.0))).isEqualTo("26000");
        assertThat(ExplainCommand.number(new DoubleNode(0.013))).isEqualTo("0.013");
        assertThat(ExplainCommand.number(new DoubleNode(1.5e9))).isEqualTo("1500000000");
    }
}
