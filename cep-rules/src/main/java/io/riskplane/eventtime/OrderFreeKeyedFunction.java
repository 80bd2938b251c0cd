package io.riskplane.eventtime;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A keyed function whose state does not depend on the order its input arrives in (counts, sketches, exact sums,
 * maxima): it takes each event on arrival, with no event-time buffer and no timer per timestamp, and reports from
 * event-time timers of its own. It is as deterministic as {@link EventTimeOrderedFunction}: a report at event time T
 * sees exactly the events at or before T that arrived before the watermark passed T, whatever their order. An event
 * behind the watermark is counted in {@code late_events} and taken on arrival, as there.
 *
 * <p>Savepoints of the buffered form restore: events it still held (its {@code pending-by-event-time} state) are
 * taken when the timer it registered for their time fires.
 */
public abstract class OrderFreeKeyedFunction<K, I, O> extends KeyedProcessFunction<K, I, O> {
    private static final long serialVersionUID = 1L;

    /** The buffered form's state, read only to take what a savepoint of it still held. */
    private final EventTimeBuffer<I> heldBySavepoint;

    private transient Counter lateEvents;

    protected OrderFreeKeyedFunction(TypeInformation<I> inputType) {
        this.heldBySavepoint = new EventTimeBuffer<>("pending-by-event-time", inputType, (a, b) -> 0);
    }

    /** Adds one event to the key's state; {@code ctx} registers the timers that report. */
    protected abstract void add(long timestamp, I event, Context ctx, Collector<O> out) throws Exception;

    protected abstract long timestampOf(I event);

    /** Event time reached a timer registered by {@link #add} or by a report. */
    protected abstract void onEventTime(long timestamp, OnTimerContext ctx, Collector<O> out) throws Exception;

    @Override
    public void open(OpenContext openContext) throws Exception {
        heldBySavepoint.open(getRuntimeContext());
        lateEvents = getRuntimeContext().getMetricGroup().counter("late_events");
    }

    @Override
    public void processElement(I event, Context ctx, Collector<O> out) throws Exception {
        long ts = timestampOf(event);
        if (ts <= ctx.timerService().currentWatermark()) {
            lateEvents.inc();
        }
        add(ts, event, ctx, out);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<O> out) throws Exception {
        for (I held : heldBySavepoint.drain(timestamp)) {
            add(timestamp, held, ctx, out);
        }
        onEventTime(timestamp, ctx, out);
    }

    /** True once a bounded input (a replay) has ended; see {@link EventTimeOrderedFunction#endOfInput}. */
    protected boolean endOfInput(Context ctx) {
        return ctx.timerService().currentWatermark() == Long.MAX_VALUE;
    }
}
