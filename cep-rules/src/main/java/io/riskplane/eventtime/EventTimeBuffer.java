package io.riskplane.eventtime;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;

/**
 * Keyed state that holds events until the watermark passes their timestamp, then releases all events of that
 * timestamp in a total order. Used by every function whose output must not depend on arrival order.
 */
public final class EventTimeBuffer<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final TypeInformation<T> type;
    private final OrderWithinTimestamp<T> orderWithinTimestamp;
    private transient MapState<Long, List<T>> pending;

    public EventTimeBuffer(String name, TypeInformation<T> type, OrderWithinTimestamp<T> orderWithinTimestamp) {
        this.name = name;
        this.type = type;
        this.orderWithinTimestamp = orderWithinTimestamp;
    }

    public void open(RuntimeContext ctx) {
        pending = ctx.getMapState(new MapStateDescriptor<>(name, Types.LONG, Types.LIST(type)));
    }

    /** Holds the event; registers one event-time timer per distinct timestamp. */
    public void add(long ts, T event, TimerService timers) throws Exception {
        List<T> atTs = pending.get(ts);
        if (atTs == null) {
            atTs = new ArrayList<>(2);
            timers.registerEventTimeTimer(ts);
        }
        atTs.add(event);
        pending.put(ts, atTs);
    }

    /** The events held for ts, sorted, removed from state; empty when none. */
    public List<T> drain(long ts) throws Exception {
        List<T> atTs = pending.get(ts);
        if (atTs == null) {
            return List.of();
        }
        pending.remove(ts);
        atTs.sort(orderWithinTimestamp);
        return atTs;
    }
}
