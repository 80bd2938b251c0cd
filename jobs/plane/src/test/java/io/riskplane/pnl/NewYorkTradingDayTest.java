package io.riskplane.pnl;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The cached day agrees with java.time's New York date at every instant, around midnights and DST changes. */
class NewYorkTradingDayTest {
    private static final ZoneId NY = ZoneId.of("America/New_York");

    @Test
    void theDayOfEveryInstantIsItsNewYorkDate() {
        List<Long> instants = new ArrayList<>();
        // Each New York midnight and DST change of 2026 (2026-03-08 and 2026-11-01), a millisecond either side.
        for (String edge : List.of(
                "2026-03-08T00:00:00-05:00",
                "2026-03-08T02:00:00-05:00",
                "2026-03-09T00:00:00-04:00",
                "2026-11-01T00:00:00-04:00",
                "2026-11-01T01:00:00-05:00",
                "2026-11-02T00:00:00-05:00",
                "2026-12-31T00:00:00-05:00")) {
            long t = java.time.OffsetDateTime.parse(edge).toInstant().toEpochMilli();
            instants.addAll(List.of(t - 1, t, t + 1));
        }
        Random random = new Random(7);
        long year = 1_767_225_600_000L; // 2026-01-01T00:00Z
        for (int i = 0; i < 20_000; i++) {
            // Runs of nearby instants (as snapshots come) and jumps back and forth (a late event, another scope).
            long t = i % 50 == 0
                    ? year + (long) (random.nextDouble() * 365 * 86_400_000L)
                    : instants.get(instants.size() - 1) + random.nextInt(7_200_000) - 600_000;
            instants.add(t);
        }
        for (long t : instants) {
            assertThat(NewYorkTradingDay.of(t))
                    .as("day of %d", t)
                    .isEqualTo(Instant.ofEpochMilli(t).atZone(NY).toLocalDate().toString());
        }
    }
}
