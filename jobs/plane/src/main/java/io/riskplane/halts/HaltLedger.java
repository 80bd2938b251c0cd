package io.riskplane.halts;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.riskplane.alerting.AlertSettings;
import io.riskplane.alerting.ControlEventAlerts;
import io.riskplane.contract.ProtoTime;
import io.riskplane.eventtime.EventTimeOrderedFunction;
import io.riskplane.model.AlertRecord;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.HaltStateRecord;
import io.riskplane.v1.Alert;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.HaltEntry;
import io.riskplane.v1.HaltState;
import io.riskplane.v1.HaltStatus;
import io.riskplane.v1.Scope;
import io.riskplane.verify.ControlVerifier;
import io.riskplane.verify.ControlVerifier.Halt;
import io.riskplane.verify.ControlVerifier.HaltChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The lifecycle of every halt (docs/rules.md, "Lifecycle"): keyed by the scope a control event names, it applies the
 * confirmed control events in event-time order with the rules execution obeys ({@link ControlVerifier#apply}), and
 * publishes what changed.
 *
 * <ul>
 *   <li>the scope's state after each change ({@link HaltStateRecord}: topic riskplane.v1.halt-state, compacted by
 *       scope key, and ClickHouse halt_states / view halts): ACTIVE, HALTED or COOLING_DOWN, each halt in force with
 *       the control event that opened its episode and the one that last confirmed it;
 *   <li>one alert per halt episode ({@link #ALERTS}): a halt that opens pages (a cooldown warns, with its end); a
 *       rule that confirms a halt already in force pages no one; the RESUME that lifts it resolves the same alert
 *       (same labels, {@code ends_at} = the resume's time), so that Alertmanager closes it; a cooldown that lengthens
 *       moves its alert's end; a kill-switch over a cooldown ends the cooldown's alert and pages.
 * </ul>
 *
 * <p>The state of one key is the scope's {@link HaltState}, a few hundred bytes per halt in force, cleared when the
 * scope is ACTIVE again. A cooldown runs out by an event-time timer at its {@code expires_at}. Counts every control
 * event per rule and kind ({@code control_events}) and those that confirmed a halt in force without a page
 * ({@code control_events_within_episode}).
 */
public class HaltLedger extends EventTimeOrderedFunction<String, ControlRecord, HaltStateRecord> {
    private static final long serialVersionUID = 1L;

    /** The alerts of the halt episodes, for on-call (PlaneOutputs.ALERTS). */
    public static final OutputTag<AlertRecord> ALERTS =
            new OutputTag<>("halt-episode-alerts", TypeInformation.of(AlertRecord.class));

    public static final String SOURCE = ControlEventAlerts.SOURCE;

    private final AlertSettings settings;
    private transient ValueState<byte[]> state;
    private transient Map<String, Counter> counters;

    public HaltLedger(AlertSettings settings) {
        super(TypeInformation.of(ControlRecord.class), HaltLedger::order);
        this.settings = settings;
    }

    /** The key: the scope the control event names (its six fields, as the halt-state topic is keyed). */
    public static String key(ControlRecord r) throws InvalidProtocolBufferException {
        return ControlVerifier.scopeKey(
                Envelope.parseFrom(r.envelope()).getControl().getScope());
    }

    /**
     * Within one event time: what halts before what lifts (a resume lifts the halts decided no later than itself, as
     * execution's verifier does), then by control id.
     */
    static int order(ControlRecord a, ControlRecord b) {
        return Comparator.comparing((ControlRecord r) -> isResume(r.ruleId()))
                .thenComparing(ControlRecord::controlId)
                .compare(a, b);
    }

    private static boolean isResume(String ruleId) {
        return ControlVerifier.OPERATOR_RESUME_RULE.equals(ruleId) || ControlVerifier.RESUME_LIFTS.containsKey(ruleId);
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        state = getRuntimeContext()
                .getState(new ValueStateDescriptor<>(
                        "halt-state", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        counters = new HashMap<>();
    }

    @Override
    protected long timestampOf(ControlRecord r) {
        return r.decidedAtMillis();
    }

    @Override
    protected void process(long timestamp, List<ControlRecord> events, Context ctx, Collector<HaltStateRecord> out)
            throws Exception {
        byte[] stored = state.value();
        Ledger ledger = new Ledger(stored == null ? null : HaltState.parseFrom(stored));
        ledger.expireUntil(timestamp);
        for (ControlRecord r : events) {
            Envelope envelope = Envelope.parseFrom(r.envelope());
            ControlEvent c = envelope.getControl();
            if (ledger.scope == null) {
                ledger.scope = c.getScope();
            }
            count(c.getRuleId() + "|" + c.getKind(), "control_events", c);
            List<HaltChange> changes = ControlVerifier.apply(ledger.halts, c);
            if (changes.isEmpty()) {
                count(c.getRuleId(), "control_events_within_episode", c);
                continue;
            }
            for (HaltChange change : changes) {
                ledger.apply(change, c, r, ctx);
            }
            ledger.controlId = c.getControlId();
        }
        publish(ledger, timestamp, ctx, out);
    }

    @Override
    protected void onEventTime(long timestamp, OnTimerContext ctx, Collector<HaltStateRecord> out) throws Exception {
        byte[] stored = state.value();
        if (stored == null) {
            return; // ACTIVE: nothing can run out
        }
        Ledger ledger = new Ledger(HaltState.parseFrom(stored));
        ledger.expireUntil(timestamp);
        publish(ledger, timestamp, ctx, out);
    }

    private void count(String key, String metric, ControlEvent c) {
        counters.computeIfAbsent(metric + "|" + key, k -> {
                    var group = getRuntimeContext().getMetricGroup().addGroup("rule_id", c.getRuleId());
                    return "control_events".equals(metric)
                            ? group.addGroup("kind", c.getKind().name()).counter(metric)
                            : group.counter(metric);
                })
                .inc();
    }

    /** Emits the state after this event time's changes (one record per scope and event time), then stores it. */
    private void publish(Ledger ledger, long timestamp, Context ctx, Collector<HaltStateRecord> out) throws Exception {
        if (ledger.changes.isEmpty()) {
            return;
        }
        // A control event behind the watermark (late) changes the state now: stamped with the watermark, so that it
        // is not older than a state published before it (the halts view takes each scope's latest).
        long updated = processingLate() ? Math.max(timestamp, ctx.timerService().currentWatermark()) : timestamp;
        HaltState.Builder s = HaltState.newBuilder()
                .setScope(ledger.scope)
                .setControlId(ledger.controlId)
                .setUpdatedAt(ProtoTime.fromMillis(updated))
                .setChange(String.join("\n", ledger.changes))
                .addAllLiftedEpisodeIds(ledger.lifted);
        boolean halted = false;
        for (Map.Entry<String, HaltEntry> e : ledger.entries.entrySet()) {
            s.addHalts(e.getValue());
            halted |= !e.getValue().hasExpiresAt();
        }
        s.setStatus(
                ledger.entries.isEmpty()
                        ? HaltStatus.HALT_STATUS_ACTIVE
                        : halted ? HaltStatus.HALT_STATUS_HALTED : HaltStatus.HALT_STATUS_COOLING_DOWN);
        HaltState halt = s.build();
        String stateId = "hst-" + (ledger.controlId.isEmpty() ? "expiry-" + ledger.lifted.get(0) : ledger.controlId);
        Envelope envelope = Envelope.newBuilder()
                .setEventId(stateId)
                .setSource(SOURCE)
                .setEventTime(halt.getUpdatedAt())
                .setHaltState(halt)
                .build();
        out.collect(new HaltStateRecord(stateId, ctx.getCurrentKey(), updated, envelope.toByteArray()));
        if (ledger.entries.isEmpty()) {
            state.clear();
        } else {
            state.update(HaltState.newBuilder()
                    .setScope(ledger.scope)
                    .addAllHalts(ledger.entries.values())
                    .build()
                    .toByteArray());
        }
    }

    /** One scope's halts while one event time is applied: as the verifier keeps them, and as published. */
    private final class Ledger {
        Scope scope;
        final Map<String, Halt> halts = new TreeMap<>();
        final Map<String, HaltEntry> entries = new TreeMap<>();
        final List<String> changes = new ArrayList<>();
        final List<String> lifted = new ArrayList<>();
        String controlId = "";

        Ledger(HaltState stored) {
            if (stored == null) {
                return;
            }
            scope = stored.getScope();
            for (HaltEntry e : stored.getHaltsList()) {
                Halt h = new Halt(
                        scope,
                        e.getControlId(),
                        e.getRuleId(),
                        e.getKind(),
                        e.hasExpiresAt() ? instant(e.getExpiresAt()) : null,
                        e.getSubject(),
                        instant(e.getDecidedAt()));
                halts.put(h.key(), h);
                entries.put(h.key(), e);
            }
        }

        /** Cooldowns that ran out by this event time end: their alert ended with them (its ends_at). */
        void expireUntil(long timestamp) {
            Instant now = Instant.ofEpochMilli(timestamp);
            for (var it = halts.values().iterator(); it.hasNext(); ) {
                Halt h = it.next();
                if (h.until() != null && !h.until().isAfter(now)) {
                    it.remove();
                    HaltEntry e = entries.remove(h.key());
                    changes.add("EXPIRED " + label(h) + " (cooldown " + e.getEpisodeId() + " ran out)");
                    lifted.add(e.getEpisodeId());
                }
            }
        }

        void apply(HaltChange change, ControlEvent c, ControlRecord r, Context ctx) {
            Halt before = change.before();
            Halt after = change.after();
            if (after == null) { // lifted
                HaltEntry e = entries.remove(before.key());
                changes.add("LIFTED " + label(before) + " by " + c.getRuleId() + " " + c.getControlId());
                lifted.add(e.getEpisodeId());
                resolve(e, c, r, ctx);
                return;
            }
            HaltEntry current = before == null ? null : entries.get(before.key());
            if (current != null && before.kind() == ControlKind.COOLDOWN && after.kind() == ControlKind.COOLDOWN) {
                Alert alert = current.getAlert().toBuilder()
                        .setAlertId("alt-" + c.getControlId())
                        .setEndsAt(c.getExpiresAt())
                        .setSummary(c.getEvidence().getSummary())
                        .build();
                entries.put(
                        after.key(),
                        current.toBuilder()
                                .setControlId(c.getControlId())
                                .setDecidedAt(c.getDecidedAt())
                                .setExpiresAt(c.getExpiresAt())
                                .setAlert(alert)
                                .build());
                ctx.timerService().registerEventTimeTimer(after.until().toEpochMilli());
                changes.add(
                        "EXTENDED " + label(after) + " until " + instant(c.getExpiresAt()) + " by " + c.getControlId());
                ctx.output(ALERTS, alertRecord(alert, r, c));
                return;
            }
            if (current != null && before.kind() != ControlKind.COOLDOWN) {
                // The rule confirms a halt in force: the episode goes on, no new page.
                entries.put(
                        after.key(),
                        current.toBuilder()
                                .setControlId(c.getControlId())
                                .setDecidedAt(c.getDecidedAt())
                                .setKind(after.kind())
                                .build());
                changes.add("CONFIRMED " + label(after) + " by " + c.getControlId() + " (episode "
                        + current.getEpisodeId() + ", no new page)");
                return;
            }
            if (current != null) { // a halt over a cooldown: the cooldown's episode ends, a halt's begins
                changes.add("ESCALATED " + label(before) + " by " + c.getControlId());
                lifted.add(current.getEpisodeId());
                resolve(current, c, r, ctx);
            }
            Alert.Builder alert = ControlEventAlerts.alertOf(c, settings).toBuilder();
            if (c.getKind() == ControlKind.COOLDOWN) {
                alert.setEndsAt(c.getExpiresAt());
            }
            HaltEntry.Builder e = HaltEntry.newBuilder()
                    .setRuleId(after.ruleId())
                    .setSubject(after.subject())
                    .setKind(after.kind())
                    .setEpisodeId(c.getControlId())
                    .setSince(c.getDecidedAt())
                    .setControlId(c.getControlId())
                    .setDecidedAt(c.getDecidedAt())
                    .setSummary(c.getEvidence().getSummary())
                    .setAlert(alert);
            if (c.getKind() == ControlKind.COOLDOWN) {
                e.setExpiresAt(c.getExpiresAt());
            }
            entries.put(after.key(), e.build());
            if (after.until() != null) {
                ctx.timerService().registerEventTimeTimer(after.until().toEpochMilli());
            }
            changes.add("OPENED " + label(after) + " by " + c.getControlId()
                    + (after.until() == null ? "" : " until " + after.until()));
            ctx.output(ALERTS, alertRecord(alert.build(), r, c));
        }

        /** The episode's alert once more, with its end: Alertmanager resolves it (same labels). */
        private void resolve(HaltEntry e, ControlEvent by, ControlRecord r, Context ctx) {
            Alert alert = e.getAlert().toBuilder()
                    .setAlertId(e.getAlert().getAlertId() + "-end")
                    .setEndsAt(by.getDecidedAt())
                    .setResolvedByControlId(by.getControlId())
                    .setSummary("Ended by " + by.getRuleId() + " " + by.getControlId() + ": "
                            + by.getEvidence().getSummary())
                    .build();
            ctx.output(ALERTS, alertRecord(alert, r, by));
        }
    }

    private static AlertRecord alertRecord(Alert alert, ControlRecord r, ControlEvent by) {
        Envelope envelope = Envelope.newBuilder()
                .setEventId(alert.getAlertId())
                .setSource(SOURCE)
                .setEventTime(by.getDecidedAt())
                .setAlert(alert)
                .build();
        return new AlertRecord(
                alert.getAlertId(),
                alert.getControlId(),
                r.scopeKey(),
                r.decidedAtMillis(),
                alert.getRuleId(),
                alert.getSeverity().name(),
                envelope.toByteArray());
    }

    private static String label(Halt h) {
        return h.kind() + " " + h.ruleId() + (h.subject().isEmpty() ? "" : "/" + h.subject());
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }
}
