package io.riskplane.staleness;

import io.riskplane.contract.DeterministicId;
import io.riskplane.eventtime.EventTimeOrderedFunction;
import io.riskplane.eventtime.EventTimeTicks;
import io.riskplane.eventtime.StoreOnChange;
import io.riskplane.model.CursorRecord;
import io.riskplane.model.CursorStaleness;
import io.riskplane.model.SignalRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * Cursor staleness for every consumer of one signal source (the key), against the tail of that source as the plane
 * itself observes it, on a fixed event-time tick that keeps firing when the source goes quiet (silence is measured,
 * not ignored). Reasons, streaks and lags are defined in docs/metrics.md ("Cursor staleness"). Outside a lane's market
 * session silence is expected, so no_signals_in_window and cursor_tail_stable are not raised there;
 * cursor_ahead_of_stream is a fault in any session. The tick is bounded ({@link EventTimeTicks}): it starts at the
 * watermark and skips what lies beyond its catch-up bound; a source quiet past the expiry whose every consumer has been
 * judged STALE for no signals at a catch-up's worth of ticks (so a halt is in force downstream) has its state cleared
 * ({@code quiet_keys_expired}); outside a lane's session it keeps ticking, so a source still silent at the open is
 * judged then.
 */
public class CursorStalenessDetector extends EventTimeOrderedFunction<String, StalenessInput, CursorStaleness> {
    private static final long serialVersionUID = 1L;

    /** The newest signal of the source (highest sequence) and when the last signal of any sequence arrived. */
    public record Tail(long sequence, long signalMillis, String eventId, long lastArrivalMillis) {}

    /** A consumer's latest commit and its streaks. */
    public record Consumer(
            long sequence,
            long cursorMillis,
            String lane,
            String eventId,
            int aheadStreak,
            int tailStableStreak,
            int noSignalsStreak) {}

    /** One stored row per consumer per minute of event time, besides its status changes (docs/storage.md). */
    static final long STORE_PERIOD_MILLIS = StoreOnChange.DEFAULT_PERIOD.toMillis();

    private final StalenessSettings settings;
    private final EventTimeTicks ticks;
    private transient ValueState<Tail> tail;
    private transient ValueState<Long> lastActive;
    private transient Counter quietKeysExpired;
    private transient ValueState<Long> watchingSince;
    private transient ValueState<Long> tailAtPreviousTick;
    private transient ValueState<Long> nextTick;
    private transient MapState<String, Consumer> consumers;
    /** Per consumer, what storage last saw of it (StoreOnChange): rows are stored on a change and once a minute. */
    private transient MapState<String, StoreOnChange.State> stored;

    public CursorStalenessDetector(StalenessSettings settings) {
        this(
                settings,
                io.riskplane.plane.PlaneConfigOptions.TIME_STALE_HORIZON_MS.defaultValue(),
                io.riskplane.plane.PlaneConfigOptions.TIME_QUIET_KEY_EXPIRY_MS.defaultValue());
    }

    public CursorStalenessDetector(StalenessSettings settings, long catchUpMillis, long quietExpiryMillis) {
        super(TypeInformation.of(StalenessInput.class), (a, b) -> a.eventId().compareTo(b.eventId()));
        this.settings = settings;
        this.ticks = new EventTimeTicks(
                settings.tickMillis(), Math.max(settings.tickMillis(), catchUpMillis), quietExpiryMillis);
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        tail = getRuntimeContext().getState(new ValueStateDescriptor<>("signal-tail", TypeInformation.of(Tail.class)));
        watchingSince = getRuntimeContext().getState(new ValueStateDescriptor<>("watching-since", Types.LONG));
        tailAtPreviousTick =
                getRuntimeContext().getState(new ValueStateDescriptor<>("tail-at-previous-tick", Types.LONG));
        nextTick = getRuntimeContext().getState(new ValueStateDescriptor<>("next-tick", Types.LONG));
        consumers = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("consumers", Types.STRING, TypeInformation.of(Consumer.class)));
        stored = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>(
                        "stored", Types.STRING, TypeInformation.of(StoreOnChange.State.class)));
        lastActive = getRuntimeContext().getState(new ValueStateDescriptor<>("last-active", Types.LONG));
        quietKeysExpired = getRuntimeContext().getMetricGroup().counter("quiet_keys_expired");
    }

    @Override
    protected long timestampOf(StalenessInput e) {
        return e.atMillis();
    }

    @Override
    protected void process(long ts, List<StalenessInput> events, Context ctx, Collector<CursorStaleness> out)
            throws Exception {
        if (watchingSince.value() == null) {
            watchingSince.update(ts);
        }
        Long active = lastActive.value();
        if (active == null || ts > active) {
            lastActive.update(ts);
        }
        for (StalenessInput e : events) {
            if (e.signal() != null) {
                SignalRecord s = e.signal();
                Tail t = tail.value();
                tail.update(
                        t == null || s.sequence() > t.sequence()
                                ? new Tail(s.sequence(), s.signalTimeMillis(), s.eventId(), ts)
                                : new Tail(t.sequence(), t.signalMillis(), t.eventId(), ts));
            } else {
                CursorRecord c = e.cursor();
                Consumer before = consumers.get(c.consumerId());
                consumers.put(
                        c.consumerId(),
                        new Consumer(
                                c.cursorSequence(),
                                c.cursorTimeMillis(),
                                c.lane(),
                                c.eventId(),
                                before == null ? 0 : before.aheadStreak(),
                                before == null ? 0 : before.tailStableStreak(),
                                before == null ? 0 : before.noSignalsStreak()));
            }
        }
        if (nextTick.value() == null && !endOfInput(ctx)) {
            // In event-time order the time itself bounds the first tick; only an event that arrived late (behind
            // the watermark) is bounded by the watermark, so that an ancient one cannot tick without end.
            long tick = ticks.first(ts, processingLate() ? ctx.timerService().currentWatermark() : ts);
            nextTick.update(tick);
            ctx.timerService().registerEventTimeTimer(tick);
        }
    }

    @Override
    protected void onEventTime(long timestamp, OnTimerContext ctx, Collector<CursorStaleness> out) throws Exception {
        Long tick = nextTick.value();
        if (tick == null || timestamp != tick) {
            return;
        }
        Tail t = tail.value();
        Long previousTail = tailAtPreviousTick.value();
        List<String> ids = new ArrayList<>();
        for (Map.Entry<String, Consumer> e : consumers.entries()) {
            ids.add(e.getKey());
        }
        ids.sort(null); // state iteration order is not part of the contract; the output order is
        boolean judgedStale = true; // every consumer judged STALE for no signals at a catch-up's worth of ticks
        for (String id : ids) {
            Consumer c = consumers.get(id);
            Judged j = judge(ctx.getCurrentKey(), id, c, t, previousTail, watchingSince.value(), timestamp);
            consumers.put(id, j.next());
            StoreOnChange.Decision store =
                    StoreOnChange.decide(stored.get(id), j.row().statusKey(), timestamp, STORE_PERIOD_MILLIS);
            stored.put(id, store.next());
            out.collect(j.row().withStoreReason(store.reason()));
            judgedStale &= j.next().noSignalsStreak() >= ticks.catchUpTicks();
        }
        tailAtPreviousTick.update(t == null ? -1L : t.sequence());
        if (endOfInput(ctx)) {
            nextTick.clear();
            return;
        }
        Long active = lastActive.value();
        if (judgedStale && active != null && ticks.expires(timestamp, active, ticks.catchUpTicks())) {
            tail.clear();
            watchingSince.clear();
            tailAtPreviousTick.clear();
            nextTick.clear();
            consumers.clear();
            stored.clear();
            lastActive.clear();
            quietKeysExpired.inc();
            return;
        }
        // Every tick in turn, whatever the watermark's steps; a quiet source ends at the expiry above.
        long next = ticks.next(timestamp);
        nextTick.update(next);
        ctx.timerService().registerEventTimeTimer(next);
    }

    record Judged(CursorStaleness row, Consumer next) {}

    /** One consumer at one tick: the pure part of the detector, documented formula by formula in docs/metrics.md. */
    Judged judge(String source, String consumerId, Consumer c, Tail t, Long previousTail, long since, long now) {
        TradingCalendar calendar = settings.calendarOf(c.lane());
        boolean open = calendar.isOpen(now);
        long freshest = t == null ? since : t.signalMillis();
        long lastArrival = t == null ? since : t.lastArrivalMillis();
        double signalLag = (now - freshest) / 1000.0;
        Double cursorLag = t == null ? null : (t.signalMillis() - c.cursorMillis()) / 1000.0;
        boolean ahead = t != null && c.cursorMillis() - t.signalMillis() > settings.lookbackMillis();
        boolean stable = open
                && t != null
                && c.sequence() >= t.sequence()
                && previousTail != null
                && previousTail == t.sequence();
        boolean silent = open && now - lastArrival >= settings.windowMillis();
        Consumer next = new Consumer(
                c.sequence(),
                c.cursorMillis(),
                c.lane(),
                c.eventId(),
                ahead ? c.aheadStreak() + 1 : 0,
                stable ? c.tailStableStreak() + 1 : 0,
                silent ? c.noSignalsStreak() + 1 : 0);
        String status = ahead || stable || silent
                ? CursorStaleness.STALE
                : open ? CursorStaleness.OK : CursorStaleness.SESSION_CLOSED;
        String[] triggers = t == null ? new String[] {c.eventId()} : new String[] {t.eventId(), c.eventId()};
        CursorStaleness row = new CursorStaleness(
                DeterministicId.of("cst-", source, consumerId, now),
                now,
                source,
                consumerId,
                c.lane(),
                calendar.name(),
                open,
                t == null ? -1 : t.sequence(),
                t == null ? 0 : t.signalMillis(),
                t == null ? 0 : t.lastArrivalMillis(),
                c.sequence(),
                c.cursorMillis(),
                signalLag,
                cursorLag,
                ahead,
                stable,
                silent,
                next.aheadStreak(),
                next.tailStableStreak(),
                next.noSignalsStreak(),
                status,
                triggers,
                StoreOnChange.NOT_STORED);
        return new Judged(row, next);
    }
}
