package io.riskplane.eventtime;

import java.io.Serializable;

/**
 * The fixed event-time tick of a detector that keeps measuring while its key is silent (quote freshness, cursor
 * staleness), with the bounds that keep one absurd record from making it tick without end. Each bound is taken
 * against a reference time that the caller passes: for events and ticks played in event-time order, the time being
 * played itself, so that which ticks fire depends on event times only, never on how far the watermark moved in one
 * step (a backlog read at parallelism 2 moved it by hours at once and skipped ticks that replay fires, losing
 * decisions; 2026-12-06, session 4); for an event that arrived behind the watermark (late), the watermark.
 * <ul>
 *   <li>a key's first tick follows its first event, but lies at most {@code catchUp} behind the reference: a late
 *       event with an ancient time starts ticking near the watermark, not in 1970 (at most {@code catchUp} worth of
 *       ticks then fire up to the watermark);</li>
 *   <li>after that, every tick fires in turn ({@link #next}): nothing is skipped however far the watermark moves in
 *       one step;</li>
 *   <li>a key silent for {@code quietExpiry}, and judged at a catch-up's worth of ticks since its last event, has its
 *       last tick and its state cleared; the next event starts it afresh. In event-time order this is what ends the
 *       ticks of a key that fell silent, however long the silence or the watermark's step.</li>
 * </ul>
 * All three depend only on event times and the references, so a replay fires the same ticks. The plane passes its
 * stale horizon as {@code catchUp} (an event it accepts, at most that far behind the watermark, gets every tick since
 * it, so a backlog read in large watermark steps ticks as its replay does) and its quiet key expiry as
 * {@code quietExpiry} (time.stale_horizon_ms and time.quiet_key_expiry_ms, io.riskplane.plane.PlaneConfigOptions).
 */
public record EventTimeTicks(long tickMillis, long catchUpMillis, long quietExpiryMillis) implements Serializable {
    public EventTimeTicks {
        if (tickMillis <= 0 || catchUpMillis < tickMillis || quietExpiryMillis < catchUpMillis) {
            throw new IllegalArgumentException("ticks need 0 < tick <= catch-up <= quiet expiry, got " + tickMillis
                    + ", " + catchUpMillis + ", " + quietExpiryMillis + " ms");
        }
    }

    /**
     * The first tick of a key: the boundary after its event, or, when the reference is further ahead than the catch-up
     * bound (only a late event's watermark can be), the first boundary within that bound of it.
     */
    public long first(long eventMillis, long reference) {
        long first = Math.floorDiv(eventMillis, tickMillis) * tickMillis + tickMillis;
        // (The first test keeps MIN_VALUE from wrapping.) At the end of a bounded input (reference MAX_VALUE) nothing
        // is bounded: an event processed then gets its own next tick, and the detectors stop re-arming there.
        if (reference <= first || reference == Long.MAX_VALUE || reference - first <= catchUpMillis) {
            return first;
        }
        return (Math.floorDiv(reference - catchUpMillis, tickMillis) + 1) * tickMillis;
    }

    /**
     * The tick after the one that fired at {@code fired}: every boundary in turn, whatever the watermark's steps (a
     * silent key ends at the quiet expiry, {@link #expires}).
     */
    public long next(long fired) {
        return fired + tickMillis;
    }

    /**
     * True when a key last active at {@code lastActiveMillis}, judged at {@code ticksSinceActive} ticks since, has been
     * silent long enough to be forgotten.
     */
    public boolean expires(long tickMillisNow, long lastActiveMillis, long ticksSinceActive) {
        return tickMillisNow - lastActiveMillis >= quietExpiryMillis && ticksSinceActive >= catchUpTicks();
    }

    /** How many ticks the catch-up bound holds. */
    public long catchUpTicks() {
        return catchUpMillis / tickMillis;
    }
}
