package io.riskplane.slo;

import io.riskplane.contract.DeterministicId;
import io.riskplane.eventtime.EventTimeOrderedFunction;
import io.riskplane.eventtime.EventTimeTicks;
import io.riskplane.model.BookEvent;
import io.riskplane.model.SloMeasurement;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * Age of the last quote of one instrument on one venue (the key), measured on a fixed event-time tick. The tick
 * keeps firing when quotes stop: silence itself grows the age, so a feed that goes quiet breaches (fail closed). The
 * tick is bounded ({@link EventTimeTicks}): it starts at the watermark, skips what lies beyond its catch-up bound, and
 * a key quiet past the expiry has its last measurement and its state cleared ({@code quiet_keys_expired}).
 */
public class QuoteFreshness extends EventTimeOrderedFunction<String, BookEvent, SloMeasurement> {
    private static final long serialVersionUID = 1L;

    private final EventTimeTicks ticks;
    private transient ValueState<BookEvent> lastQuote;
    private transient ValueState<Long> nextTick;
    private transient ValueState<Long> ticksSinceQuote;
    private transient Counter quietKeysExpired;

    public QuoteFreshness(long tickMillis) {
        this(EventTimeTicks.every(tickMillis));
    }

    public QuoteFreshness(EventTimeTicks ticks) {
        super(TypeInformation.of(BookEvent.class), (a, b) -> a.eventId().compareTo(b.eventId()));
        this.ticks = ticks;
    }

    public static String key(BookEvent quote) {
        return quote.venue() + "|" + quote.instrument();
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        lastQuote = getRuntimeContext().getState(new ValueStateDescriptor<>("last-quote",
                TypeInformation.of(BookEvent.class)));
        nextTick = getRuntimeContext().getState(new ValueStateDescriptor<>("next-tick", Types.LONG));
        ticksSinceQuote = getRuntimeContext().getState(new ValueStateDescriptor<>("ticks-since-quote", Types.LONG));
        quietKeysExpired = getRuntimeContext().getMetricGroup().counter("quiet_keys_expired");
    }

    @Override
    protected long timestampOf(BookEvent e) {
        return e.eventTimeMillis();
    }

    @Override
    protected void process(long ts, List<BookEvent> quotes, Context ctx, Collector<SloMeasurement> out)
            throws Exception {
        lastQuote.update(quotes.get(quotes.size() - 1));
        ticksSinceQuote.clear();
        if (nextTick.value() == null) {
            long tick = ticks.first(ts, ctx.timerService().currentWatermark());
            nextTick.update(tick);
            ctx.timerService().registerEventTimeTimer(tick);
        }
    }

    @Override
    protected void onEventTime(long timestamp, OnTimerContext ctx, Collector<SloMeasurement> out) throws Exception {
        Long tick = nextTick.value();
        if (tick == null || timestamp != tick) {
            return;
        }
        BookEvent q = lastQuote.value();
        double age = timestamp - q.eventTimeMillis();
        String scope = String.join("|", SloMeasurement.QUOTE_FRESHNESS, q.venue(), q.instrument());
        out.collect(new SloMeasurement(DeterministicId.of("slo-", scope, timestamp), SloMeasurement.QUOTE_FRESHNESS,
                SloMeasurement.VENUE_INSTRUMENT, q.venue(), q.instrument(), "", timestamp, q.eventTimeMillis(), age, 1,
                Map.of(), new String[] {q.eventId()}));
        if (endOfInput(ctx)) {
            nextTick.clear();
            return;
        }
        Long judged = ticksSinceQuote.value();
        long sinceQuote = judged == null ? 1 : judged + 1;
        if (ticks.expires(timestamp, q.eventTimeMillis(), sinceQuote)) {
            nextTick.clear();
            lastQuote.clear();
            ticksSinceQuote.clear();
            quietKeysExpired.inc();
            return;
        }
        ticksSinceQuote.update(sinceQuote);
        long next = ticks.next(timestamp, ctx.timerService().currentWatermark());
        nextTick.update(next);
        ctx.timerService().registerEventTimeTimer(next);
    }
}
