package io.riskplane.model;

/**
 * One consumer's cursor judged against the signal-stream tail the plane observed, at one event-time tick
 * (docs/metrics.md, "Cursor staleness"). Sequences are -1 and times 0 when nothing was seen yet; lags are seconds and
 * null when undefined. sessionOpen is false outside the lane's market session, where silence is expected and
 * no_signals_in_window / cursor_tail_stable are not raised. storeReason says why storage keeps this row: STATUS_CHANGE
 * (status or reasons changed, or the consumer's first), PERIODIC (the first of a minute of event time), or "" (judged
 * but not stored; docs/storage.md).
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(io.riskplane.model.serde.CursorStalenessSerializer.Factory.class)
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
        String[] triggerEventIds,
        String storeReason) {

    public static final String OK = "OK";
    public static final String STALE = "STALE";
    public static final String SESSION_CLOSED = "SESSION_CLOSED";

    public String scopeKey() {
        return source + "|" + consumerId;
    }

    /** Everything that makes up the consumer's status: a change of any of it is stored. */
    public String statusKey() {
        return status
                + (cursorAheadOfStream ? "|ahead" : "")
                + (cursorTailStable ? "|tail-stable" : "")
                + (noSignalsInWindow ? "|no-signals" : "");
    }

    /** Whether storage keeps this row (the signal-lag rule reads every one). */
    public boolean stored() {
        return !storeReason.isEmpty();
    }

    public CursorStaleness withStoreReason(String reason) {
        return new CursorStaleness(
                stalenessId,
                measuredAtMillis,
                source,
                consumerId,
                lane,
                calendar,
                sessionOpen,
                tailSequence,
                tailSignalMillis,
                tailEventMillis,
                cursorSequence,
                cursorTimeMillis,
                signalLagSeconds,
                cursorLagSeconds,
                cursorAheadOfStream,
                cursorTailStable,
                noSignalsInWindow,
                aheadStreak,
                tailStableStreak,
                noSignalsStreak,
                status,
                triggerEventIds,
                reason);
    }
}
