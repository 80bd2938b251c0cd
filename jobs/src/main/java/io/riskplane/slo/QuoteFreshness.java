package io.riskplane.slo;

import io.riskplane.contract.DeterministicId;
import io.riskplane.eventtime.EventTimeOrderedFunction;
import io.riskplane.model.BookEvent;
import io.riskplane.model.SloMeasurement;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * Age of the last quote of one instrument on one venue (the key), measured on a fixed event-time tick. The tick
 * keeps firing when quotes stop: silence itself grows the age, so a feed that goes quiet breaches (fail closed).
 */
public class QuoteFreshness extends EventTimeOrderedFunction<String, BookEvent, SloMeasurement> {
    private static final long serialVersionUID = 1L;

    private final long tickMillis;
    private transient ValueState<BookEvent> lastQuote;
    private transient ValueState<Long> nextTick;

    public QuoteFreshness(long tickMillis) {
        super(TypeInformation.of(BookEvent.class), (a, b) -> a.eventId().compareTo(b.eventId()));
        this.tickMillis = tickMillis;
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
    }

    @Override
    protected long timestampOf(BookEvent e) {
        return e.eventTimeMillis();
    }

    @Override
    protected void process(long ts, List<BookEvent> quotes, Context ctx, Collector<SloMeasurement> out)
            throws Exception {
        lastQuote.update(quotes.get(quotes.size() - 1));
        if (nextTick.value() == null) {
            long tick = (Math.floorDiv(ts, tickMillis) + 1) * tickMillis;
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
        nextTick.update(timestamp + tickMillis);
        ctx.timerService().registerEventTimeTimer(timestamp + tickMillis);
    }
}
