package io.riskplane.model;

/**
 * A cross-venue price dislocation of one canonical instrument: the mids of two venues apart by more than the
 * threshold net of fees, for at least the minimum duration. Reported OPEN once it has lasted the minimum duration and
 * CLOSED when it ends (endMillis 0 while open). Prices in quote currency, spreads in basis points of the lower mid.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(io.riskplane.model.serde.DislocationEpisodeSerializer.Factory.class)
public record DislocationEpisode(
        String episodeId,
        String instrument,
        String status,
        long startMillis,
        long endMillis,
        long durationMillis,
        double peakNetBps,
        double peakGrossBps,
        long peakMillis,
        String highVenue,
        String lowVenue,
        double highMid,
        double lowMid,
        double feesBps,
        String[] triggerEventIds) {

    public static final String OPEN = "OPEN";
    public static final String CLOSED = "CLOSED";
}
