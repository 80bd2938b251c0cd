package io.riskplane.hosts;

import io.riskplane.contract.DeterministicId;
import io.riskplane.contract.Topics;
import io.riskplane.dislocation.DislocationDetector;
import io.riskplane.dislocation.DislocationSettings;
import io.riskplane.eventtime.EventTimeTicks;
import io.riskplane.eventtime.PendingByEventTime;
import io.riskplane.eventtime.StateMap;
import io.riskplane.eventtime.StateValue;
import io.riskplane.model.BookEvent;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.DislocationEpisode;
import io.riskplane.model.SloMeasurement;
import io.riskplane.pnl.AverageCostPosition;
import io.riskplane.pnl.EquityComponent;
import io.riskplane.pnl.PositionBook;
import io.riskplane.slo.QuoteFreshness;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The host of the instrument key space: every detector keyed by canonical instrument reads its quotes and fills
 * here, after one keyed exchange and one event-time order ({@link PendingByEventTime}: one timer per instrument).
 * <ul>
 *   <li>{@link PositionBook}: positions per strategy, marked to the latest mid: {@link EquityComponent}s on the main
 *       output, repeated fills on {@link #DUPLICATES};</li>
 *   <li>{@link QuoteFreshness}: the age of each venue's last quote every tick: {@link #FRESHNESS};</li>
 *   <li>{@link DislocationDetector}: cross-venue episodes: {@link #DISLOCATIONS}.</li>
 * </ul>
 * An event behind the watermark on arrival is applied at once and counted in {@code late_events}.
 */
public class InstrumentHost extends KeyedProcessFunction<String, BookEvent, EquityComponent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetterRecord> DUPLICATES =
            new OutputTag<>("duplicate-fills", TypeInformation.of(DeadLetterRecord.class));
    public static final OutputTag<SloMeasurement> FRESHNESS =
            new OutputTag<>("quote-freshness", TypeInformation.of(SloMeasurement.class));
    public static final OutputTag<DislocationEpisode> DISLOCATIONS =
            new OutputTag<>("dislocations", TypeInformation.of(DislocationEpisode.class));

    /** Producer retries come within minutes; two days bounds the state without ever forgetting a live retry. */
    static final Duration SEEN_FILLS_TTL = Duration.ofDays(2);

    private final EventTimeTicks freshnessTicks;
    private final DislocationSettings dislocationSettings;
    private final PendingByEventTime<BookEvent> pending =
            new PendingByEventTime<>("pending-book-events", TypeInformation.of(BookEvent.class), PositionBook.ORDER);

    private transient PositionBook book;
    private transient QuoteFreshness freshness;
    private transient DislocationDetector dislocations;
    private transient Counter lateEvents;
    private transient Counter duplicates;
    private transient Counter quietKeysExpired;

    public InstrumentHost(EventTimeTicks freshnessTicks, DislocationSettings dislocationSettings) {
        this.freshnessTicks = freshnessTicks;
        this.dislocationSettings = dislocationSettings;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        var rc = getRuntimeContext();
        pending.open(rc);
        MapStateDescriptor<String, Boolean> seen = new MapStateDescriptor<>("seen-fills", Types.STRING, Types.BOOLEAN);
        seen.enableTimeToLive(StateTtlConfig.newBuilder(SEEN_FILLS_TTL).build());
        book = new PositionBook(
                StateMap.of(rc.getMapState(new MapStateDescriptor<>(
                        "positions", Types.STRING, TypeInformation.of(AverageCostPosition.class)))),
                StateValue.of(
                        rc.getState(new ValueStateDescriptor<>("mark", TypeInformation.of(PositionBook.Mark.class)))),
                StateMap.of(rc.getMapState(seen)));
        freshness = new QuoteFreshness(
                freshnessTicks,
                StateMap.of(rc.getMapState(new MapStateDescriptor<>(
                        "quote-clocks", Types.STRING, TypeInformation.of(QuoteFreshness.Clock.class)))));
        dislocations = new DislocationDetector(
                dislocationSettings,
                StateMap.of(rc.getMapState(new MapStateDescriptor<>(
                        "last-quote-by-venue", Types.STRING, TypeInformation.of(BookEvent.class)))),
                StateValue.of(rc.getState(
                        new ValueStateDescriptor<>("open-episode", TypeInformation.of(DislocationEpisode.class)))));
        lateEvents = rc.getMetricGroup().counter("late_events");
        duplicates = rc.getMetricGroup()
                .addGroup("reason", DeadLetterReason.DUPLICATE_EVENT)
                .counter("dead_letters");
        quietKeysExpired = rc.getMetricGroup().counter("quiet_keys_expired");
    }

    @Override
    public void processElement(BookEvent e, Context ctx, Collector<EquityComponent> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        if (e.eventTimeMillis() > watermark) {
            pending.hold(e.eventTimeMillis(), e, ctx.timerService());
            return;
        }
        lateEvents.inc();
        apply(e.eventTimeMillis(), List.of(e), watermark, ctx, out);
        pending.rearm(ctx.timerService(), freshness.earliestTick());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EquityComponent> out) throws Exception {
        pending.fired(timestamp);
        long watermark = ctx.timerService().currentWatermark();
        String instrument = ctx.getCurrentKey();
        pending.advance(watermark, ctx.timerService(), new PendingByEventTime.Steps<>() {
            @Override
            public long earliestTick() throws Exception {
                return freshness.earliestTick();
            }

            // In event-time order the time played is the ticks' reference, not the watermark: how far the watermark
            // jumped in one step (a parallel backlog read) must not decide which ticks fire (docs/operations.md).
            @Override
            public void events(long time, List<BookEvent> events) throws Exception {
                apply(time, events, time, ctx, out);
            }

            @Override
            public void ticks(long time) throws Exception {
                for (String venue : freshness.onTick(instrument, time, watermark, m -> ctx.output(FRESHNESS, m))) {
                    dislocations.forget(venue);
                    quietKeysExpired.inc();
                }
            }
        });
    }

    /** @param tickReference the time a new quote clock's first tick is bounded by (EventTimeTicks#first) */
    private void apply(long ts, List<BookEvent> events, long tickReference, Context ctx, Collector<EquityComponent> out)
            throws Exception {
        String instrument = ctx.getCurrentKey();
        book.apply(instrument, ts, events, out::collect, e -> {
            duplicates.inc();
            ctx.output(DUPLICATES, duplicate(e));
        });
        List<BookEvent> quotes = new ArrayList<>(events.size());
        for (BookEvent e : events) {
            if (!e.isFill()) {
                quotes.add(e);
            }
        }
        if (!quotes.isEmpty()) {
            freshness.onQuotes(ts, quotes, tickReference);
            dislocations.onQuotes(instrument, ts, quotes, d -> ctx.output(DISLOCATIONS, d));
        }
    }

    private static DeadLetterRecord duplicate(BookEvent e) {
        byte[] idBytes = e.eventId().getBytes(StandardCharsets.UTF_8);
        return new DeadLetterRecord(
                DeterministicId.of("dl-", DeadLetterReason.DUPLICATE_EVENT, e.eventId(), e.eventTimeMillis()),
                DeadLetterReason.DUPLICATE_EVENT,
                "fill_id " + e.fillId() + " was already applied; this copy (event " + e.eventId()
                        + ") is not applied again",
                idBytes,
                Topics.FILLS,
                -1,
                -1,
                e.eventId(),
                e.eventTimeMillis());
    }
}
