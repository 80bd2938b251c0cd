package io.riskplane.eventtime;

import java.util.Map;
import java.util.TreeMap;

/**
 * Every named policy threshold the rules read, with its declared range and the direction in which it is stricter.
 * A policy that names a threshold not declared here, or sets one outside its range, is refused at the input
 * (INVALID_VALUE), so that no value can switch a check off: a zero or negative cooldown, window or limit would make
 * the rule never fire (docs/contracts.md, "Thresholds"). Among equally specific policies the stricter value wins
 * ({@link PolicyScopes#inForce}).
 */
public final class PolicyThresholds {
    private PolicyThresholds() {}

    /** Which way a value is stricter. */
    public enum Stricter {
        LOWER,
        HIGHER
    }

    /**
     * One declared threshold: values lie in [min, max] (min excluded when minExclusive), whole numbers when integral.
     */
    public record Spec(
            String name,
            double min,
            boolean minExclusive,
            double max,
            boolean integral,
            Stricter stricter,
            String unit) {
        /** Why the value is refused, or null when it is in range. */
        public String refusal(double v) {
            if (!Double.isFinite(v)) {
                return "is not a finite number: " + v;
            }
            if (minExclusive ? v <= min : v < min) {
                return "must be " + (minExclusive ? "> " : ">= ") + plain(min) + " " + unit + ", got " + v;
            }
            if (v > max) {
                return "must be <= " + plain(max) + " " + unit + ", got " + v;
            }
            if (integral && v != Math.rint(v)) {
                return "must be a whole number, got " + v;
            }
            return null;
        }

        /** True when {@code a} is stricter than {@code b}. */
        public boolean stricter(double a, double b) {
            return stricter == Stricter.LOWER ? a < b : a > b;
        }
    }

    private static final double DAY_S = 86_400;
    private static final double WEEK_S = 7 * DAY_S;
    private static final Map<String, Spec> SPECS = new TreeMap<>();

    static {
        // SLO rules
        // At most an hour: a venue silent for longer is stale under every policy before its key expires
        // (EventTimeTicks).
        limit("quote_freshness_ms", 3_600_000, "ms");
        limit("rejection_rate", 1, "ratio");
        count("rejection_min_samples", 1_000_000, Stricter.LOWER);
        limit("latency_p95_ms", 3_600_000, "ms");
        count("latency_min_samples", 1_000_000, Stricter.LOWER);
        declare(new Spec("error_budget_target", 0, true, 0.999999, false, Stricter.HIGHER, "ratio"));
        limit("burn_rate_fast", 10_000, "x");
        limit("burn_rate_slow", 10_000, "x");
        count("confirm_evaluations", 1_000, Stricter.LOWER);
        count("resume_evaluations", 1_000, Stricter.HIGHER);
        // Guardrails
        count("max_orders_org", 1e9, Stricter.LOWER);
        count("max_orders_strategy", 1e9, Stricter.LOWER);
        count("max_orders_instrument", 1e9, Stricter.LOWER);
        duration("order_rate_window_s", DAY_S, Stricter.HIGHER);
        limit("max_spread_cross_bps", 10_000, "bps");
        limit("max_adverse_selection_bps", 10_000, "bps");
        duration("cooldown_base_s", WEEK_S, Stricter.HIGHER);
        duration("cooldown_max_s", WEEK_S, Stricter.HIGHER);
        count("kill_trips", 1_000, Stricter.LOWER);
        duration("trip_window_s", WEEK_S, Stricter.HIGHER);
        // Route fallback
        limit("fallback_ratio_budget", 1, "ratio");
        declare(new Spec("fallback_budget_for_s", 0, false, DAY_S, false, Stricter.LOWER, "s"));
        count("fallback_min_samples", 1_000_000, Stricter.LOWER);
        // Signal lag
        limit("signal_lag_max_s", DAY_S, "s");
        declare(new Spec("signal_lag_for_s", 0, false, DAY_S, false, Stricter.LOWER, "s"));
        // Drawdown recovery (rule pnl.recovery.resume): a level at or below which the drawdown must stay, for a span.
        // Zero is allowed (back at the peak); the input also refuses a level at or above the policy's max_drawdown.
        declare(new Spec("drawdown_resume_below", 0, false, 1e15, false, Stricter.LOWER, "currency"));
        duration("drawdown_resume_after_s", WEEK_S, Stricter.HIGHER);
        // Lane failures
        count("lane_max_failures", 1_000, Stricter.LOWER);
        duration("lane_failure_window_s", WEEK_S, Stricter.HIGHER);
    }

    /** A limit that is breached when exceeded: above zero, lower is stricter. */
    private static void limit(String name, double max, String unit) {
        declare(new Spec(name, 0, true, max, false, Stricter.LOWER, unit));
    }

    private static void count(String name, double max, Stricter stricter) {
        declare(new Spec(name, 1, false, max, true, stricter, "count"));
    }

    /** A window or a halt length: zero or negative would make it empty. */
    private static void duration(String name, double max, Stricter stricter) {
        declare(new Spec(name, 0, true, max, false, stricter, "s"));
    }

    private static void declare(Spec s) {
        SPECS.put(s.name(), s);
    }

    /** The declared threshold, or null for a name no rule reads. */
    public static Spec spec(String name) {
        return SPECS.get(name);
    }

    /** Every declared threshold, by name. */
    public static Map<String, Spec> all() {
        return java.util.Collections.unmodifiableMap(SPECS);
    }

    /**
     * Why a policy's thresholds are refused, or null. Besides each value's range, a cooldown's maximum may not be
     * below its base (the escalation would shorten the halt), and a drawdown recovery needs its level and its span.
     */
    public static String refusal(Map<String, Double> thresholds) {
        for (Map.Entry<String, Double> t : new TreeMap<>(thresholds).entrySet()) {
            Spec s = SPECS.get(t.getKey());
            if (s == null) {
                return "thresholds[" + t.getKey() + "] is not a threshold any rule reads";
            }
            String why = s.refusal(t.getValue());
            if (why != null) {
                return "thresholds[" + t.getKey() + "] " + why;
            }
        }
        Double base = thresholds.get("cooldown_base_s");
        Double max = thresholds.get("cooldown_max_s");
        if (base != null && max != null && max < base) {
            return "thresholds[cooldown_max_s] " + max + " is below thresholds[cooldown_base_s] " + base;
        }
        if (thresholds.containsKey("drawdown_resume_below") != thresholds.containsKey("drawdown_resume_after_s")) {
            return "thresholds[drawdown_resume_below] and thresholds[drawdown_resume_after_s] are set together or not"
                    + " at all (a recovery needs a level and a span)";
        }
        return null;
    }

    private static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
