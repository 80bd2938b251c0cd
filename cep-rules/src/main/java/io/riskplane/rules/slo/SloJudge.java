package io.riskplane.rules.slo;

import io.riskplane.model.PolicyRecord;
import io.riskplane.model.SloEvaluation;
import io.riskplane.model.SloMeasurement;
import java.util.Map;
import java.util.TreeMap;

/**
 * The thresholds of each SLO and how a measurement is judged (docs/rules.md). Apart from Flink so that it can be
 * tested by hand-computed cases. Threshold names are keys of RiskPolicy.thresholds.
 */
public final class SloJudge {
    public static final String QUOTE_FRESHNESS_MS = "quote_freshness_ms";
    public static final String REJECTION_RATE = "rejection_rate";
    public static final String REJECTION_MIN_SAMPLES = "rejection_min_samples";
    public static final String LATENCY_P95_MS = "latency_p95_ms";
    public static final String LATENCY_MIN_SAMPLES = "latency_min_samples";
    public static final String ERROR_BUDGET_TARGET = "error_budget_target";
    public static final String BURN_RATE_FAST = "burn_rate_fast";
    public static final String BURN_RATE_SLOW = "burn_rate_slow";
    public static final String CONFIRM_EVALUATIONS = "confirm_evaluations";
    public static final String RESUME_EVALUATIONS = "resume_evaluations";

    /** The evidence key that marks a breach declared because the measure was not a finite number. */
    public static final String NON_FINITE_MEASURE = "non_finite_measure";

    public static final int DEFAULT_CONFIRM = 3;
    public static final int DEFAULT_RESUME = 5;
    public static final double DEFAULT_MIN_SAMPLES = 20;
    public static final double DEFAULT_BURN_FAST = 14.4;
    public static final double DEFAULT_BURN_SLOW = 6.0;

    private SloJudge() {}

    /** The threshold that makes a policy monitor this SLO. */
    public static String thresholdName(String slo) {
        switch (slo) {
            case SloMeasurement.QUOTE_FRESHNESS:
                return QUOTE_FRESHNESS_MS;
            case SloMeasurement.REJECTION_RATE:
                return REJECTION_RATE;
            case SloMeasurement.LATENCY_P95:
                return LATENCY_P95_MS;
            case SloMeasurement.ERROR_BUDGET_BURN:
                return ERROR_BUDGET_TARGET;
            default:
                throw new IllegalArgumentException("unknown SLO " + slo);
        }
    }

    /** A verdict: status, and derived values (burn rates, budget remaining) for the evidence. */
    public record Verdict(String status, Map<String, Double> derived) {}

    public static Verdict judge(SloMeasurement m, PolicyRecord p) {
        Map<String, Double> derived = new TreeMap<>();
        if (p == null) {
            return new Verdict(SloEvaluation.NO_POLICY, derived);
        }
        double limit = p.threshold(thresholdName(m.slo()), Double.NaN);
        // Every comparison with NaN is false: a measure that is not a finite number would read as healthy. It is a
        // breach, marked in the evidence.
        if (m.value() != null && !Double.isFinite(m.value())
                || m.values() != null && m.values().values().stream().anyMatch(x -> x != null && !Double.isFinite(x))) {
            derived.put(NON_FINITE_MEASURE, 1.0);
            return new Verdict(SloEvaluation.BREACH, derived);
        }
        switch (m.slo()) {
            case SloMeasurement.QUOTE_FRESHNESS:
                return new Verdict(m.value() > limit ? SloEvaluation.BREACH : SloEvaluation.HEALTHY, derived);
            case SloMeasurement.REJECTION_RATE:
                return sampled(m, limit, p.threshold(REJECTION_MIN_SAMPLES, DEFAULT_MIN_SAMPLES), derived);
            case SloMeasurement.LATENCY_P95:
                return sampled(m, limit, p.threshold(LATENCY_MIN_SAMPLES, DEFAULT_MIN_SAMPLES), derived);
            case SloMeasurement.ERROR_BUDGET_BURN:
                return burn(m, limit, p, derived);
            default:
                throw new IllegalArgumentException("unknown SLO " + m.slo());
        }
    }

    private static Verdict sampled(SloMeasurement m, double limit, double minSamples, Map<String, Double> derived) {
        if (m.value() == null || m.samples() < minSamples) {
            return new Verdict(SloEvaluation.INSUFFICIENT_DATA, derived);
        }
        return new Verdict(m.value() > limit ? SloEvaluation.BREACH : SloEvaluation.HEALTHY, derived);
    }

    /**
     * Burn rate of a window = (bad / total) / (1 - target). Breach when both windows of the fast pair (5m, 1h) burn
     * above burn_rate_fast, or both of the slow pair (30m, 6h) above burn_rate_slow. Budget remaining = 1 - the 6h
     * burn rate (the share of the window's budget not yet spent; negative when overspent).
     */
    private static Verdict burn(SloMeasurement m, double target, PolicyRecord p, Map<String, Double> derived) {
        double allowed = 1 - target;
        Map<String, Double> v = m.values();
        for (String w : new String[] {"5m", "30m", "1h", "6h"}) {
            double total = v.getOrDefault("total_" + w, 0.0);
            if (total > 0) {
                derived.put("burn_rate_" + w, v.getOrDefault("bad_" + w, 0.0) / total / allowed);
            }
        }
        if (!derived.containsKey("burn_rate_6h")) {
            return new Verdict(SloEvaluation.INSUFFICIENT_DATA, derived);
        }
        derived.put("budget_remaining", 1 - derived.get("burn_rate_6h"));
        double fast = p.threshold(BURN_RATE_FAST, DEFAULT_BURN_FAST);
        double slow = p.threshold(BURN_RATE_SLOW, DEFAULT_BURN_SLOW);
        boolean fastBurn =
                derived.getOrDefault("burn_rate_5m", 0.0) > fast && derived.getOrDefault("burn_rate_1h", 0.0) > fast;
        boolean slowBurn =
                derived.getOrDefault("burn_rate_30m", 0.0) > slow && derived.getOrDefault("burn_rate_6h", 0.0) > slow;
        return new Verdict(fastBurn || slowBurn ? SloEvaluation.BREACH : SloEvaluation.HEALTHY, derived);
    }
}
