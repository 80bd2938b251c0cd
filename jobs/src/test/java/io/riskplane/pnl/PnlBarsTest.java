package io.riskplane.pnl;

import static io.riskplane.pnl.PnlBarBuilderTest.T0;
import static io.riskplane.pnl.PnlBarBuilderTest.snap;
import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.PnlBar;
import io.riskplane.model.PnlSnapshot;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The keyed host of the bar builder: one timer per scope, bars closed by the watermark, fills told from marks. */
class PnlBarsTest {
    @Test
    void barsCloseOnTheWatermarkAndFillsAreRowsOfTheirOwn() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, PnlSnapshot, PnlBar> h = ProcessFunctionTestHarnesses
                .forKeyedProcessFunction(new PnlBars(), PnlSnapshot::scopeKey, Types.STRING);
        // First snapshot of the scope: a fill. Then two marks (realized and fees unchanged), then a fill that
        // realizes PnL in the same second, and a mark of the next second.
        h.processElement(snap(T0 + 100, 10, 10, 0, 1, "f1"), T0 + 100);
        h.processElement(snap(T0 + 300, 6, 10, 0, 1, "q1"), T0 + 300);
        h.processElement(snap(T0 + 600, 8, 10, 0, 1, "q2"), T0 + 600);
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        h.processElement(snap(T0 + 800, 8, 10, 5, 1, "f2"), T0 + 800);
        assertThat(rows(h)).extracting(r -> r.fillRow() + "@" + (r.eventTimeMillis() - T0))
                .containsExactly("true@100", "true@800");

        h.processWatermark(T0 + 998);
        assertThat(rows(h)).hasSize(2);
        h.processWatermark(T0 + 999);
        List<PnlBar> rows = rows(h);
        assertThat(rows).hasSize(3);
        PnlBar bar = rows.get(2);
        assertThat(bar.fillRow()).isFalse();
        assertThat(List.of(bar.openEquity(), bar.highEquity(), bar.lowEquity(), bar.closeEquity()))
                .containsExactly(10.0, 10.0, 6.0, 8.0);
        assertThat(bar.maxDrawdown()).isEqualTo(4.0);
        assertThat(bar.snapshotCount()).isEqualTo(4);
        assertThat(h.numEventTimeTimers()).isZero();

        h.processElement(snap(T0 + 1200, 7, 10, 5, 1, "q3"), T0 + 1200);
        h.processElement(snap(T0 + 2200, 9, 10, 5, 1, "q4"), T0 + 2200);
        // The second snapshot closed the bar of T0 + 1000 itself; one timer is left, for T0 + 2000.
        assertThat(rows(h)).hasSize(4);
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        h.processWatermark(Long.MAX_VALUE);
        assertThat(rows(h)).extracting(r -> r.barStartMillis() - T0).containsExactly(0L, 0L, 0L, 1000L, 2000L);
        assertThat(h.numEventTimeTimers()).isZero();
    }

    private static List<PnlBar> rows(KeyedOneInputStreamOperatorTestHarness<String, PnlSnapshot, PnlBar> h) {
        return h.extractOutputValues();
    }
}
