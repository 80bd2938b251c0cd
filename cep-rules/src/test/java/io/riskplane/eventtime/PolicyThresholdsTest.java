package io.riskplane.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.PolicyRecord;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Declared thresholds refuse what would switch a check off; among equally specific policies the strictest wins. */
class PolicyThresholdsTest {
    @Test
    void zeroNegativeUnknownAndAbsurdValuesAreRefused() {
        assertThat(PolicyThresholds.refusal(Map.of("cooldown_base_s", -30.0)))
                .contains("cooldown_base_s")
                .contains("> 0");
        assertThat(PolicyThresholds.refusal(Map.of("trip_window_s", -1.0))).contains("trip_window_s");
        assertThat(PolicyThresholds.refusal(Map.of("trip_window_s", 0.0))).contains("trip_window_s");
        assertThat(PolicyThresholds.refusal(Map.of("kill_trips", 0.0))).contains("kill_trips");
        assertThat(PolicyThresholds.refusal(Map.of("kill_trips", 2.5))).contains("whole number");
        assertThat(PolicyThresholds.refusal(Map.of("quote_freshness_ms", 1e12))).contains("quote_freshness_ms");
        assertThat(PolicyThresholds.refusal(Map.of("rejection_rate", 1.5))).contains("rejection_rate");
        assertThat(PolicyThresholds.refusal(Map.of("max_order_strategy", 20.0))).contains("not a threshold");
        assertThat(PolicyThresholds.refusal(Map.of("latency_p95_ms", Double.NaN)))
                .contains("not a finite");
        assertThat(PolicyThresholds.refusal(Map.of("cooldown_base_s", 300.0, "cooldown_max_s", 30.0)))
                .contains("below");
    }

    @Test
    void theDemoPoliciesAreAccepted() {
        assertThat(PolicyThresholds.refusal(Map.of(
                        "max_orders_strategy",
                        20.0,
                        "order_rate_window_s",
                        10.0,
                        "cooldown_base_s",
                        30.0,
                        "cooldown_max_s",
                        300.0,
                        "kill_trips",
                        3.0,
                        "trip_window_s",
                        900.0)))
                .isNull();
        assertThat(PolicyThresholds.refusal(Map.of(
                        "quote_freshness_ms",
                        10_000.0,
                        "confirm_evaluations",
                        3.0,
                        "resume_evaluations",
                        3.0,
                        "error_budget_target",
                        0.9,
                        "signal_lag_for_s",
                        0.0)))
                .isNull();
    }

    static PolicyRecord slo(String id, long version, long at, String venue, double freshnessMs) {
        return new PolicyRecord(
                id,
                version,
                "*",
                "",
                venue,
                "",
                "",
                "",
                0,
                0,
                0,
                0,
                true,
                at,
                id + "-v" + version,
                new TreeMap<>(Map.of("quote_freshness_ms", freshnessMs)));
    }

    static List<Map.Entry<String, PolicyRecord>> all(PolicyRecord... ps) {
        return java.util.Arrays.stream(ps)
                .map(p -> Map.entry(PolicyVersionedFunction.versionKey(p), p))
                .toList();
    }

    static PolicyRecord venue(Iterable<Map.Entry<String, PolicyRecord>> all, long at, String venue) {
        return PolicyScopes.inForce(all, at, "quote_freshness_ms", p -> PolicyScopes.named(p.venue(), venue));
    }

    @Test
    void aLaterLooserPolicyOfTheSameScopeDoesNotWin() {
        // the attack: a new policy "zz-evil-slo" for every venue with a freshness limit of 1e12 ms
        PolicyRecord desk = slo("slo-venues", 1, 0, "*", 10_000);
        PolicyRecord evil = slo("zz-evil-slo", 1, 5_000, "*", 3_600_000);
        assertThat(venue(all(desk, evil), 10_000, "kraken")).isEqualTo(desk);
        // a stricter one does win
        PolicyRecord strict = slo("aa-strict", 1, 5_000, "*", 2_000);
        assertThat(venue(all(desk, evil, strict), 10_000, "kraken")).isEqualTo(strict);
    }

    @Test
    void theMostSpecificScopeStillWinsAndANewVersionReplacesItsPredecessor() {
        PolicyRecord all = slo("slo-venues", 1, 0, "*", 10_000);
        PolicyRecord kraken = slo("slo-kraken", 1, 0, "kraken", 30_000);
        assertThat(venue(all(all, kraken), 10_000, "kraken")).isEqualTo(kraken);
        // the desk loosens its own policy by a new version: the new version is in force from its time
        PolicyRecord v2 = slo("slo-venues", 2, 20_000, "*", 20_000);
        assertThat(venue(all(all, v2), 10_000, "coinbase")).isEqualTo(all);
        assertThat(venue(all(all, v2), 20_000, "coinbase")).isEqualTo(v2);
        // a version that no longer sets the threshold takes the policy out of that rule
        PolicyRecord v3 = new PolicyRecord(
                "slo-venues",
                3,
                "*",
                "",
                "*",
                "",
                "",
                "",
                0,
                0,
                0,
                0,
                true,
                30_000,
                "v3",
                new TreeMap<>(Map.of("confirm_evaluations", 3.0)));
        assertThat(venue(all(all, v2, v3), 30_000, "coinbase")).isNull();
    }
}
