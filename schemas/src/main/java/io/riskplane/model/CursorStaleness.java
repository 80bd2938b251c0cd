package io.riskplane.model;

/**
 * One consumer's cursor judged against the signal-stream tail the plane observed, at one event-time tick
 * (docs/metrics.md, "Cursor staleness"). Sequences are -1 and times 0 when nothing was seen yet; lags are seconds and
 * null when undefined. sessionOpen is false outside the lane's market session, where silence is expected and
 * no_signals_in_window / cursor_tail_stable are not raised.
 */
public record CursorStaleness(
        String stalenessId,
        long measuredAtMillis,
        String source,
        String consumerId,
        String lane,
        String calendar,
        boolean sessionOpen,
        long tailSequence,
        long tailSignalMillis,
        long tailEventMillis,
        long cursorSequence,
        long cursorTimeMillis,
        Double signalLagSeconds,
        Double cursorLagSeconds,
        boolean cursorAheadOfStream,
        boolean cursorTailStable,
        boolean noSignalsInWindow,
        int aheadStreak,
        int tailStableStreak,
        int noSignalsStreak,
        String status,
        String[] triggerEventIds) {

    public static final String OK = "OK";
    public static final String STALE = "STALE";
    public static final String SESSION_CLOSED = "SESSION_CLOSED";

    public String scopeKey() {
        return source + "|" + consumerId;
    }
}
