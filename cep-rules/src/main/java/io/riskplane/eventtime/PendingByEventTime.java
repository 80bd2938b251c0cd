package io.riskplane.eventtime;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;

/**
 * The event-time order of one key space's host operator: holds a key's events until the watermark passes them and
 * keeps ONE event-time timer per key, at the earliest time anything of the key is due (a held event, or a tick of
 * one of the host's detectors). When it fires, {@link #advance} plays every held timestamp and every tick up to the
 * watermark in time order: at each time the events first (all of them at once, in their total order within a
 * timestamp), then the ticks. Upstream hosts emit in event-time order, so what this holds is only the skew between
 * upstream subtasks (and the out-of-orderness of the input, at the first host).
 */
public final class PendingByEventTime<T> implements Serializable {
    private static final long serialVersionUID = 1L;
    /** No time: nothing held, no tick. */
    public static final long NONE = Long.MAX_VALUE;

    private final String name;
    private final TypeInformation<T> type;
    private final OrderWithinTimestamp<T> orderWithinTimestamp;
    private transient MapState<Long, List<T>> held;
    private transient ValueState<Long> timer;

    /** What a host does at each time the watermark passes. */
    public interface Steps<T> {
        /** The earliest tick any detector of the key waits for, or {@link #NONE}. */
        long earliestTick() throws Exception;

        /** Every held event of one key at one time, sorted. */
        void events(long time, List<T> events) throws Exception;

        /** The detectors' ticks at {@code time}; each must move its tick past {@code time} or drop it. */
        void ticks(long time) throws Exception;
    }

    public PendingByEventTime(String name, TypeInformation<T> type, OrderWithinTimestamp<T> orderWithinTimestamp) {
        this.name = name;
        this.type = type;
        this.orderWithinTimestamp = orderWithinTimestamp;
    }

    public void open(RuntimeContext ctx) {
        held = ctx.getMapState(new MapStateDescriptor<>(name, Types.LONG, Types.LIST(type)));
        timer = ctx.getState(new ValueStateDescriptor<>(name + "-timer", Types.LONG));
    }

    /** Holds an event that is ahead of the watermark. */
    public void hold(long time, T event, TimerService timers) throws Exception {
        List<T> atTime = held.get(time);
        if (atTime == null) {
            atTime = new ArrayList<>(2);
        }
        atTime.add(event);
        held.put(time, atTime);
        Long armed = timer.value();
        if (armed == null || time < armed) {
            arm(time, armed, timers);
        }
    }

    /**
     * Plays every held event and every tick up to the watermark, in time order, then arms the key's timer at the
     * earliest time still pending (or clears it: a key with nothing pending keeps no timer).
     */
    public void advance(long watermark, TimerService timers, Steps<T> steps) throws Exception {
        TreeMap<Long, List<T>> due = new TreeMap<>();
        List<Long> dueTimes = new ArrayList<>();
        for (Map.Entry<Long, List<T>> e : held.entries()) {
            if (e.getKey() <= watermark) {
                due.put(e.getKey(), e.getValue());
                dueTimes.add(e.getKey());
            }
        }
        for (Long t : dueTimes) {
            held.remove(t);
        }
        while (true) {
            long eventTime = due.isEmpty() ? NONE : due.firstKey();
            long tick = steps.earliestTick();
            long time = Math.min(eventTime, tick);
            if (time == NONE || time > watermark) {
                break;
            }
            if (eventTime == time) {
                List<T> events = new ArrayList<>(due.pollFirstEntry().getValue());
                events.sort(orderWithinTimestamp);
                steps.events(time, events);
            }
            if (steps.earliestTick() == time) {
                steps.ticks(time);
            }
        }
        rearm(timers, steps.earliestTick());
    }

    /** Arms the timer at the earliest of what is held and {@code earliestTick} (after a detector's tick changed). */
    public void rearm(TimerService timers, long earliestTick) throws Exception {
        long next = Math.min(earliestHeld(), earliestTick);
        Long armed = timer.value();
        if (next == NONE) {
            if (armed != null) {
                timers.deleteEventTimeTimer(armed);
                timer.clear();
            }
        } else if (armed == null || armed != next) {
            arm(next, armed, timers);
        }
    }

    /** The timer that fired is spent: forget it, so that {@link #rearm} registers the next one. */
    public void fired(long time) throws Exception {
        Long armed = timer.value();
        if (armed != null && armed == time) {
            timer.clear();
        }
    }

    private void arm(long time, Long previous, TimerService timers) throws Exception {
        if (previous != null) {
            timers.deleteEventTimeTimer(previous);
        }
        timers.registerEventTimeTimer(time);
        timer.update(time);
    }

    private long earliestHeld() throws Exception {
        long earliest = NONE;
        for (Long t : held.keys()) {
            earliest = Math.min(earliest, t);
        }
        return earliest;
    }
}
