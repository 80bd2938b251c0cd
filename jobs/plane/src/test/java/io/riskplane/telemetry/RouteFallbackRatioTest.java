package io.riskplane.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.ConditionSample;
import io.riskplane.model.OrderRecord;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The share of a route's orders carried by another adapter over 5 minutes, each order once. */
class RouteFallbackRatioTest {
    static OrderRecord terminal(String id, long at, String actual, String reason) {
        return new OrderRecord(
                "e-" + id + "-" + at,
                at,
                id,
                "acme",
                "s",
                "ETH",
                "kraken",
                1,
                "FILLED",
                1,
                1,
                100,
                100,
                0.5,
                "kraken-rest",
                actual,
                reason,
                "",
                0,
                0,
                false,
                false,
                "");
    }

    @Test
    void ratioOverFiveMinutesCountingEachOrderOnce() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, OrderRecord, ConditionSample> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new RouteFallbackRatio(), OrderRecord::expectedAdapter, Types.STRING);
        h.processElement(terminal("o1", 10_000, "kraken-backup", "down"), 10_000);
        h.processElement(terminal("o2", 20_000, "kraken-backup", ""), 20_000);
        h.processElement(terminal("o3", 30_000, "kraken-rest", ""), 30_000);
        h.processElement(terminal("o4", 70_000, "", ""), 70_000);
        h.processElement(terminal("o1", 80_000, "kraken-backup", "down"), 80_000); // repeated terminal: once only
        h.processWatermark(400_000);
        List<ConditionSample> out = h.extractOutputValues();
        // Minute ends 60 s .. 300 s hold minute 0 (2 of 3) and from 120 s minute 1 (0 of 1); at 360 s the window
        // (60 s, 360 s] has lost minute 0.
        assertThat(out)
                .extracting(ConditionSample::atMillis)
                .containsExactly(60_000L, 120_000L, 180_000L, 240_000L, 300_000L, 360_000L);
        assertThat(out).extracting(ConditionSample::samples).containsExactly(3L, 4L, 4L, 4L, 4L, 1L);
        assertThat(out.get(0).value()).isEqualTo(2.0 / 3);
        assertThat(out.get(1).value()).isEqualTo(0.5);
        assertThat(out.get(5).value()).isEqualTo(0.0);
        assertThat(out.get(0).detail()).isEqualTo("down=1,unspecified=1");
        assertThat(out.get(0).adapter()).isEqualTo("kraken-rest");
    }
}
