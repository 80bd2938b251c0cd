package io.riskplane.eventtime;

import java.io.Serializable;
import java.time.Duration;

/**
 * Which of a scope's periodic evaluations storage keeps (docs/storage.md, "What is stored"): the rules judge every
 * evaluation, but a table needs a row only when the scope's status changes, plus one row per period of event time
 * so that a steady scope is still seen. Decided in the keyed function, in event-time order, from the evaluations
 * alone, so replay writes the same rows at any parallelism.
 *
 * <p>A row is stored when it is the scope's first, when its status differs from the previous evaluation's
 * ({@link #STATUS_CHANGE}), or else when it is the first evaluation in a period (aligned on the epoch) after the
 * period of the last stored row ({@link #PERIODIC}).
 */
public final class StoreOnChange {
    /** One periodic row per scope per minute of event time. */
    public static final Duration DEFAULT_PERIOD = Duration.ofMinutes(1);

    public static final String STATUS_CHANGE = "STATUS_CHANGE";
    public static final String PERIODIC = "PERIODIC";
    /** The evaluation is judged but not stored. */
    public static final String NOT_STORED = "";

    /** A scope's status at its previous evaluation, and the event time of its last stored row. */
    public record State(String status, long storedAtMillis) implements Serializable {}

    /** Why the evaluation is stored ({@link #NOT_STORED} when it is not), and the scope's next state. */
    public record Decision(String reason, State next) {
        public boolean stored() {
            return !reason.isEmpty();
        }
    }

    private StoreOnChange() {}

    /**
     * @param previous the scope's state, null before its first evaluation
     * @param status everything that makes up the scope's status (for example "BREACH|halted")
     */
    public static Decision decide(State previous, String status, long atMillis, long periodMillis) {
        String reason;
        if (previous == null || !previous.status().equals(status)) {
            reason = STATUS_CHANGE;
        } else if (Math.floorDiv(atMillis, periodMillis) > Math.floorDiv(previous.storedAtMillis(), periodMillis)) {
            reason = PERIODIC;
        } else {
            reason = NOT_STORED;
        }
        long storedAt = reason.isEmpty() ? previous.storedAtMillis() : atMillis;
        return new Decision(reason, new State(status, storedAt));
    }
}
