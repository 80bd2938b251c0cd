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
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.util.Collector;

/**
 * Follows each order (the key) through its state transitions and fills and turns them into execution facts:
 * decision-to-ack latency once, slippage and decision-to-fill latency per fill, and on the terminal state the
 * ordered and filled quantity, rejection, error category and route fallback. Signals pass through as facts.
 * The order's state is kept for an hour of event time after its terminal state (the stale horizon: the oldest fill the
 * plane accepts), for fills reported late; of a terminal order only what a fill or a late acknowledgement still
 * reads is kept ({@link #afterTerminal}). An order that never reaches a terminal state (its terminal event lost, or
 * left resting) is forgotten a week of event time after its last update ({@link #RETAIN_RESTING_MS}), so a quiet key
 * keeps nothing for ever; a fill after that is a fact without decision price and time, as for an unknown order.
 *
 * <p>State: one value per order ({@code lifecycle}: the order as known, acknowledged, terminal, forget time). Until
 * 2026-12-06 (session 4) these were four values ({@code order}, {@code acked}, {@code terminal}, {@code forget-at});
 * an order restored with those is read from them once and moved to the one value, so a savepoint of either form
 * restores.
 */
public class OrderLifecycle extends EventTimeOrderedFunction<String, ExecutionInput, ExecutionFact> {
    private static final long serialVersionUID = 1L;
    static final long RETAIN_AFTER_TERMINAL_MS = 3_600_000L;
    /** How long an order that is not terminal is kept after its last update: a week, as operator resumes are. */
    static final long RETAIN_RESTING_MS = 7L * 24 * 3_600_000L;

    /**
     * The order as known, acknowledged, terminal, and when to forget it: its pending timer, an hour after the terminal
     * state, before that a week after the order was first seen (re-armed from its last update when it fires); 0 for
     * an order restored from a job that did not arm it, until its next update.
     */
    private static final TypeInformation<Tuple4<OrderRecord, Boolean, Boolean, Long>> LIFECYCLE =
            Types.TUPLE(TypeInformation.of(OrderRecord.class), Types.BOOLEAN, Types.BOOLEAN, Types.LONG);

    private transient ValueState<Tuple4<OrderRecord, Boolean, Boolean, Long>> lifecycle;
    // The four values of jobs before 2026-12-06 (session 4), read once per order restored with them.
    private transient ValueState<OrderRecord> oldOrder;
    private transient ValueState<Boolean> oldAcked;
    private transient ValueState<Boolean> oldTerminal;
    private transient ValueState<Long> oldForgetAt;

    public OrderLifecycle() {
        super(
                TypeInformation.of(ExecutionInput.class),
                (a, b) -> a.rank() != b.rank()
                        ? Integer.compare(a.rank(), b.rank())
                        : a.eventId().compareTo(b.eventId()));
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        var rc = getRuntimeContext();
        lifecycle = rc.getState(new ValueStateDescriptor<>("lifecycle", LIFECYCLE));
        oldOrder = rc.getState(new ValueStateDescriptor<>("order", TypeInformation.of(OrderRecord.class)));
        oldAcked = rc.getState(new ValueStateDescriptor<>("acked", Types.BOOLEAN));
        oldTerminal = rc.getState(new ValueStateDescriptor<>("terminal", Types.BOOLEAN));
        oldForgetAt = rc.getState(new ValueStateDescriptor<>("forget-at", Types.LONG));
    }

    /** The key's lifecycle, or null when none is known; one restored in the four old values is moved first. */
    private Tuple4<OrderRecord, Boolean, Boolean, Long> lifecycle() throws Exception {
        Tuple4<OrderRecord, Boolean, Boolean, Long> l = lifecycle.value();
        if (l != null) {
            return l;
        }
        OrderRecord order = oldOrder.value();
        Boolean acked = oldAcked.value();
        Boolean terminal = oldTerminal.value();
        Long forgetAt = oldForgetAt.value();
        if (order == null && acked == null && terminal == null && forgetAt == null) {
            return null;
        }
        l = Tuple4.of(
                order, Boolean.TRUE.equals(acked), Boolean.TRUE.equals(terminal), forgetAt == null ? 0L : forgetAt);
        oldOrder.clear();
        oldAcked.clear();
        oldTerminal.clear();
        oldForgetAt.clear();
        lifecycle.update(l);
        return l;
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
                out.collect(new ExecutionFact(
                        ExecutionFact.SIGNAL,
                        ExecutionFact.SIGNAL_SOURCE,
                        s.eventId(),
                        ts,
                        "",
                        s.strategy(),
                        s.instrument(),
                        "",
                        "",
                        s.source(),
                        0,
                        0,
                        Double.NaN,
                        s.eventTimeMillis() - s.signalTimeMillis(),
                        s.confidence(),
                        false,
                        "",
                        false,
                        "",
                        ingest));
            } else if (in.order() != null) {
                onOrder(in.order(), ts, ingest, ctx, out);
            } else {
                onFill(in.fill(), ts, ingest, out);
            }
        }
    }

    private void onOrder(OrderRecord o, long ts, double ingest, Context ctx, Collector<ExecutionFact> out)
            throws Exception {
        Tuple4<OrderRecord, Boolean, Boolean, Long> l = lifecycle();
        OrderRecord known = merge(l == null ? null : l.f0, o);
        boolean acked = l != null && l.f1;
        boolean terminal = l != null && l.f2;
        long forgetAt = l == null ? 0L : l.f3;
        if (known.ackTimeMillis() > 0 && !acked) {
            acked = true;
            double latency =
                    known.decisionTimeMillis() > 0 ? known.ackTimeMillis() - known.decisionTimeMillis() : Double.NaN;
            out.collect(fact(
                    ExecutionFact.ACK, o.eventId(), ts, known, adapter(known, ""), 0, 0, Double.NaN, latency, ingest));
        }
        if (!o.isTerminal() && !terminal && forgetAt == 0) {
            forgetAt = ts + RETAIN_RESTING_MS;
            ctx.timerService().registerEventTimeTimer(forgetAt);
        }
        if (o.isTerminal() && !terminal) {
            if (forgetAt != 0) {
                ctx.timerService().deleteEventTimeTimer(forgetAt); // the resting order's timer
            }
            terminal = true;
            boolean fallback = !known.expectedAdapter().isEmpty()
                    && !known.actualAdapter().isEmpty()
                    && !known.expectedAdapter().equals(known.actualAdapter());
            out.collect(new ExecutionFact(
                    ExecutionFact.TERMINAL,
                    ExecutionFact.ROUTE,
                    o.eventId(),
                    ts,
                    known.org(),
                    known.strategy(),
                    known.instrument(),
                    known.venue(),
                    adapter(known, ""),
                    "",
                    known.quantity(),
                    o.filledQuantity(),
                    Double.NaN,
                    Double.NaN,
                    known.confidence(),
                    "REJECTED".equals(o.state()),
                    "ERROR_CATEGORY_UNSPECIFIED".equals(o.errorCategory()) ? "" : o.errorCategory(),
                    fallback,
                    fallback ? known.fallbackReason() : "",
                    ingest));
            forgetAt = ts + RETAIN_AFTER_TERMINAL_MS;
            ctx.timerService().registerEventTimeTimer(forgetAt);
        }
        lifecycle.update(Tuple4.of(terminal ? afterTerminal(known) : known, acked, terminal, forgetAt));
    }

    private void onFill(BookEvent f, long ts, double ingest, Collector<ExecutionFact> out) throws Exception {
        Tuple4<OrderRecord, Boolean, Boolean, Long> l = lifecycle();
        OrderRecord known = l == null ? null : l.f0;
        double slippage = Double.NaN;
        double latency = Double.NaN;
        if (known != null && known.decisionPrice() > 0) {
            // Positive slippage is a cost: paying up on a buy, selling below the decision price.
            slippage = f.side() * (f.price() - known.decisionPrice()) / known.decisionPrice() * 10_000.0;
        }
        if (known != null && known.decisionTimeMillis() > 0) {
            latency = ts - known.decisionTimeMillis();
        }
        OrderRecord dims = known != null
                ? known
                : new OrderRecord(
                        f.eventId(),
                        ts,
                        f.orderId(),
                        f.org(),
                        f.strategy(),
                        f.instrument(),
                        f.venue(),
                        f.side(),
                        "",
                        0,
                        0,
                        0,
                        0,
                        Double.NaN,
                        "",
                        f.adapter(),
                        "",
                        "",
                        0,
                        0,
                        false,
                        false,
                        "");
        out.collect(fact(
                ExecutionFact.FILL,
                f.eventId(),
                ts,
                dims,
                adapter(dims, f.adapter()),
                f.quantity(),
                0,
                slippage,
                latency,
                ingest));
    }

    @Override
    protected void onEventTime(long timestamp, OnTimerContext ctx, Collector<ExecutionFact> out) throws Exception {
        Tuple4<OrderRecord, Boolean, Boolean, Long> l = lifecycle();
        if (l == null || l.f3 == 0 || timestamp < l.f3) {
            return;
        }
        long restingUntil = l.f0.eventTimeMillis() + RETAIN_RESTING_MS;
        if (!l.f2 && restingUntil > timestamp) {
            // Updated since the timer was armed: wait a week from the last update.
            ctx.timerService().registerEventTimeTimer(restingUntil);
            lifecycle.update(Tuple4.of(l.f0, l.f1, false, restingUntil));
        } else {
            lifecycle.clear();
        }
    }

    /**
     * What a terminal order keeps for the hour it waits for late fills: what a fill reads (the dimensions, decision
     * price and time, confidence, adapters) and what merging a late transition into it needs to acknowledge it
     * (times, adapters). The rest is blank: no fact of a terminal order reads it.
     */
    static OrderRecord afterTerminal(OrderRecord o) {
        return new OrderRecord(
                "",
                0,
                "",
                o.org(),
                o.strategy(),
                o.instrument(),
                o.venue(),
                o.side(),
                "",
                0,
                0,
                o.decisionPrice(),
                0,
                o.confidence(),
                o.expectedAdapter(),
                o.actualAdapter(),
                "",
                "",
                o.decisionTimeMillis(),
                o.ackTimeMillis(),
                false,
                false,
                "");
    }

    private static ExecutionFact fact(
            String kind,
            String eventId,
            long ts,
            OrderRecord o,
            String adapter,
            double qty,
            double filled,
            double slippage,
            double latency,
            double ingest) {
        return new ExecutionFact(
                kind,
                ExecutionFact.ROUTE,
                eventId,
                ts,
                o.org(),
                o.strategy(),
                o.instrument(),
                o.venue(),
                adapter,
                "",
                qty,
                filled,
                slippage,
                latency,
                o.confidence(),
                false,
                "",
                false,
                "",
                ingest);
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
        return new OrderRecord(
                next.eventId(),
                next.eventTimeMillis(),
                next.orderId(),
                next.org(),
                next.strategy(),
                next.instrument(),
                next.venue(),
                next.side(),
                next.state(),
                next.quantity(),
                next.filledQuantity(),
                known.decisionPrice() > 0 ? known.decisionPrice() : next.decisionPrice(),
                next.limitPrice() > 0 ? next.limitPrice() : known.limitPrice(),
                next.confidence() > 0 ? next.confidence() : known.confidence(),
                known.expectedAdapter().isEmpty() ? next.expectedAdapter() : known.expectedAdapter(),
                next.actualAdapter().isEmpty() ? known.actualAdapter() : next.actualAdapter(),
                next.fallbackReason().isEmpty() ? known.fallbackReason() : next.fallbackReason(),
                next.errorCategory(),
                known.decisionTimeMillis() > 0 ? known.decisionTimeMillis() : next.decisionTimeMillis(),
                known.ackTimeMillis() > 0 ? known.ackTimeMillis() : next.ackTimeMillis(),
                next.reduceOnly(),
                next.exit(),
                next.lane().isEmpty() ? known.lane() : next.lane());
    }
}
