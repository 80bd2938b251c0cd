package io.riskplane.pnl;

import io.riskplane.model.PnlBar;
import io.riskplane.model.PnlSnapshot;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The stored form of the PnL snapshots (keyed by {@link PnlSnapshot#scopeKey()}): a {@link PnlBarBuilder} per scope,
 * with one event-time timer at the end of the open bar. The snapshots reach it in event-time order per scope: each
 * scope's drawdown tracker emits them in that order and one channel keeps it.
 *
 * <p>A snapshot is taken as a fill's when the scope's realized PnL or fees moved, or when it is the scope's first
 * (a scope's first snapshot always comes from its first fill): a mark moves only the unrealized PnL. This misses a
 * fill with no fee that opens or adds to a position, whose snapshot is still in its second's bar; the fused PnL
 * host, which sees the fills themselves, passes the exact flag to the builder instead.
 */
public class PnlBars extends KeyedProcessFunction<String, PnlSnapshot, PnlBar> {
    private static final long serialVersionUID = 1L;

    /** The builder's state and the scope's latest realized PnL and fees (to tell fills from marks). */
    public record State(PnlBarBuilder.State bars, double realizedPnl, double fees) {}

    private transient ValueState<State> state;

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("pnl-bars", TypeInformation.of(State.class)));
    }

    @Override
    public void processElement(PnlSnapshot s, Context ctx, Collector<PnlBar> out) throws Exception {
        State before = state.value();
        PnlBarBuilder builder = new PnlBarBuilder(before == null ? null : before.bars());
        Optional<Long> endBefore = builder.openBarEndMillis();
        boolean fromFill = before == null || s.realizedPnl() != before.realizedPnl() || s.fees() != before.fees();
        for (PnlBar row : builder.add(s, fromFill)) {
            out.collect(row);
        }
        rearm(endBefore, builder, ctx);
        state.update(new State(builder.state(), s.realizedPnl(), s.fees()));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PnlBar> out) throws Exception {
        State before = state.value();
        if (before == null) {
            return;
        }
        PnlBarBuilder builder = new PnlBarBuilder(before.bars());
        Optional<Long> endBefore = builder.openBarEndMillis();
        builder.closeBefore(timestamp + 1).ifPresent(out::collect);
        rearm(endBefore, builder, ctx);
        state.update(new State(builder.state(), before.realizedPnl(), before.fees()));
    }

    /** One timer per scope: at the last millisecond of the open bar, so it fires once event time has passed it. */
    private static void rearm(Optional<Long> endBefore, PnlBarBuilder builder, Context ctx) {
        Optional<Long> end = builder.openBarEndMillis();
        if (end.equals(endBefore)) {
            return;
        }
        endBefore.ifPresent(e -> ctx.timerService().deleteEventTimeTimer(e - 1));
        end.ifPresent(e -> ctx.timerService().registerEventTimeTimer(e - 1));
    }
}
