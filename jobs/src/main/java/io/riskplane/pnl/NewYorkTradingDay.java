package io.riskplane.pnl;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/** Daily PnL rolls over at midnight America/New_York (with its daylight-saving changes), whatever the venue. */
public final class NewYorkTradingDay {
    public static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private NewYorkTradingDay() {}

    public static String of(long epochMillis) {
        LocalDate d = Instant.ofEpochMilli(epochMillis).atZone(NEW_YORK).toLocalDate();
        return d.toString();
    }
}
