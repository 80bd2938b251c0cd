package io.riskplane.staleness;

import io.riskplane.model.CursorRecord;
import io.riskplane.model.SignalRecord;

/** A signal or a cursor commit, keyed by the signal source both refer to. Exactly one of the two is set. */
public record StalenessInput(SignalRecord signal, CursorRecord cursor) {

    public static StalenessInput of(SignalRecord s) {
        return new StalenessInput(s, null);
    }

    public static StalenessInput of(CursorRecord c) {
        return new StalenessInput(null, c);
    }

    public String source() {
        return signal != null ? signal.source() : cursor.source();
    }

    public long atMillis() {
        return signal != null ? signal.eventTimeMillis() : cursor.eventTimeMillis();
    }

    public String eventId() {
        return signal != null ? signal.eventId() : cursor.eventId();
    }
}
