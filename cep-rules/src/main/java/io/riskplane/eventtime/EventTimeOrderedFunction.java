package io.riskplane.eventtime;

import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A keyed function that sees its input in event-time order: all events of one timestamp at once, in a total order,
 * after the watermark has passed them. This is what makes the plane deterministic: what a key computes depends only
 * on the events and their event times, never on how streams interleaved on the wire or on the parallelism.
 *
 * <p>An event that arrives behind the watermark (later than the out-of-orderness bound) is not dropped: it is
 * processed on arrival and counted in the {@code late_events} metric. Determinism holds for input within the bound.
 */
public abstract class EventTimeOrderedFunction<K, I, O> extends KeyedProcessFunction<K, I, O> {
    private static final long serialVersionUID = 1L;

    private final EventTimeBuffer<I> buffer;
    private transient Counter lateEvents;
    private transient boolean processingLate;

    protected EventTimeOrderedFunction(TypeInformation<I> inputType, OrderWithinTimestamp<I> orderWithinTimestamp) {
        this.buffer = new EventTimeBuffer<>("pending-by-event-time", inputType, orderWithinTimestamp);
    }

    /** Called with every event of one key at one event time, sorted; {@code ctx} carries side outputs and state. */
    protected abstract void process(long timestamp, List<I> events, Context ctx, Collector<O> out) throws Exception;

    protected abstract long timestampOf(I event);

    @Override
    public void open(OpenContext openContext) throws Exception {
        buffer.open(getRuntimeContext());
        lateEvents = getRuntimeContext().getMetricGroup().counter("late_events");
    }

    @Override
    public void processElement(I event, Context ctx, Collector<O> out) throws Exception {
        long ts = timestampOf(event);
        if (ts <= ctx.timerService().currentWatermark()) {
            lateEvents.inc();
            processingLate = true;
            try {
                process(ts, List.of(event), ctx, out);
            } finally {
                processingLate = false;
            }
            return;
        }
        buffer.add(ts, event, ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<O> out) throws Exception {
        List<I> events = buffer.drain(timestamp);
        if (!events.isEmpty()) {
            process(timestamp, events, ctx, out);
        }
        onEventTime(timestamp, ctx, out);
    }

    /**
     * Called when event time reaches a timer the subclass registered (for example the end of a window), after the
     * events of that timestamp have been processed. Subclasses that register no timers of their own ignore it.
     */
    protected void onEventTime(long timestamp, OnTimerContext ctx, Collector<O> out) throws Exception {}

    /**
     * True while {@link #process} handles an event that arrived behind the watermark (late), false while it plays
     * events in event-time order: what depends only on event times may use the event's time, what bounds an absurd
     * late event uses the watermark.
     */
    protected boolean processingLate() {
        return processingLate;
    }

    /**
     * True once a bounded input (a replay) has ended: the watermark is at its maximum. Functions that keep a clock
     * ticking without input (rolling windows, silence detection) must stop re-arming then, or they would tick forever.
     */
    protected boolean endOfInput(Context ctx) {
        return ctx.timerService().currentWatermark() == Long.MAX_VALUE;
    }
}
