package io.riskplane.pnl;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/** Daily PnL rolls over at midnight America/New_York (with its daylight-saving changes), whatever the venue. */
public final class NewYorkTradingDay {
    public static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    /**
     * The last day asked for, per thread: its first and next day's first instant and its name. Every PnL snapshot
     * asks, almost always for the day of the one before, and the time zone arithmetic cost more than the rest of the
     * snapshot.
     */
    private record Day(long startMillis, long endMillis, String name) {}

    private static final ThreadLocal<Day> LAST = new ThreadLocal<>();

    private NewYorkTradingDay() {}

    /** The New York date of an instant, ISO (yyyy-MM-dd). */
    public static String of(long epochMillis) {
        Day last = LAST.get();
        if (last != null && epochMillis >= last.startMillis() && epochMillis < last.endMillis()) {
            return last.name();
        }
        LocalDate d = Instant.ofEpochMilli(epochMillis).atZone(NEW_YORK).toLocalDate();
        Day day = new Day(
                d.atStartOfDay(NEW_YORK).toInstant().toEpochMilli(),
                d.plusDays(1).atStartOfDay(NEW_YORK).toInstant().toEpochMilli(),
                d.toString());
        LAST.set(day);
        return day.name();
    }
}
