package io.riskplane.verify;

import com.google.protobuf.InvalidProtocolBufferException;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Scope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the execution side embeds to obey the plane safely. It accepts a record from the control, early control or
 * heartbeat topic only when its HMAC signature verifies under a known key; it rejects a control event it has already
 * applied (a replay, or the second copy of an early event); it keeps the halt state per scope, where a cooldown never
 * shortens a halt in force; and it fails closed: trading is allowed only while the plane's signed heartbeat is fresh
 * and no halt covers the scope. Not thread-safe: feed it from the thread that consumes the topics.
 */
public final class ControlVerifier {
    /** Why a record was accepted or rejected. */
    public enum Verdict { ACCEPTED, UNSIGNED, UNKNOWN_KEY, BAD_SIGNATURE, UNDECODABLE, NOT_A_CONTROL_OR_HEARTBEAT,
        REPLAYED }

    /** Whether new entries may be sent for a scope now, and if not, why. */
    public record Decision(boolean allowed, String reason) {}

    /** A halt in force on a scope: the control event that imposed it, and for a cooldown when it ends. */
    public record Halt(Scope scope, String controlId, String ruleId, ControlKind kind, Instant until) {}

    private final Map<String, ControlSigner> keys;
    private final Duration maxHeartbeatAge;
    private final Duration maxWatermarkLag;
    private final Set<String> applied = new HashSet<>();
    private final Map<String, Halt> halts = new TreeMap<>();
    private Instant lastHeartbeat;
    private Instant planeWatermark;

    public ControlVerifier(List<ControlSigner> keys, Duration maxHeartbeatAge) {
        this(keys, maxHeartbeatAge, null);
    }

    /**
     * @param maxWatermarkLag when set, trading also stops while the plane's event time (its heartbeat's watermark)
     *     lags the wall clock by more: a plane that is alive but not progressing decides nothing
     */
    public ControlVerifier(List<ControlSigner> keys, Duration maxHeartbeatAge, Duration maxWatermarkLag) {
        this.keys = new TreeMap<>();
        keys.forEach(k -> this.keys.put(k.keyId(), k));
        this.maxHeartbeatAge = maxHeartbeatAge;
        this.maxWatermarkLag = maxWatermarkLag;
    }

    /** Verifies and applies one record (value and headers as read from Kafka). */
    public Verdict accept(byte[] value, Map<String, byte[]> headers, Instant now) {
        byte[] signature = headers.get(ControlSigner.SIGNATURE_HEADER);
        byte[] keyId = headers.get(ControlSigner.KEY_ID_HEADER);
        if (signature == null || keyId == null) {
            return Verdict.UNSIGNED;
        }
        ControlSigner key = keys.get(new String(keyId, StandardCharsets.UTF_8));
        if (key == null) {
            return Verdict.UNKNOWN_KEY;
        }
        byte[] claimed;
        try {
            claimed = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return Verdict.BAD_SIGNATURE;
        }
        if (!MessageDigest.isEqual(claimed, key.sign(value))) { // constant time
            return Verdict.BAD_SIGNATURE;
        }
        Envelope e;
        try {
            e = Envelope.parseFrom(value);
        } catch (InvalidProtocolBufferException ex) {
            return Verdict.UNDECODABLE;
        }
        if (e.hasHeartbeat()) {
            Instant emitted = Instant.ofEpochSecond(e.getEventTime().getSeconds(), e.getEventTime().getNanos());
            if (lastHeartbeat != null && !emitted.isAfter(lastHeartbeat)) {
                return Verdict.REPLAYED; // an old heartbeat sent again must not make a dead plane look alive
            }
            lastHeartbeat = emitted;
            planeWatermark = Instant.ofEpochSecond(e.getHeartbeat().getWatermark().getSeconds(),
                    e.getHeartbeat().getWatermark().getNanos());
            return Verdict.ACCEPTED;
        }
        if (!e.hasControl()) {
            return Verdict.NOT_A_CONTROL_OR_HEARTBEAT;
        }
        ControlEvent c = e.getControl();
        if (!applied.add(c.getControlId())) {
            return Verdict.REPLAYED;
        }
        apply(c);
        return Verdict.ACCEPTED;
    }

    private void apply(ControlEvent c) {
        String key = scopeKey(c.getScope());
        switch (c.getKind()) {
            case RESUME -> halts.remove(key);
            case COOLDOWN -> {
                Instant until = Instant.ofEpochSecond(c.getExpiresAt().getSeconds(), c.getExpiresAt().getNanos());
                Halt current = halts.get(key);
                // A cooldown never shortens the halt in force: an early cooldown may arrive after the confirmed
                // kill-switch or the longer escalated cooldown of the same scope.
                if (current == null || (current.until() != null && current.until().isBefore(until))) {
                    halts.put(key, new Halt(c.getScope(), c.getControlId(), c.getRuleId(), c.getKind(), until));
                }
            }
            // Kill-switches, rollbacks and kinds this version does not know halt until lifted: fail closed.
            default -> halts.put(key, new Halt(c.getScope(), c.getControlId(), c.getRuleId(), c.getKind(), null));
        }
    }

    /** An operator lifts a halt the plane does not lift itself (kill-switches, rollbacks). */
    public Optional<Halt> lift(Scope scope) {
        return Optional.ofNullable(halts.remove(scopeKey(scope)));
    }

    /**
     * May new entries be sent for this scope (the order's org, strategy, instrument, venue, adapter and lane)? No
     * when the plane's heartbeat is missing or older than the allowed age, or when a halt covers the scope: every
     * field the halt names equals the scope's (an org halt covers all its strategies).
     */
    public Decision mayTrade(Scope order, Instant now) {
        if (lastHeartbeat == null) {
            return new Decision(false, "PLANE_HEARTBEAT_MISSING");
        }
        if (Duration.between(lastHeartbeat, now).compareTo(maxHeartbeatAge) > 0) {
            return new Decision(false, "PLANE_HEARTBEAT_STALE: last at " + lastHeartbeat);
        }
        if (maxWatermarkLag != null && Duration.between(planeWatermark, now).compareTo(maxWatermarkLag) > 0) {
            return new Decision(false, "PLANE_EVENT_TIME_STALLED: watermark " + planeWatermark);
        }
        for (Halt h : halts.values()) {
            if (h.until() != null && !now.isBefore(h.until())) {
                continue; // a cooldown that has run out
            }
            if (covers(h.scope(), order)) {
                return new Decision(false, h.kind() + " " + h.ruleId() + " " + h.controlId()
                        + (h.until() == null ? "" : " until " + h.until()));
            }
        }
        return new Decision(true, "OK");
    }

    /** The halts in force, by scope key. */
    public Map<String, Halt> halts() {
        return Map.copyOf(halts);
    }

    /** The plane's event-time progress as its last heartbeat reported it (null before the first). */
    public Instant planeWatermark() {
        return planeWatermark;
    }

    static boolean covers(Scope halt, Scope order) {
        return matches(halt.getOrg(), order.getOrg()) && matches(halt.getStrategy(), order.getStrategy())
                && matches(halt.getInstrument(), order.getInstrument()) && matches(halt.getVenue(), order.getVenue())
                && matches(halt.getAdapter(), order.getAdapter()) && matches(halt.getLane(), order.getLane());
    }

    private static boolean matches(String haltField, String orderField) {
        return haltField.isEmpty() || haltField.equals(orderField);
    }

    static String scopeKey(Scope s) {
        return String.join("|", s.getOrg(), s.getStrategy(), s.getInstrument(), s.getVenue(), s.getAdapter(),
                s.getLane());
    }
}
