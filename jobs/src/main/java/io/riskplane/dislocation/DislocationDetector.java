package io.riskplane.dislocation;

import io.riskplane.contract.DeterministicId;
import io.riskplane.eventtime.EventTimeOrderedFunction;
import io.riskplane.model.BookEvent;
import io.riskplane.model.DislocationEpisode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * Cross-venue dislocations of one canonical instrument (the key): on every quote, the highest and lowest mid among
 * venues with a fresh quote; their spread in bps of the lower mid, minus both venues' taker fees, is the net
 * divergence. An episode starts when the net divergence exceeds the threshold, tracks its peak, and ends when it
 * falls back; episodes shorter than the minimum duration are not reported (a single bad tick is not a dislocation).
 */
public class DislocationDetector extends EventTimeOrderedFunction<String, BookEvent, DislocationEpisode> {
    private static final long serialVersionUID = 1L;

    private final DislocationSettings settings;
    private transient MapState<String, BookEvent> lastByVenue;
    private transient ValueState<DislocationEpisode> open;

    public DislocationDetector(DislocationSettings settings) {
        super(TypeInformation.of(BookEvent.class), (a, b) -> a.eventId().compareTo(b.eventId()));
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        lastByVenue = getRuntimeContext().getMapState(new MapStateDescriptor<>("last-quote-by-venue", Types.STRING,
                TypeInformation.of(BookEvent.class)));
        open = getRuntimeContext().getState(new ValueStateDescriptor<>("open-episode",
                TypeInformation.of(DislocationEpisode.class)));
    }

    @Override
    protected long timestampOf(BookEvent e) {
        return e.eventTimeMillis();
    }

    @Override
    protected void process(long ts, List<BookEvent> quotes, Context ctx, Collector<DislocationEpisode> out)
            throws Exception {
        for (BookEvent q : quotes) {
            lastByVenue.put(q.venue(), q);
        }
        // Venues in name order, so that ties pick the same venue every time.
        Map<String, BookEvent> fresh = new TreeMap<>();
        for (Map.Entry<String, BookEvent> e : lastByVenue.entries()) {
            if (ts - e.getValue().eventTimeMillis() <= settings.staleAfterMillis()) {
                fresh.put(e.getKey(), e.getValue());
            }
        }
        BookEvent high = null;
        BookEvent low = null;
        for (BookEvent q : fresh.values()) {
            if (high == null || q.mid() > high.mid()) {
                high = q;
            }
            if (low == null || q.mid() < low.mid()) {
                low = q;
            }
        }
        DislocationEpisode current = open.value();
        boolean dislocated = false;
        double gross = 0;
        double net = 0;
        double fees = 0;
        if (fresh.size() >= 2 && high != low) {
            gross = (high.mid() - low.mid()) / low.mid() * 10_000.0;
            fees = settings.feeBps(high.venue()) + settings.feeBps(low.venue());
            net = gross - fees;
            dislocated = net > settings.thresholdBps();
        }
        String instrument = ctx.getCurrentKey();
        if (dislocated) {
            if (current == null) {
                current = new DislocationEpisode("", instrument, "", ts, 0, 0, net, gross, ts, high.venue(),
                        low.venue(), high.mid(), low.mid(), fees, new String[] {low.eventId(), high.eventId()});
            } else if (net > current.peakNetBps()) {
                current = new DislocationEpisode("", instrument, current.status(), current.startMillis(), 0,
                        ts - current.startMillis(), net, gross, ts, high.venue(), low.venue(), high.mid(), low.mid(),
                        fees, current.triggerEventIds());
            }
            if (current.status().isEmpty() && ts - current.startMillis() >= settings.minDurationMillis()) {
                current = with(current, DislocationEpisode.OPEN, 0, ts - current.startMillis());
                out.collect(current);
            }
            open.update(current);
        } else if (current != null) {
            if (ts - current.startMillis() >= settings.minDurationMillis()) {
                out.collect(with(current, DislocationEpisode.CLOSED, ts, ts - current.startMillis()));
            }
            open.clear();
        }
    }

    private static DislocationEpisode with(DislocationEpisode e, String status, long end, long duration) {
        String id = DeterministicId.of("dis-", e.instrument(), e.startMillis(), status);
        return new DislocationEpisode(id, e.instrument(), status, e.startMillis(), end, duration, e.peakNetBps(),
                e.peakGrossBps(), e.peakMillis(), e.highVenue(), e.lowVenue(), e.highMid(), e.lowMid(), e.feesBps(),
                e.triggerEventIds());
    }
}
