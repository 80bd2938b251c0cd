package io.riskplane.eventtime;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;

/**
 * The one-minute buckets of a keyed detector that reports rolling windows at the end of every minute of event time
 * (execution telemetry, error-budget burn, route fallback ratio): keyed {@link MapState} from a minute's start to its
 * bucket. A minute's first bucket arms the event-time timer that closes the minute (its last millisecond); when it
 * fires the detector expires the minutes older than its longest window, reports, and rolls on to the next minute's
 * close while any minute remains, so a quiet key's windows roll down too.
 */
public final class MinuteBuckets<V> implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final long MINUTE = 60_000L;

    private final String name;
    private final TypeInformation<V> type;
    private transient MapState<Long, V> buckets;

    /** @param name the state's name, {@code type} its values' type (keys are the minutes' starts, Types.LONG) */
    public MinuteBuckets(String name, TypeInformation<V> type) {
        this.name = name;
        this.type = type;
    }

    public void open(RuntimeContext ctx) {
        buckets = ctx.getMapState(new MapStateDescriptor<>(name, Types.LONG, type));
    }

    /** The start of the minute that holds {@code ts}. */
    public static long minuteOf(long ts) {
        return Math.floorDiv(ts, MINUTE) * MINUTE;
    }

    /** Whether an event-time timer at {@code timestamp} is the close of a minute (its end is timestamp + 1). */
    public static boolean closesMinute(long timestamp) {
        return (timestamp + 1) % MINUTE == 0;
    }

    /** Arms the timer that closes the minute starting at {@code minute}. */
    public static void armClose(long minute, TimerService timers) {
        timers.registerEventTimeTimer(minute + MINUTE - 1);
    }

    /** The bucket of {@code minute}; when it has none yet, {@code fresh} one, and the minute's close is armed. */
    public V bucket(long minute, Supplier<V> fresh, TimerService timers) throws Exception {
        V b = buckets.get(minute);
        if (b == null) {
            b = fresh.get();
            armClose(minute, timers);
        }
        return b;
    }

    public V get(long minute) throws Exception {
        return buckets.get(minute);
    }

    public void put(long minute, V bucket) throws Exception {
        buckets.put(minute, bucket);
    }

    /**
     * Forgets every minute that starts before {@code cutoff} and returns the others by minute, including any at or
     * after the minute being closed (facts ahead of the watermark, which their own minute's close reports).
     */
    public TreeMap<Long, V> expireBefore(long cutoff) throws Exception {
        TreeMap<Long, V> kept = new TreeMap<>();
        List<Long> expired = new ArrayList<>();
        for (Map.Entry<Long, V> e : buckets.entries()) {
            if (e.getKey() < cutoff) {
                expired.add(e.getKey());
            } else {
                kept.put(e.getKey(), e.getValue());
            }
        }
        for (Long m : expired) {
            buckets.remove(m);
        }
        return kept;
    }
}
