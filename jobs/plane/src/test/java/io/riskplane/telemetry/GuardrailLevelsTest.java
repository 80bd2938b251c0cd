package io.riskplane.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.guardrails.GuardrailInput;
import io.riskplane.model.OrderRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guardrail levels an order counts at. */
class GuardrailLevelsTest {
    @Test
    void exitsAndReduceOnlyOrdersNeverTrip() {
        List<GuardrailInput> out = new ArrayList<>();
        var collector = new org.apache.flink.api.common.functions.util.ListCollector<>(out);
        var levels = new GuardrailLevels.Orders();
        levels.flatMap(order("SUBMITTED", true, false), collector);
        levels.flatMap(order("SUBMITTED", false, true), collector);
        levels.flatMap(order("ACKNOWLEDGED", false, false), collector);
        assertThat(out).isEmpty();
        levels.flatMap(order("SUBMITTED", false, false), collector);
        assertThat(out).extracting(GuardrailInput::level).containsExactly("org", "strategy", "instrument");
        // Buy limit 101 against a decision at 100: 100 bps through.
        assertThat(out.get(2).spreadCrossBps()).isEqualTo(100.0);
    }

    static OrderRecord order(String state, boolean exit, boolean reduceOnly) {
        return new OrderRecord(
                "e",
                1,
                "o",
                "acme",
                "momo",
                "BTC",
                "cb",
                1,
                state,
                1,
                0,
                100,
                101,
                0.5,
                "a",
                "a",
                "",
                "",
                0,
                0,
                reduceOnly,
                exit,
                "");
    }
}
