package io.riskplane.telemetry;

import io.riskplane.eventtime.EventTimeOrderedFunction;
import io.riskplane.model.BookEvent;
import io.riskplane.model.OrderRecord;
import io.riskplane.model.SignalRecord;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * Follows each order (the key) through its state transitions and fills and turns them into execution facts:
 * decision-to-ack latency once, slippage and decision-to-fill latency per fill, and on the terminal state the
 * ordered and filled quantity, rejection, error category and route fallback. Signals pass through as facts.
 * The order's state is kept for an hour of event time after its terminal state, for fills reported late.
 */
public class OrderLifecycle extends EventTimeOrderedFunction<String, ExecutionInput, ExecutionFact> {
    private static final long serialVersionUID = 1L;
    static final long RETAIN_AFTER_TERMINAL_MS = 3_600_000L;

    private transient ValueState<OrderRecord> order;
    private transient ValueState<Boolean> acked;
    private transient ValueState<Boolean> terminal;
    private transient ValueState<Long> forgetAt;

    public OrderLifecycle() {
        super(TypeInformation.of(ExecutionInput.class), (a, b) -> a.rank() != b.rank()
                ? Integer.compare(a.rank(), b.rank()) : a.eventId().compareTo(b.eventId()));
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        order = getRuntimeContext().getState(new ValueStateDescriptor<>("order", TypeInformation.of(OrderRecord.class)));
        acked = getRuntimeContext().getState(new ValueStateDescriptor<>("acked", Types.BOOLEAN));
        terminal = getRuntimeContext().getState(new ValueStateDescriptor<>("terminal", Types.BOOLEAN));
        forgetAt = getRuntimeContext().getState(new ValueStateDescriptor<>("forget-at", Types.LONG));
    }

    @Override
    protected long timestampOf(ExecutionInput e) {
        return e.eventTimeMillis();
    }

    @Override
    protected void process(long ts, List<ExecutionInput> inputs, Context ctx, Collector<ExecutionFact> out)
            throws Exception {
        for (ExecutionInput in : inputs) {
            double ingest = in.ingestMillis() > 0 ? in.ingestMillis() - in.eventTimeMillis() : Double.NaN;
            if (in.signal() != null) {
                SignalRecord s = in.signal();
                out.collect(new ExecutionFact(ExecutionFact.SIGNAL, ExecutionFact.SIGNAL_SOURCE, s.eventId(), ts, "",
                        s.strategy(), s.instrument(), "", "", s.source(), 0, 0, Double.NaN,
                        s.eventTimeMillis() - s.signalTimeMillis(), s.confidence(), false, "", false, "", ingest));
            } else if (in.order() != null) {
                onOrder(in.order(), ts, ingest, ctx, out);
            } else {
                onFill(in.fill(), ts, ingest, out);
            }
        }
    }

    private void onOrder(OrderRecord o, long ts, double ingest, Context ctx, Collector<ExecutionFact> out)
            throws Exception {
        OrderRecord known = merge(order.value(), o);
        order.update(known);
        if (known.ackTimeMillis() > 0 && !Boolean.TRUE.equals(acked.value())) {
            acked.update(true);
            double latency = known.decisionTimeMillis() > 0
                    ? known.ackTimeMillis() - known.decisionTimeMillis() : Double.NaN;
            out.collect(fact(ExecutionFact.ACK, o.eventId(), ts, known, adapter(known, ""), 0, 0, Double.NaN,
                    latency, ingest));
        }
        if (o.isTerminal() && !Boolean.TRUE.equals(terminal.value())) {
            terminal.update(true);
            boolean fallback = !known.expectedAdapter().isEmpty() && !known.actualAdapter().isEmpty()
                    && !known.expectedAdapter().equals(known.actualAdapter());
            out.collect(new ExecutionFact(ExecutionFact.TERMINAL, ExecutionFact.ROUTE, o.eventId(), ts, known.org(),
                    known.strategy(), known.instrument(), known.venue(), adapter(known, ""), "", known.quantity(),
                    o.filledQuantity(), Double.NaN, Double.NaN, known.confidence(), "REJECTED".equals(o.state()),
                    "ERROR_CATEGORY_UNSPECIFIED".equals(o.errorCategory()) ? "" : o.errorCategory(), fallback,
                    fallback ? known.fallbackReason() : "", ingest));
            forgetAt.update(ts + RETAIN_AFTER_TERMINAL_MS);
            ctx.timerService().registerEventTimeTimer(ts + RETAIN_AFTER_TERMINAL_MS);
        }
    }

    private void onFill(BookEvent f, long ts, double ingest, Collector<ExecutionFact> out) throws Exception {
        OrderRecord known = order.value();
        double slippage = Double.NaN;
        double latency = Double.NaN;
        if (known != null && known.decisionPrice() > 0) {
            // Positive slippage is a cost: paying up on a buy, selling below the decision price.
            slippage = f.side() * (f.price() - known.decisionPrice()) / known.decisionPrice() * 10_000.0;
        }
        if (known != null && known.decisionTimeMillis() > 0) {
            latency = ts - known.decisionTimeMillis();
        }
        OrderRecord dims = known != null ? known : new OrderRecord(f.eventId(), ts, f.orderId(), f.org(),
                f.strategy(), f.instrument(), f.venue(), f.side(), "", 0, 0, 0, 0, Double.NaN, "", f.adapter(), "", "",
                0, 0, false, false, "");
        out.collect(fact(ExecutionFact.FILL, f.eventId(), ts, dims, adapter(dims, f.adapter()), f.quantity(), 0,
                slippage, latency, ingest));
    }

    @Override
    protected void onEventTime(long timestamp, OnTimerContext ctx, Collector<ExecutionFact> out) throws Exception {
        Long at = forgetAt.value();
        if (at != null && timestamp >= at) {
            order.clear();
            acked.clear();
            terminal.clear();
            forgetAt.clear();
        }
    }

    private static ExecutionFact fact(String kind, String eventId, long ts, OrderRecord o, String adapter,
            double qty, double filled, double slippage, double latency, double ingest) {
        return new ExecutionFact(kind, ExecutionFact.ROUTE, eventId, ts, o.org(), o.strategy(), o.instrument(),
                o.venue(), adapter, "", qty, filled, slippage, latency, o.confidence(), false, "", false, "", ingest);
    }

    /** The adapter that carried the order: actual, else expected, else what the fill reported. */
    private static String adapter(OrderRecord o, String fromFill) {
        if (!o.actualAdapter().isEmpty()) {
            return o.actualAdapter();
        }
        return !o.expectedAdapter().isEmpty() ? o.expectedAdapter() : fromFill;
    }

    /** Later transitions may omit what earlier ones said; keep the first known value of each decision field. */
    static OrderRecord merge(OrderRecord known, OrderRecord next) {
        if (known == null) {
            return next;
        }
        return new OrderRecord(next.eventId(), next.eventTimeMillis(), next.orderId(), next.org(), next.strategy(),
                next.instrument(), next.venue(), next.side(), next.state(), next.quantity(), next.filledQuantity(),
                known.decisionPrice() > 0 ? known.decisionPrice() : next.decisionPrice(),
                next.limitPrice() > 0 ? next.limitPrice() : known.limitPrice(),
                next.confidence() > 0 ? next.confidence() : known.confidence(),
                known.expectedAdapter().isEmpty() ? next.expectedAdapter() : known.expectedAdapter(),
                next.actualAdapter().isEmpty() ? known.actualAdapter() : next.actualAdapter(),
                next.fallbackReason().isEmpty() ? known.fallbackReason() : next.fallbackReason(),
                next.errorCategory(),
                known.decisionTimeMillis() > 0 ? known.decisionTimeMillis() : next.decisionTimeMillis(),
                known.ackTimeMillis() > 0 ? known.ackTimeMillis() : next.ackTimeMillis(),
                next.reduceOnly(), next.exit(), next.lane().isEmpty() ? known.lane() : next.lane());
    }
}
