package io.riskplane.pnl;

import io.riskplane.contract.DeterministicId;
import io.riskplane.eventtime.EventTimeOrderedFunction;
import io.riskplane.model.BookEvent;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.PnlSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Positions of every strategy in one canonical instrument (the key), on an average-cost basis, marked to the mid
 * of the instrument's latest quote (any venue). Until the first quote the mark is the last fill price. Emits, per
 * event time, one {@link EquityComponent} for each strategy the fills or the new mark touched.
 *
 * <p>A fill whose fill_id was applied before (a retry, or the same fill relayed twice) is not applied again: it
 * goes to the dead letters as DUPLICATE_EVENT and is counted in {@code dead_letters} with reason DUPLICATE_EVENT. Within one timestamp quotes apply before fills, then by event id.
 */
public class PositionBook extends EventTimeOrderedFunction<String, BookEvent, EquityComponent> {
    private static final long serialVersionUID = 1L;
    static final int MAX_TRIGGER_IDS = 16;

    public static final OutputTag<DeadLetterRecord> DUPLICATES =
            new OutputTag<>("duplicate-fills", TypeInformation.of(DeadLetterRecord.class));

    private transient MapState<String, AverageCostPosition> positions;
    private transient ValueState<Mark> mark;
    private transient MapState<String, Boolean> seenFills;
    private transient Counter duplicates;

    public PositionBook() {
        super(TypeInformation.of(BookEvent.class), (a, b) -> a.type() != b.type()
                ? Integer.compare(a.type(), b.type()) : a.eventId().compareTo(b.eventId()));
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        positions = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "positions", Types.STRING, TypeInformation.of(AverageCostPosition.class)));
        mark = getRuntimeContext().getState(new ValueStateDescriptor<>("mark", TypeInformation.of(Mark.class)));
        MapStateDescriptor<String, Boolean> seen = new MapStateDescriptor<>("seen-fills", Types.STRING, Types.BOOLEAN);
        // Producer retries come within minutes; two days bounds the state without ever forgetting a live retry.
        seen.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofDays(2)).build());
        seenFills = getRuntimeContext().getMapState(seen);
        duplicates = getRuntimeContext().getMetricGroup().addGroup("reason", DeadLetterReason.DUPLICATE_EVENT)
                .counter("dead_letters");
    }

    @Override
    protected long timestampOf(BookEvent e) {
        return e.eventTimeMillis();
    }

    @Override
    protected void process(long ts, List<BookEvent> events, Context ctx, Collector<EquityComponent> out)
            throws Exception {
        Map<String, List<String>> touched = new TreeMap<>();
        Mark m = mark.value();
        String lastQuoteId = null;
        for (BookEvent e : events) {
            if (!e.isFill()) {
                m = new Mark(e.mid(), true);
                lastQuoteId = e.eventId();
                continue;
            }
            if (seenFills.contains(e.fillId())) {
                duplicates.inc();
                ctx.output(DUPLICATES, duplicate(e));
                continue;
            }
            seenFills.put(e.fillId(), true);
            String key = e.org() + "|" + e.strategy();
            AverageCostPosition p = positions.get(key);
            positions.put(key, (p == null ? AverageCostPosition.FLAT : p)
                    .apply(e.side(), e.quantity(), e.price(), e.fee()));
            if (m == null || !m.fromQuote()) {
                m = new Mark(e.price(), false);
            }
            touched.computeIfAbsent(key, k -> new ArrayList<>()).add(e.eventId());
        }
        if (m == null) {
            return;
        }
        mark.update(m);
        if (lastQuoteId != null) {
            // A new mark moves the unrealized PnL of every open position in the instrument.
            for (Map.Entry<String, AverageCostPosition> p : positions.entries()) {
                if (p.getValue().quantity() != 0) {
                    touched.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(lastQuoteId);
                }
            }
        }
        String instrument = ctx.getCurrentKey();
        for (Map.Entry<String, List<String>> t : touched.entrySet()) {
            AverageCostPosition p = positions.get(t.getKey());
            int bar = t.getKey().indexOf('|');
            List<String> ids = t.getValue();
            out.collect(new EquityComponent(PnlSnapshot.STRATEGY, t.getKey().substring(0, bar),
                    t.getKey().substring(bar + 1), instrument, ts, p.realizedNet(), p.fees(),
                    p.unrealized(m.price()),
                    ids.subList(0, Math.min(ids.size(), MAX_TRIGGER_IDS)).toArray(new String[0])));
        }
    }

    private static DeadLetterRecord duplicate(BookEvent e) {
        byte[] idBytes = e.eventId().getBytes(StandardCharsets.UTF_8);
        return new DeadLetterRecord(DeterministicId.of("dl-", DeadLetterReason.DUPLICATE_EVENT, e.eventId(),
                e.eventTimeMillis()), DeadLetterReason.DUPLICATE_EVENT,
                "fill_id " + e.fillId() + " was already applied; this copy (event " + e.eventId()
                        + ") is not applied again", idBytes,
                io.riskplane.contract.Topics.FILLS, -1, -1, e.eventId(), e.eventTimeMillis());
    }

    /** The instrument's mark price, and whether it is a quote mid (true) or a last fill price (false). */
    public record Mark(double price, boolean fromQuote) {}
}
