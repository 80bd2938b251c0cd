package io.riskplane.verify;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.HaltEntry;
import io.riskplane.v1.HaltState;
import io.riskplane.v1.Scope;
import io.riskplane.v1.Threshold;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the execution side embeds to obey the plane safely. It accepts a record from the control, early control or
 * heartbeat topic only when its HMAC signature verifies under a known key; it rejects a control event it has already
 * applied (a replay, or the second copy of an early event) and one older than the last it applied for the same scope
 * and rule; it keeps the halt state per scope <em>and rule</em>, where a RESUME lifts only the halts its own rule
 * family set (docs/rules.md, "lifted by") and an operator lifts the others ({@link #operatorResume}); a cooldown never
 * shortens a halt in force; and it fails closed: trading is allowed only while the plane's signed heartbeat is fresh,
 * the plane's event time progresses, and no halt of any rule covers the scope. Its state (halts and replay bounds)
 * survives a restart through {@link #snapshot()} / {@link #restore(byte[])}, or by reading the control topics again
 * from the start. Not thread-safe: feed it from the thread that consumes the topics.
 */
public final class ControlVerifier {
    /** Why a record was accepted or rejected. */
    public enum Verdict {
        ACCEPTED,
        UNSIGNED,
        UNKNOWN_KEY,
        BAD_SIGNATURE,
        UNDECODABLE,
        NOT_A_CONTROL_OR_HEARTBEAT,
        REPLAYED,
        AHEAD_OF_THE_CLOCK
    }

    /**
     * How far ahead of the wall clock a halt state's time may be (the plane's default max_future_skew): a state
     * further ahead is refused, since its floor would refuse the scope's control events until then.
     */
    public static final Duration MAX_STATE_AHEAD = Duration.ofMinutes(5);

    /** Whether new entries may be sent for a scope now, and if not, why. */
    public record Decision(boolean allowed, String reason) {}

    /**
     * A halt in force on a scope: the control event that imposed it, for a cooldown when it ends, the SLO an SLO halt
     * is about ({@code subject}, "" for other rules) and the event time the plane decided it.
     */
    public record Halt(
            Scope scope,
            String controlId,
            String ruleId,
            ControlKind kind,
            Instant until,
            String subject,
            Instant decidedAt) {
        /** The key of this halt in {@link #halts()}: scope key, '#', rule id, and '/' + subject when it has one. */
        public String key() {
            return haltKey(scope, ruleId, subject);
        }
    }

    /** A halt an operator lifted, who did and when (for the execution service's audit log). */
    public record OperatorLift(Halt halt, String operatorId, Instant at) {}

    /** {@link #operatorResume}'s rule argument that lifts the halts of every rule on the scope. */
    public static final String ALL_RULES = "*";
    /** The maximum lag of the plane's watermark behind the wall clock when a constructor does not name one. */
    public static final Duration DEFAULT_MAX_WATERMARK_LAG = Duration.ofSeconds(60);

    /**
     * The rule of an operator's RESUME command on the control topic (the plane's operator.resume): it lifts the halts
     * of the rule in its lifts_rule_id, or of every rule ("*"), on exactly its scope.
     */
    public static final String OPERATOR_RESUME_RULE = "operator.resume";

    /** The rule that emits SLO halts, and the one whose RESUME lifts them (the same SLO on the same scope). */
    public static final String SLO_HALT_RULE = "slo.breach.kill-switch";

    public static final String SLO_RESUME_RULE = "slo.recovery.resume";
    /**
     * Which halting rule each resuming rule lifts (docs/rules.md). A RESUME of any other rule lifts nothing: halts of
     * rules that never resume by themselves (guardrail kill, route and lane rollbacks, signal lag, and drawdown under
     * a policy without a recovery) are lifted by an operator only.
     */
    public static final Map<String, String> RESUME_LIFTS =
            Map.of(SLO_RESUME_RULE, SLO_HALT_RULE, "pnl.recovery.resume", "pnl.drawdown.kill-switch");

    /** The SLO a halt is about, from its reason code (docs/rules.md, `slo.breach.kill-switch`). */
    private static final Map<String, String> SLO_BY_REASON = Map.of(
            "QUOTE_STALE",
            "quote_freshness",
            "REJECTION_RATE_BREACHED",
            "rejection_rate",
            "LATENCY_P95_BREACHED",
            "latency_p95",
            "ERROR_BUDGET_BURN",
            "error_budget_burn");
    /** The SLO an SLO halt or resume is about, from the SLO threshold its evidence names. */
    private static final Map<String, String> SLO_BY_THRESHOLD = Map.of(
            "quote_freshness_ms",
            "quote_freshness",
            "rejection_rate",
            "rejection_rate",
            "latency_p95_ms",
            "latency_p95",
            "error_budget_target",
            "error_budget_burn");
    /** The subject of an SLO event whose SLO cannot be told: its halt is kept, and no RESUME lifts it. */
    static final String UNKNOWN_SLO = "?";

    private static final int SNAPSHOT_MAGIC = 0x52505653; // "RPVS"
    private static final int SNAPSHOT_FORMAT = 2; // 2: with the halt-state floors; 1 is still read

    /** The last decision time applied for one scope and rule, and the control ids applied at exactly that time. */
    private static final class Bound {
        Instant last;
        final Set<String> ids = new TreeSet<>();

        Bound(Instant last) {
            this.last = last;
        }
    }

    private final Map<String, ControlSigner> keys;
    private final Duration maxHeartbeatAge;
    private final Duration maxWatermarkLag; // null only through withoutWatermarkLagCheck
    private final Map<String, Bound> bounds = new TreeMap<>();
    private final Map<String, Halt> halts = new TreeMap<>();
    /** Per scope key, the time of the halt state it was bootstrapped from: control events up to it are covered. */
    private final Map<String, Instant> floors = new TreeMap<>();

    private Instant lastHeartbeat;
    private Instant planeWatermark;

    /** With the default maximum watermark lag, {@link #DEFAULT_MAX_WATERMARK_LAG}. */
    public ControlVerifier(List<ControlSigner> keys, Duration maxHeartbeatAge) {
        this(keys, maxHeartbeatAge, DEFAULT_MAX_WATERMARK_LAG);
    }

    /**
     * @param maxWatermarkLag trading also stops while the plane's event time (its heartbeat's watermark) lags the
     *     wall clock by more, or while the heartbeat carries no watermark: a plane that is alive but not progressing
     *     decides nothing. Required; {@link #withoutWatermarkLagCheck} is the explicit opt-out.
     */
    public ControlVerifier(List<ControlSigner> keys, Duration maxHeartbeatAge, Duration maxWatermarkLag) {
        this(keys, maxHeartbeatAge, Optional.of(requirePositive(maxWatermarkLag, "maxWatermarkLag")));
    }

    /**
     * A verifier that does not check the plane's event-time progress: a plane whose watermark froze while its
     * heartbeat keeps coming is obeyed as healthy. Only for a plane replaying a past session (its event time is days
     * behind the wall clock) and for tests; never for live trading.
     */
    public static ControlVerifier withoutWatermarkLagCheck(List<ControlSigner> keys, Duration maxHeartbeatAge) {
        return new ControlVerifier(keys, maxHeartbeatAge, Optional.empty());
    }

    private ControlVerifier(List<ControlSigner> keys, Duration maxHeartbeatAge, Optional<Duration> maxWatermarkLag) {
        this.keys = new TreeMap<>();
        keys.forEach(k -> this.keys.put(k.keyId(), k));
        this.maxHeartbeatAge = requirePositive(maxHeartbeatAge, "maxHeartbeatAge");
        this.maxWatermarkLag = maxWatermarkLag.orElse(null);
    }

    private static Duration requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, not " + d);
        }
        return d;
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
        if (!key.verifies(value, signature)) { // constant time
            return Verdict.BAD_SIGNATURE;
        }
        Envelope e;
        try {
            e = Envelope.parseFrom(value);
        } catch (InvalidProtocolBufferException ex) {
            return Verdict.UNDECODABLE;
        }
        if (e.hasHeartbeat()) {
            Instant emitted = instant(e.getEventTime());
            if (lastHeartbeat != null && !emitted.isAfter(lastHeartbeat)) {
                return Verdict.REPLAYED; // an old heartbeat sent again must not make a dead plane look alive
            }
            lastHeartbeat = emitted;
            planeWatermark =
                    e.getHeartbeat().hasWatermark() ? instant(e.getHeartbeat().getWatermark()) : null;
            return Verdict.ACCEPTED;
        }
        if (e.hasHaltState()) {
            return bootstrap(e.getHaltState(), now);
        }
        if (!e.hasControl()) {
            return Verdict.NOT_A_CONTROL_OR_HEARTBEAT;
        }
        ControlEvent c = e.getControl();
        Instant floor = floors.get(scopeKey(c.getScope()));
        if (floor != null && !instant(c.getDecidedAt()).isAfter(floor)) {
            return Verdict.REPLAYED; // the halt state this verifier started from covers it
        }
        String subject = subject(c);
        if (!admit(haltKey(c.getScope(), c.getRuleId(), subject), c.getControlId(), instant(c.getDecidedAt()))) {
            return Verdict.REPLAYED;
        }
        apply(c, subject);
        return Verdict.ACCEPTED;
    }

    /**
     * A scope's state from riskplane.v1.halt-state (signed like the control topic): its halts replace those this
     * verifier holds on exactly that scope, and every control event of that scope decided at or before the state's
     * time is then {@code REPLAYED}, since the state already covers it. How a starting execution service learns what
     * is halted without reading the whole control history: read the halt-state topic to its end, then follow the
     * control topic from a little before the oldest state read (any overlap is refused as REPLAYED). A state older
     * than a control event already applied on its scope is stale and refused as REPLAYED too; one dated more than
     * {@link #MAX_STATE_AHEAD} after {@code now} is refused as AHEAD_OF_THE_CLOCK.
     */
    private Verdict bootstrap(HaltState s, Instant now) {
        String scope = scopeKey(s.getScope());
        Instant at = instant(s.getUpdatedAt());
        if (at.isAfter(now.plus(MAX_STATE_AHEAD))) {
            // Fail closed: taken, its floor would refuse every new kill-switch of the scope until that time.
            return Verdict.AHEAD_OF_THE_CLOCK;
        }
        Instant floor = floors.get(scope);
        if (floor != null && !at.isAfter(floor)) {
            return Verdict.REPLAYED;
        }
        for (Map.Entry<String, Bound> b : bounds.entrySet()) {
            if (b.getKey().startsWith(scope + "#") && b.getValue().last.isAfter(at)) {
                return Verdict.REPLAYED;
            }
        }
        halts.values().removeIf(h -> scopeKey(h.scope()).equals(scope));
        for (HaltEntry entry : s.getHaltsList()) {
            Halt h = new Halt(
                    s.getScope(),
                    entry.getControlId(),
                    entry.getRuleId(),
                    entry.getKind(),
                    entry.hasExpiresAt() ? instant(entry.getExpiresAt()) : null,
                    entry.getSubject(),
                    instant(entry.getDecidedAt()));
            halts.put(h.key(), h);
        }
        floors.put(scope, at);
        return Verdict.ACCEPTED;
    }

    /**
     * Replay protection, bounded per scope and rule: the plane emits the events of one scope and rule in decision
     * order on one partition, so an event decided before the last one applied there is old (a replay, or a second
     * copy of an early event), and one decided at the same time is new only if its id was not applied yet. The
     * early and the confirmed copy of one decision have different rules, so both are applied.
     */
    private boolean admit(String key, String controlId, Instant decidedAt) {
        Bound b = bounds.get(key);
        if (b == null) {
            b = new Bound(decidedAt);
            bounds.put(key, b);
        } else if (decidedAt.isBefore(b.last)) {
            return false;
        } else if (decidedAt.isAfter(b.last)) {
            b.last = decidedAt;
            b.ids.clear();
        }
        return b.ids.add(controlId);
    }

    private void apply(ControlEvent c, String subject) {
        apply(halts, c, subject);
    }

    /**
     * What one control event did to a halt: {@code before} null when it opened the halt, {@code after} null when it
     * lifted it, both set when it replaced it (a kill again, a longer cooldown, a kill over a cooldown).
     */
    public record HaltChange(Halt before, Halt after) {}

    /**
     * Applies one control event to a set of halts by {@link Halt#key()}, with the rules this verifier obeys (docs/rules.md,
     * "Lifecycle"), and returns what changed (nothing: a cooldown shorter than the halt in force, a resume that lifts
     * nothing). The plane's halt ledger (riskplane.v1.halt-state) applies the same rules to the same events, so that
     * its halt state is the one a verifier holds.
     */
    public static List<HaltChange> apply(Map<String, Halt> halts, ControlEvent c) {
        return apply(halts, c, subject(c));
    }

    private static List<HaltChange> apply(Map<String, Halt> halts, ControlEvent c, String subject) {
        Instant decided = instant(c.getDecidedAt());
        List<HaltChange> changes = new ArrayList<>();
        switch (c.getKind()) {
            case RESUME -> {
                if (OPERATOR_RESUME_RULE.equals(c.getRuleId())) {
                    // An operator's signed command, through the plane: the halts of the rule it names ("*": of every
                    // rule) on exactly its scope, decided no later than itself.
                    String lifts = c.getLiftsRuleId().isEmpty() ? ALL_RULES : c.getLiftsRuleId();
                    String scope = scopeKey(c.getScope());
                    for (Iterator<Halt> it = halts.values().iterator(); it.hasNext(); ) {
                        Halt h = it.next();
                        if (scopeKey(h.scope()).equals(scope)
                                && (ALL_RULES.equals(lifts) || h.ruleId().equals(lifts))
                                && !h.decidedAt().isAfter(decided)) {
                            it.remove();
                            changes.add(new HaltChange(h, null));
                        }
                    }
                    return changes;
                }
                // A RESUME lifts only the halts of the rule it resumes, for the same SLO on the same scope, decided
                // no later than itself; a resume of a rule that lifts nothing (or of an SLO it cannot tell) lifts
                // nothing: kill-switches and rollbacks of other rules wait for an operator.
                String lifts = RESUME_LIFTS.get(c.getRuleId());
                if (lifts != null && !UNKNOWN_SLO.equals(subject)) {
                    Halt h = halts.get(haltKey(c.getScope(), lifts, subject));
                    if (h != null && !h.decidedAt().isAfter(decided)) {
                        halts.remove(h.key());
                        changes.add(new HaltChange(h, null));
                    }
                }
            }
            case COOLDOWN -> {
                Instant until = instant(c.getExpiresAt());
                Halt halt =
                        new Halt(c.getScope(), c.getControlId(), c.getRuleId(), c.getKind(), until, subject, decided);
                Halt current = halts.get(halt.key());
                // A cooldown never shortens the halt in force: an early cooldown may arrive after the confirmed
                // kill-switch or the longer escalated cooldown of the same scope.
                if (current == null
                        || (current.until() != null && current.until().isBefore(until))) {
                    halts.put(halt.key(), halt);
                    changes.add(new HaltChange(current, halt));
                }
            }
            // Kill-switches, rollbacks and kinds this version does not know halt until lifted: fail closed.
            default -> {
                Halt halt =
                        new Halt(c.getScope(), c.getControlId(), c.getRuleId(), c.getKind(), null, subject, decided);
                changes.add(new HaltChange(halts.put(halt.key(), halt), halt));
            }
        }
        return changes;
    }

    /**
     * An operator lifts the halts on exactly this scope that {@code ruleId} set ({@link #ALL_RULES} for every rule):
     * the path for halts no rule lifts by itself (drawdown and guardrail kills, route and lane rollbacks, signal-lag
     * halts, SLO halts without auto-resume). Returns what was lifted, for the audit log. The lift is part of the
     * {@link #snapshot()}; the control topics do not carry it, so a verifier rebuilt from them alone halts again.
     */
    public List<OperatorLift> operatorResume(Scope scope, String ruleId, String operatorId, Instant now) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(now, "now");
        if (ruleId == null || ruleId.isBlank()) {
            throw new IllegalArgumentException("name the rule whose halts to lift, or ALL_RULES");
        }
        if (operatorId == null || operatorId.isBlank()) {
            throw new IllegalArgumentException("an operator resume needs the operator's id");
        }
        String scopeKey = scopeKey(scope);
        List<OperatorLift> lifted = new ArrayList<>();
        for (Iterator<Halt> it = halts.values().iterator(); it.hasNext(); ) {
            Halt h = it.next();
            if (scopeKey(h.scope()).equals(scopeKey)
                    && (ALL_RULES.equals(ruleId) || h.ruleId().equals(ruleId))) {
                it.remove();
                lifted.add(new OperatorLift(h, operatorId, now));
            }
        }
        return List.copyOf(lifted);
    }

    /**
     * May new entries be sent for this scope (the order's org, strategy, instrument, venue, adapter and lane)? No
     * when the plane's heartbeat is missing or older than the allowed age, when its watermark lags the wall clock by
     * more than the allowed lag (or is missing), or when a halt of any rule covers the scope: every field the halt
     * names equals the scope's (an org halt covers all its strategies). The reason names every covering halt.
     */
    public Decision mayTrade(Scope order, Instant now) {
        if (lastHeartbeat == null) {
            return new Decision(false, "PLANE_HEARTBEAT_MISSING");
        }
        if (Duration.between(lastHeartbeat, now).compareTo(maxHeartbeatAge) > 0) {
            return new Decision(false, "PLANE_HEARTBEAT_STALE: last at " + lastHeartbeat);
        }
        if (maxWatermarkLag != null) {
            if (planeWatermark == null) {
                return new Decision(false, "PLANE_EVENT_TIME_STALLED: no watermark yet");
            }
            if (Duration.between(planeWatermark, now).compareTo(maxWatermarkLag) > 0) {
                return new Decision(false, "PLANE_EVENT_TIME_STALLED: watermark " + planeWatermark);
            }
        }
        StringBuilder reasons = new StringBuilder();
        for (Halt h : halts.values()) {
            if (h.until() != null && !now.isBefore(h.until())) {
                continue; // a cooldown that has run out
            }
            if (covers(h.scope(), order)) {
                reasons.append(reasons.length() == 0 ? "" : "; ")
                        .append(h.kind())
                        .append(' ')
                        .append(h.ruleId())
                        .append(h.subject().isEmpty() ? "" : "/" + h.subject())
                        .append(' ')
                        .append(h.controlId())
                        .append(h.until() == null ? "" : " until " + h.until());
            }
        }
        return reasons.length() == 0 ? new Decision(true, "OK") : new Decision(false, reasons.toString());
    }

    /** The halts in force (and cooldowns not yet pruned), by {@link Halt#key()}. */
    public Map<String, Halt> halts() {
        return Map.copyOf(halts);
    }

    /** The halts imposed on exactly this scope, by any rule, in key order. */
    public List<Halt> haltsOn(Scope scope) {
        String scopeKey = scopeKey(scope);
        return halts.values().stream()
                .filter(h -> scopeKey(h.scope()).equals(scopeKey))
                .toList();
    }

    /** The halt a rule imposed on exactly this scope (for an SLO halt, the SLO is the subject), if any. */
    public Optional<Halt> halt(Scope scope, String ruleId, String subject) {
        return Optional.ofNullable(halts.get(haltKey(scope, ruleId, subject == null ? "" : subject)));
    }

    /** The plane's event-time progress as its last heartbeat reported it (null before the first, or without one). */
    public Instant planeWatermark() {
        return planeWatermark;
    }

    /**
     * The state that must survive a restart, in a few bytes per scope and rule: the halts in force, the replay bounds
     * (last decision time applied per scope and rule, with the ids applied at that time) and the last heartbeat.
     * Take it after applying records (for example before committing the consumer's offsets) and give it to
     * {@link #restore(byte[])} of the next verifier. Ends with a SHA-256 of its content, so a truncated or damaged
     * snapshot is refused (it is not a signature: keep the file where only the execution service can write).
     */
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(SNAPSHOT_MAGIC);
            out.writeInt(SNAPSHOT_FORMAT);
            writeInstant(out, lastHeartbeat);
            writeInstant(out, planeWatermark);
            out.writeInt(bounds.size());
            for (Map.Entry<String, Bound> b : bounds.entrySet()) {
                writeString(out, b.getKey());
                writeInstant(out, b.getValue().last);
                out.writeInt(b.getValue().ids.size());
                for (String id : b.getValue().ids) {
                    writeString(out, id);
                }
            }
            out.writeInt(halts.size());
            for (Halt h : halts.values()) {
                Scope s = h.scope();
                for (String f : List.of(
                        s.getOrg(),
                        s.getStrategy(),
                        s.getInstrument(),
                        s.getVenue(),
                        s.getAdapter(),
                        s.getLane(),
                        h.controlId(),
                        h.ruleId(),
                        h.subject())) {
                    writeString(out, f);
                }
                out.writeInt(h.kind().getNumber());
                writeInstant(out, h.until());
                writeInstant(out, h.decidedAt());
            }
            out.writeInt(floors.size());
            for (Map.Entry<String, Instant> f : floors.entrySet()) {
                writeString(out, f.getKey());
                writeInstant(out, f.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] content = bytes.toByteArray();
        byte[] withDigest = Arrays.copyOf(content, content.length + 32);
        System.arraycopy(sha256(content), 0, withDigest, content.length, 32);
        return withDigest;
    }

    /**
     * Replaces this verifier's state with a {@link #snapshot()}'s. Then read the control topics from the offsets
     * committed with the snapshot, or from the start: every event already applied is {@code REPLAYED}, so either way
     * the state is the one before the restart, and an old signed RESUME replayed after it changes nothing.
     *
     * @throws IllegalArgumentException when the bytes are not an intact snapshot (the state is then unchanged)
     */
    public void restore(byte[] snapshot) {
        if (snapshot.length < 32
                || !MessageDigest.isEqual(
                        sha256(Arrays.copyOf(snapshot, snapshot.length - 32)),
                        Arrays.copyOfRange(snapshot, snapshot.length - 32, snapshot.length))) {
            throw new IllegalArgumentException("not an intact ControlVerifier snapshot (digest mismatch)");
        }
        Map<String, Bound> newBounds = new TreeMap<>();
        Map<String, Halt> newHalts = new TreeMap<>();
        Map<String, Instant> newFloors = new TreeMap<>();
        Instant heartbeat;
        Instant watermark;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot, 0, snapshot.length - 32))) {
            int format = in.readInt() == SNAPSHOT_MAGIC ? in.readInt() : -1;
            if (format != 1 && format != SNAPSHOT_FORMAT) {
                throw new IllegalArgumentException("not a ControlVerifier snapshot of format 1 or " + SNAPSHOT_FORMAT);
            }
            heartbeat = readInstant(in);
            watermark = readInstant(in);
            for (int i = in.readInt(); i > 0; i--) {
                String key = readString(in);
                Bound b = new Bound(readInstant(in));
                for (int j = in.readInt(); j > 0; j--) {
                    b.ids.add(readString(in));
                }
                newBounds.put(key, b);
            }
            for (int i = in.readInt(); i > 0; i--) {
                Scope scope = Scope.newBuilder()
                        .setOrg(readString(in))
                        .setStrategy(readString(in))
                        .setInstrument(readString(in))
                        .setVenue(readString(in))
                        .setAdapter(readString(in))
                        .setLane(readString(in))
                        .build();
                String controlId = readString(in);
                String ruleId = readString(in);
                String subject = readString(in);
                ControlKind kind = ControlKind.forNumber(in.readInt());
                Halt h = new Halt(
                        scope,
                        controlId,
                        ruleId,
                        kind == null ? ControlKind.KILL_SWITCH : kind,
                        readInstant(in),
                        subject,
                        readInstant(in));
                newHalts.put(h.key(), h);
            }
            if (format >= 2) {
                for (int i = in.readInt(); i > 0; i--) {
                    newFloors.put(readString(in), readInstant(in));
                }
            }
            if (in.available() != 0) {
                throw new IllegalArgumentException("trailing bytes in a ControlVerifier snapshot");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated ControlVerifier snapshot", e);
        }
        bounds.clear();
        bounds.putAll(newBounds);
        halts.clear();
        halts.putAll(newHalts);
        floors.clear();
        floors.putAll(newFloors);
        lastHeartbeat = heartbeat;
        planeWatermark = watermark;
    }

    /** Writes {@link #snapshot()} to a file atomically (a temporary file beside it, then a rename). */
    public void snapshotTo(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, snapshot());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** {@link #restore(byte[])} from a file written by {@link #snapshotTo(Path)}. */
    public void restoreFrom(Path file) throws IOException {
        restore(Files.readAllBytes(file));
    }

    static boolean covers(Scope halt, Scope order) {
        return matches(halt.getOrg(), order.getOrg())
                && matches(halt.getStrategy(), order.getStrategy())
                && matches(halt.getInstrument(), order.getInstrument())
                && matches(halt.getVenue(), order.getVenue())
                && matches(halt.getAdapter(), order.getAdapter())
                && matches(halt.getLane(), order.getLane());
    }

    private static boolean matches(String haltField, String orderField) {
        return haltField.isEmpty() || haltField.equals(orderField);
    }

    /** A scope's key: its six fields joined by '|' (the key of riskplane.v1.halt-state). */
    public static String scopeKey(Scope s) {
        return String.join(
                "|", s.getOrg(), s.getStrategy(), s.getInstrument(), s.getVenue(), s.getAdapter(), s.getLane());
    }

    public static String haltKey(Scope scope, String ruleId, String subject) {
        return scopeKey(scope) + "#" + ruleId + (subject.isEmpty() ? "" : "/" + subject);
    }

    /**
     * The SLO an SLO halt or resume is about ("" for the other rules): from the halt's reason code, else from the SLO
     * threshold its evidence names (a resume's reason code, SLO_RECOVERED, does not tell); {@link #UNKNOWN_SLO} when
     * neither does.
     */
    public static String subject(ControlEvent c) {
        if (!c.getRuleId().equals(SLO_HALT_RULE) && !c.getRuleId().equals(SLO_RESUME_RULE)) {
            return "";
        }
        String byReason = SLO_BY_REASON.get(c.getReasonCode());
        if (byReason != null) {
            return byReason;
        }
        for (Threshold t : c.getEvidence().getThresholdsList()) {
            String slo = SLO_BY_THRESHOLD.get(t.getName());
            if (slo != null) {
                return slo;
            }
        }
        return UNKNOWN_SLO;
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    private static void writeInstant(DataOutputStream out, Instant i) throws IOException {
        out.writeBoolean(i != null);
        if (i != null) {
            out.writeLong(i.getEpochSecond());
            out.writeInt(i.getNano());
        }
    }

    private static Instant readInstant(DataInputStream in) throws IOException {
        return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("bad string length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
