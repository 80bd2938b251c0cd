package io.riskplane.model;

/**
 * A risk policy version as the rules use it. strategy "" is the org as a whole; "*" is the default for every
 * strategy of the org that has no policy of its own. Optional thresholds are 0 when not set.
 */
public record PolicyRecord(
        String policyId,
        long version,
        String org,
        String strategy,
        String currency,
        double maxDrawdown,
        double maxDrawdownFraction,
        double maxDailyLoss,
        double capitalBase,
        boolean autoResume,
        long effectiveMillis,
        String eventId) {

    public static final String ORG_WIDE = "";
    public static final String EACH_STRATEGY = "*";
}
