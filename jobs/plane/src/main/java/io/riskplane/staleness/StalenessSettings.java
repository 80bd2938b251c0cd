package io.riskplane.staleness;

import io.riskplane.plane.PlaneConfigOptions;
import java.io.Serializable;
import java.util.Map;

/**
 * How cursors are judged: every tickMillis of event time; no_signals_in_window when the source sent nothing for
 * windowMillis; cursor_ahead_of_stream when a cursor is more than lookbackMillis past the newest signal the plane has
 * seen. Each lane follows a market calendar (laneCalendars, else defaultCalendar): "NYSE" or "24x7".
 */
public record StalenessSettings(
        long tickMillis,
        long windowMillis,
        long lookbackMillis,
        String defaultCalendar,
        Map<String, String> laneCalendars)
        implements Serializable {

    /** Every staleness key at its default (PlaneConfigOptions). */
    public static StalenessSettings defaults() {
        return new StalenessSettings(
                PlaneConfigOptions.STALENESS_TICK_MS.defaultValue(),
                PlaneConfigOptions.STALENESS_WINDOW_MS.defaultValue(),
                PlaneConfigOptions.STALENESS_LOOKBACK_MS.defaultValue(),
                PlaneConfigOptions.STALENESS_DEFAULT_CALENDAR.defaultValue(),
                Map.of());
    }

    public TradingCalendar calendarOf(String lane) {
        String name = laneCalendars == null ? null : laneCalendars.get(lane);
        return TradingCalendar.named(name == null ? defaultCalendar : name);
    }
}
