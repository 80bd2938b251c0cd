package io.riskplane.plane;

import static io.riskplane.plane.PlaneConfigOptions.defaultDuration;

import io.riskplane.alerting.AlertSettings;
import io.riskplane.dislocation.DislocationSettings;
import io.riskplane.staleness.StalenessSettings;
import java.io.Serializable;
import java.time.Duration;

/**
 * How the plane treats time. outOfOrderness bounds how late an event may arrive and still be ordered
 * deterministically; idleness lets a silent Kafka partition stop holding back the watermark (0 = off, as in
 * replay); maxFutureSkew rejects events stamped too far ahead of their receive time; dataDrivenWatermarks makes the
 * watermark move with the data only (replay), not on a wall-clock period (live); dislocation says when cross-venue
 * divergences count; staleness
 * says how consumer cursors are judged and which market calendar each lane follows; alerting says which team an
 * org's alerts go to and where runbooks live; planeId names this plane in its heartbeats, sent every
 * heartbeatInterval (live only); liveLag, when not zero, lets a live partition's watermark follow the wall clock
 * (LiveClockWatermarks); staleHorizon refuses events further behind the watermark (STALE_TIMESTAMP); quietKeyExpiry
 * ends the ticking and the state of a quote or signal-source key silent for that long (EventTimeTicks);
 * operatorKeys are where the keys of the operators whose signed commands the plane accepts are (none: it refuses every
 * command); policyKeys where the risk desk's keys are, which sign risk policies, and requireSignedPolicies whether a
 * policy must verify under one of them to be applied (a signed policy is verified either way: PolicyVersionGate).
 */
public record PlaneOptions(
        Duration outOfOrderness,
        Duration idleness,
        Duration maxFutureSkew,
        boolean dataDrivenWatermarks,
        DislocationSettings dislocation,
        StalenessSettings staleness,
        AlertSettings alerting,
        String planeId,
        Duration heartbeatInterval,
        Duration liveLag,
        Duration staleHorizon,
        Duration quietKeyExpiry,
        java.util.List<io.riskplane.verify.SigningKey> operatorKeys,
        java.util.List<io.riskplane.verify.SigningKey> policyKeys,
        boolean requireSignedPolicies)
        implements Serializable {
    /** Without policy keys: policies need no signature. */
    public PlaneOptions(
            Duration outOfOrderness,
            Duration idleness,
            Duration maxFutureSkew,
            boolean dataDrivenWatermarks,
            DislocationSettings dislocation,
            StalenessSettings staleness,
            AlertSettings alerting,
            String planeId,
            Duration heartbeatInterval,
            Duration liveLag,
            Duration staleHorizon,
            Duration quietKeyExpiry,
            java.util.List<io.riskplane.verify.SigningKey> operatorKeys) {
        this(
                outOfOrderness,
                idleness,
                maxFutureSkew,
                dataDrivenWatermarks,
                dislocation,
                staleness,
                alerting,
                planeId,
                heartbeatInterval,
                liveLag,
                staleHorizon,
                quietKeyExpiry,
                operatorKeys,
                java.util.List.of(),
                false);
    }

    /**
     * Events more than this behind the plane's event time are refused as STALE_TIMESTAMP: far beyond any producer's
     * retry, and short enough that an ancient time cannot start a detector in the past. docs/operations.md.
     */
    public static final Duration DEFAULT_STALE_HORIZON = defaultDuration(PlaneConfigOptions.TIME_STALE_HORIZON_MS);

    public PlaneOptions {
        operatorKeys = operatorKeys == null ? java.util.List.of() : java.util.List.copyOf(operatorKeys);
        policyKeys = policyKeys == null ? java.util.List.of() : java.util.List.copyOf(policyKeys);
        // The quiet expiry must exceed the longest quote_freshness_ms a policy may set (PolicyThresholds), so that an
        // expiring key has been judged stale under every policy first.
        // The stale horizon is also the ticks' catch-up bound (EventTimeTicks), which the expiry may not undercut.
        if (quietKeyExpiry.compareTo(Duration.ofHours(1)) <= 0
                || staleHorizon.compareTo(Duration.ofMinutes(1)) < 0
                || staleHorizon.compareTo(quietKeyExpiry) > 0) {
            throw new IllegalArgumentException("the quiet key expiry must be over 1 h and the stale horizon between "
                    + "1 min and the expiry, got " + quietKeyExpiry + " and " + staleHorizon);
        }
    }

    public static final String DEFAULT_PLANE_ID = PlaneConfigOptions.SECURITY_PLANE_ID.defaultValue();
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL =
            defaultDuration(PlaneConfigOptions.SECURITY_HEARTBEAT_INTERVAL_MS);
    /**
     * Live partitions follow the wall clock this far behind it: a feed that stops is measured as stale (fail closed,
     * drill SilenceIT) and the last event before a pause is judged at once instead of after the idleness timeout.
     * Backlogs (replays, catch-up) keep pure event time. docs/operations.md.
     */
    public static final Duration DEFAULT_LIVE_LAG = defaultDuration(PlaneConfigOptions.TIME_LIVE_LAG_MS);

    /** Every option at its default (PlaneConfigOptions); watermarks also on a wall-clock period, as live runs need. */
    public static PlaneOptions streaming() {
        return new PlaneOptions(
                defaultDuration(PlaneConfigOptions.TIME_OUT_OF_ORDERNESS_MS),
                defaultDuration(PlaneConfigOptions.TIME_IDLENESS_MS),
                defaultDuration(PlaneConfigOptions.TIME_MAX_FUTURE_SKEW_MS),
                false,
                DislocationSettings.defaults(),
                StalenessSettings.defaults(),
                AlertSettings.defaults(),
                DEFAULT_PLANE_ID,
                DEFAULT_HEARTBEAT_INTERVAL,
                DEFAULT_LIVE_LAG,
                DEFAULT_STALE_HORIZON,
                defaultDuration(PlaneConfigOptions.TIME_QUIET_KEY_EXPIRY_MS),
                java.util.List.of());
    }

    /** The same options, accepting the signed commands of these operators. */
    public PlaneOptions withOperatorKeys(java.util.List<io.riskplane.verify.SigningKey> keys) {
        return new PlaneOptions(
                outOfOrderness,
                idleness,
                maxFutureSkew,
                dataDrivenWatermarks,
                dislocation,
                staleness,
                alerting,
                planeId,
                heartbeatInterval,
                liveLag,
                staleHorizon,
                quietKeyExpiry,
                keys,
                policyKeys,
                requireSignedPolicies);
    }

    /** The same options, with the risk desk's policy keys, and whether a policy must be signed with one of them. */
    public PlaneOptions withPolicyKeys(java.util.List<io.riskplane.verify.SigningKey> keys, boolean required) {
        return new PlaneOptions(
                outOfOrderness,
                idleness,
                maxFutureSkew,
                dataDrivenWatermarks,
                dislocation,
                staleness,
                alerting,
                planeId,
                heartbeatInterval,
                liveLag,
                staleHorizon,
                quietKeyExpiry,
                operatorKeys,
                keys,
                required);
    }

    /** The streaming defaults with replay's overrides (PlaneConfigOptions.ReplayOverrides). */
    public static PlaneOptions replay() {
        return PlaneConfigOptions.ReplayOverrides.apply(streaming());
    }
}
