package io.riskplane.telemetry;

import io.riskplane.model.BookEvent;
import io.riskplane.model.OrderRecord;
import io.riskplane.model.SignalRecord;

/**
 * An order transition, a fill or a signal on its way to the order lifecycle, with the time the plane received it
 * (0 when unknown, as in replay). Exactly one of order, fill and signal is set.
 */
public record ExecutionInput(OrderRecord order, BookEvent fill, SignalRecord signal, long ingestMillis) {

    /** Orders and their fills meet on the order id; signals pass through keyed by source. */
    public String lifecycleKey() {
        if (order != null) {
            return "order|" + order.orderId();
        }
        if (fill != null) {
            return "order|" + fill.orderId();
        }
        return "signal|" + signal.source();
    }

    public long eventTimeMillis() {
        return order != null
                ? order.eventTimeMillis()
                : fill != null ? fill.eventTimeMillis() : signal.eventTimeMillis();
    }

    public String eventId() {
        return order != null ? order.eventId() : fill != null ? fill.eventId() : signal.eventId();
    }

    /** Order transitions before fills before signals within one millisecond. */
    public int rank() {
        return order != null ? 0 : fill != null ? 1 : 2;
    }
}
