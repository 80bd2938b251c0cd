package io.riskplane.staleness;

import java.io.Serializable;
import java.util.Map;

/**
 * How cursors are judged: every tickMillis of event time; no_signals_in_window when the source sent nothing for
 * windowMillis; cursor_ahead_of_stream when a cursor is more than lookbackMillis past the newest signal the plane has
 * seen. Each lane follows a market calendar (laneCalendars, else defaultCalendar): "NYSE" or "24x7".
 */
public record StalenessSettings(long tickMillis, long windowMillis, long lookbackMillis, String defaultCalendar,
        Map<String, String> laneCalendars) implements Serializable {

    public static StalenessSettings defaults() {
        return new StalenessSettings(5_000, 60_000, 30_000, TradingCalendar.ALWAYS, Map.of());
    }

    public TradingCalendar calendarOf(String lane) {
        String name = laneCalendars == null ? null : laneCalendars.get(lane);
        return TradingCalendar.named(name == null ? defaultCalendar : name);
    }
}
