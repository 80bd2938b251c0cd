package io.riskplane.dislocation;

import java.io.Serializable;
import java.util.Map;

/**
 * When a divergence counts: net of the taker fees of both venues (a round trip buys on one and sells on the other),
 * above thresholdBps, for at least minDurationMillis, counting only quotes younger than staleAfterMillis.
 */
public record DislocationSettings(double thresholdBps, long minDurationMillis, long staleAfterMillis,
        double defaultFeeBps, Map<String, Double> venueFeeBps) implements Serializable {

    public static DislocationSettings defaults() {
        return new DislocationSettings(10, 5_000, 5_000, 2, Map.of());
    }

    public double feeBps(String venue) {
        Double f = venueFeeBps == null ? null : venueFeeBps.get(venue);
        return f == null ? defaultFeeBps : f;
    }
}
