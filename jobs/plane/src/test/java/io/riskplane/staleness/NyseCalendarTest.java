package io.riskplane.staleness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Regular session, DST, holidays, early closes and the fail-closed default past the table, by the clock. */
class NyseCalendarTest {
    static boolean open(String utc) {
        return TradingCalendar.named("NYSE").isOpen(Instant.parse(utc).toEpochMilli());
    }

    @Test
    void sessionsHolidaysAndEarlyCloses() {
        assertThat(open("2026-11-20T14:30:00Z")).isTrue(); // Friday 09:30 EST
        assertThat(open("2026-11-20T14:29:59Z")).isFalse();
        assertThat(open("2026-11-20T20:59:59Z")).isTrue();
        assertThat(open("2026-11-20T21:00:00Z")).isFalse(); // 16:00 EST
        assertThat(open("2026-07-06T13:30:00Z")).isTrue(); // 09:30 EDT
        assertThat(open("2026-07-06T13:29:00Z")).isFalse();
        assertThat(open("2026-11-21T15:00:00Z")).isFalse(); // Saturday
        assertThat(open("2026-11-26T15:00:00Z")).isFalse(); // Thanksgiving
        assertThat(open("2026-07-03T15:00:00Z")).isFalse(); // Independence Day observed
        assertThat(open("2026-11-27T17:59:00Z")).isTrue(); // 12:59 EST, early close day
        assertThat(open("2026-11-27T18:00:00Z")).isFalse(); // 13:00 EST
        assertThat(open("2028-12-25T15:00:00Z")).isTrue(); // past the table: treated as a weekday
        assertThat(TradingCalendar.named("24x7")
                        .isOpen(Instant.parse("2026-11-26T15:00:00Z").toEpochMilli()))
                .isTrue();
    }
}
