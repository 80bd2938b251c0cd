package io.riskplane.dislocation;

import io.riskplane.plane.PlaneConfigOptions;
import java.io.Serializable;
import java.util.Map;

/**
 * When a divergence counts: net of the taker fees of both venues (a round trip buys on one and sells on the other),
 * above thresholdBps, for at least minDurationMillis, counting only quotes younger than staleAfterMillis.
 */
public record DislocationSettings(
        double thresholdBps,
        long minDurationMillis,
        long staleAfterMillis,
        double defaultFeeBps,
        Map<String, Double> venueFeeBps)
        implements Serializable {

    /** Every dislocation key at its default (PlaneConfigOptions). */
    public static DislocationSettings defaults() {
        return new DislocationSettings(
                PlaneConfigOptions.DISLOCATION_THRESHOLD_BPS.defaultValue(),
                PlaneConfigOptions.DISLOCATION_MIN_DURATION_MS.defaultValue(),
                PlaneConfigOptions.DISLOCATION_STALE_AFTER_MS.defaultValue(),
                PlaneConfigOptions.DISLOCATION_DEFAULT_FEE_BPS.defaultValue(),
                Map.of());
    }

    public double feeBps(String venue) {
        Double f = venueFeeBps == null ? null : venueFeeBps.get(venue);
        return f == null ? defaultFeeBps : f;
    }
}
