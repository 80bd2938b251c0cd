package io.riskplane.model;

/**
 * A risk policy version as the rules use it. strategy "" is the org as a whole; "*" is the default for every
 * strategy of the org that has no policy of its own. Optional thresholds are 0 when not set.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(io.riskplane.model.serde.PolicyRecordSerializer.Factory.class)
public record PolicyRecord(
        String policyId,
        long version,
        String org,
        String strategy,
        String venue,
        String adapter,
        String lane,
        String currency,
        double maxDrawdown,
        double maxDrawdownFraction,
        double maxDailyLoss,
        double capitalBase,
        boolean autoResume,
        long effectiveMillis,
        String eventId,
        java.util.Map<String, Double> thresholds) {

    public static final String ORG_WIDE = "";
    public static final String EACH_STRATEGY = "*";

    /** A named threshold, or the default when the policy does not set it. */
    public double threshold(String name, double dflt) {
        Double v = thresholds == null ? null : thresholds.get(name);
        return v == null ? dflt : v;
    }

    /** A PnL (and guardrail) policy: scoped by org and strategy only, so it carries a drawdown limit. */
    public boolean isPnlPolicy() {
        return venue.isEmpty() && adapter.isEmpty() && lane.isEmpty();
    }

    public boolean hasThreshold(String name) {
        return thresholds != null && thresholds.containsKey(name);
    }
}
