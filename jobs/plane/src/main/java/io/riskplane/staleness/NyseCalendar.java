package io.riskplane.staleness;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;

/**
 * NYSE regular trading sessions: 09:30 to 16:00 America/New_York on weekdays, closed on exchange holidays, closing at
 * 13:00 on early-close days. The holiday and early-close table is NYSE's published calendar for 2025 to 2027; dates
 * after {@link #LAST_KNOWN} are treated as regular weekdays (fail closed: the staleness checks keep running rather
 * than assuming the market is shut), and the table must be extended each year (docs/metrics.md).
 */
public final class NyseCalendar implements TradingCalendar {
    private static final long serialVersionUID = 1L;
    static final NyseCalendar INSTANCE = new NyseCalendar();

    public static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final LocalTime OPEN = LocalTime.of(9, 30);
    static final LocalTime CLOSE = LocalTime.of(16, 0);
    static final LocalTime EARLY_CLOSE = LocalTime.of(13, 0);
    public static final LocalDate LAST_KNOWN = LocalDate.of(2027, 12, 31);

    static final Set<LocalDate> HOLIDAYS = Set.of(
            // 2025
            LocalDate.of(2025, 1, 1),
            LocalDate.of(2025, 1, 9),
            LocalDate.of(2025, 1, 20),
            LocalDate.of(2025, 2, 17),
            LocalDate.of(2025, 4, 18),
            LocalDate.of(2025, 5, 26),
            LocalDate.of(2025, 6, 19),
            LocalDate.of(2025, 7, 4),
            LocalDate.of(2025, 9, 1),
            LocalDate.of(2025, 11, 27),
            LocalDate.of(2025, 12, 25),
            // 2026
            LocalDate.of(2026, 1, 1),
            LocalDate.of(2026, 1, 19),
            LocalDate.of(2026, 2, 16),
            LocalDate.of(2026, 4, 3),
            LocalDate.of(2026, 5, 25),
            LocalDate.of(2026, 6, 19),
            LocalDate.of(2026, 7, 3),
            LocalDate.of(2026, 9, 7),
            LocalDate.of(2026, 11, 26),
            LocalDate.of(2026, 12, 25),
            // 2027
            LocalDate.of(2027, 1, 1),
            LocalDate.of(2027, 1, 18),
            LocalDate.of(2027, 2, 15),
            LocalDate.of(2027, 3, 26),
            LocalDate.of(2027, 5, 31),
            LocalDate.of(2027, 6, 18),
            LocalDate.of(2027, 7, 5),
            LocalDate.of(2027, 9, 6),
            LocalDate.of(2027, 11, 25),
            LocalDate.of(2027, 12, 24));

    static final Set<LocalDate> EARLY_CLOSES = Set.of(
            LocalDate.of(2025, 7, 3),
            LocalDate.of(2025, 11, 28),
            LocalDate.of(2025, 12, 24),
            LocalDate.of(2026, 11, 27),
            LocalDate.of(2026, 12, 24),
            LocalDate.of(2027, 11, 26));

    private NyseCalendar() {}

    @Override
    public boolean isOpen(long epochMillis) {
        ZonedDateTime t = Instant.ofEpochMilli(epochMillis).atZone(NEW_YORK);
        LocalDate day = t.toLocalDate();
        if (day.getDayOfWeek() == DayOfWeek.SATURDAY
                || day.getDayOfWeek() == DayOfWeek.SUNDAY
                || HOLIDAYS.contains(day)) {
            return false;
        }
        LocalTime time = t.toLocalTime();
        LocalTime close = EARLY_CLOSES.contains(day) ? EARLY_CLOSE : CLOSE;
        return !time.isBefore(OPEN) && time.isBefore(close);
    }

    @Override
    public String name() {
        return NYSE;
    }
}
