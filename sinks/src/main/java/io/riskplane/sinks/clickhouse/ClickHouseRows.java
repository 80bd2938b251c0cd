package io.riskplane.sinks.clickhouse;

import io.riskplane.contract.EnvelopeJson;
import io.riskplane.model.AlertRecord;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.RawEvent;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.DislocationEpisode;
import io.riskplane.model.ConditionEvaluation;
import io.riskplane.model.ConditionSample;
import io.riskplane.model.CursorStaleness;
import io.riskplane.model.GuardrailTrip;
import io.riskplane.model.LaneRunEvaluation;
import io.riskplane.model.LaneRunRecord;
import io.riskplane.model.PnlBar;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.SloEvaluation;
import io.riskplane.model.SloMeasurement;
import io.riskplane.model.TelemetryWindow;
import io.riskplane.v1.Alert;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.Envelope;
import java.util.Base64;

/**
 * The plane's ClickHouse tables and how each result becomes a row. Rows travel through Kafka
 * (riskplane.v1.clickhouse-rows) to {@link ClickHouseLoader}, so a ClickHouse outage never holds up the job. The
 * tables are ReplacingMergeTrees keyed by deterministic ids, so a row inserted twice collapses into one.
 */
public final class ClickHouseRows {
    private ClickHouseRows() {}

    public static final ClickHouseTable<RawEvent> RAW_EVENTS = new ClickHouseTable<>("raw_events",
            "event_id, kind, source, event_time, event_time_ms, source_topic, source_partition, "
            + "source_offset, ingest_time_ms, envelope_json",
            ClickHouseRows::bindRawEvent);

    /**
     * PnL as stored since schema v6: a bar per scope and second, and a row per fill (docs/storage.md). The ORDER BY
     * (org, scope_type, strategy, bar_start_ms, fill_row, event_time_ms) is unique per row.
     */
    public static final ClickHouseTable<PnlBar> PNL_BARS = new ClickHouseTable<>("pnl_bars",
            "bar_id, scope_type, org, strategy, bar_start, bar_start_ms, event_time, event_time_ms, fill_row, "
            + "trading_day, open_equity, high_equity, low_equity, close_equity, max_drawdown, max_drawdown_fraction, "
            + "realized_pnl, fees, unrealized_pnl, peak_equity, peak_time_ms, drawdown, drawdown_fraction, daily_pnl, "
            + "day_start_equity, snapshot_count, first_snapshot_id, last_snapshot_id, trigger_event_ids",
            ClickHouseRows::bindPnlBar);

    static void bindPnlBar(JsonRow ps, PnlBar b) {
        ps.setString(1, b.barId());
        ps.setString(2, b.scopeType());
        ps.setString(3, b.org());
        ps.setString(4, b.strategy());
        ps.setLong(5, Math.floorDiv(b.barStartMillis(), 1000L));
        ps.setLong(6, b.barStartMillis());
        ps.setLong(7, Math.floorDiv(b.eventTimeMillis(), 1000L));
        ps.setLong(8, b.eventTimeMillis());
        ps.setInt(9, b.fillRow() ? 1 : 0);
        ps.setString(10, b.tradingDay());
        ps.setDouble(11, b.openEquity());
        ps.setDouble(12, b.highEquity());
        ps.setDouble(13, b.lowEquity());
        ps.setDouble(14, b.closeEquity());
        ps.setDouble(15, b.maxDrawdown());
        ps.setNullable(16, b.maxDrawdownFraction());
        ps.setDouble(17, b.realizedPnl());
        ps.setDouble(18, b.fees());
        ps.setDouble(19, b.unrealizedPnl());
        ps.setDouble(20, b.peakEquity());
        ps.setLong(21, b.peakTimeMillis());
        ps.setDouble(22, b.drawdown());
        ps.setNullable(23, b.drawdownFraction());
        ps.setDouble(24, b.dailyPnl());
        ps.setDouble(25, b.dayStartEquity());
        ps.setInt(26, b.snapshotCount());
        ps.setString(27, b.firstSnapshotId());
        ps.setString(28, b.lastSnapshotId());
        ps.setString(29, String.join(",", b.triggerEventIds()));
    }

    /**
     * PnL snapshots, one per scope and changed millisecond: written by jobs before schema v6, no longer by the plane.
     * Kept so that rows such a job committed to the rows topic before an upgrade still load.
     */
    public static final ClickHouseTable<PnlSnapshot> PNL_SNAPSHOTS = new ClickHouseTable<>("pnl_snapshots",
            "snapshot_id, scope_type, org, strategy, event_time, event_time_ms, trading_day, realized_pnl, "
            + "fees, unrealized_pnl, equity, peak_equity, peak_time_ms, drawdown, drawdown_fraction, daily_pnl, "
            + "day_start_equity, trigger_event_ids",
            ClickHouseRows::bindSnapshot);

    public static final ClickHouseTable<ControlRecord> CONTROL_EVENTS = new ClickHouseTable<>("control_events",
            "control_id, kind, action, org, strategy, instrument, venue, adapter, lane, reason_code, rule_id, "
            + "rule_version, policy_id, policy_version, decided_at, decided_at_ms, summary, evidence_json, "
            + "envelope_json",
            ClickHouseRows::bindControl);

    public static final ClickHouseTable<AlertRecord> ALERTS = new ClickHouseTable<>("alerts",
            "alert_id, control_id, severity, rule_id, team, kind, action, org, strategy, instrument, venue, "
            + "adapter, lane, summary, runbook_url, labels_json, raised_at, raised_at_ms, envelope_json",
            ClickHouseRows::bindAlert);

    public static final ClickHouseTable<DeadLetterRecord> DEAD_LETTERS = new ClickHouseTable<>("dead_letters",
            "dead_letter_id, reason_code, detail, source_topic, source_partition, source_offset, "
            + "original_event_id, original_base64, observed_at, observed_at_ms",
            ClickHouseRows::bindDeadLetter);

    public static final ClickHouseTable<TelemetryWindow> EXECUTION_TELEMETRY = new ClickHouseTable<>("execution_telemetry",
            "window_id, window_size, window_start_millis, window_end_millis, window_end, level, org, "
            + "strategy, instrument, venue, adapter, source, orders, ordered_quantity, filled_quantity, "
            + "fill_efficiency, fills, slippage_avg_bps, slippage_p50_bps, slippage_p95_bps, "
            + "slippage_vs_confidence_slope, slippage_vs_latency_slope, ack_latency_p50_ms, ack_latency_p95_ms, "
            + "ack_latency_p99_ms, fill_latency_p50_ms, fill_latency_p95_ms, fill_latency_p99_ms, rejected, "
            + "rejection_rate, error_categories, fallbacks, fallback_ratio, fallback_reasons, signals, "
            + "confidence_p10, confidence_p50, confidence_p90, signal_lag_p50_ms, signal_lag_p99_ms, "
            + "signal_lag_max_ms, ingest_latency_p50_ms, ingest_latency_p99_ms",
            ClickHouseRows::bindTelemetry);

    static void bindTelemetry(JsonRow ps, TelemetryWindow w) {
        ps.setString(1, w.windowId());
        ps.setString(2, w.windowSize());
        ps.setLong(3, w.windowStartMillis());
        ps.setLong(4, w.windowEndMillis());
        ps.setLong(5, Math.floorDiv(w.windowEndMillis(), 1000L));
        ps.setString(6, w.level());
        ps.setString(7, w.org());
        ps.setString(8, w.strategy());
        ps.setString(9, w.instrument());
        ps.setString(10, w.venue());
        ps.setString(11, w.adapter());
        ps.setString(12, w.source());
        ps.setLong(13, w.orders());
        ps.setDouble(14, w.orderedQuantity());
        ps.setDouble(15, w.filledQuantity());
        ps.setNullable(16, w.fillEfficiency());
        ps.setLong(17, w.fills());
        ps.setNullable(18, w.slippageAvgBps());
        ps.setNullable(19, w.slippageP50Bps());
        ps.setNullable(20, w.slippageP95Bps());
        ps.setNullable(21, w.slippageVsConfidenceSlope());
        ps.setNullable(22, w.slippageVsLatencySlope());
        ps.setNullable(23, w.ackLatencyP50Ms());
        ps.setNullable(24, w.ackLatencyP95Ms());
        ps.setNullable(25, w.ackLatencyP99Ms());
        ps.setNullable(26, w.fillLatencyP50Ms());
        ps.setNullable(27, w.fillLatencyP95Ms());
        ps.setNullable(28, w.fillLatencyP99Ms());
        ps.setLong(29, w.rejected());
        ps.setNullable(30, w.rejectionRate());
        ps.setString(31, w.errorCategories());
        ps.setLong(32, w.fallbacks());
        ps.setNullable(33, w.fallbackRatio());
        ps.setString(34, w.fallbackReasons());
        ps.setLong(35, w.signals());
        ps.setNullable(36, w.confidenceP10());
        ps.setNullable(37, w.confidenceP50());
        ps.setNullable(38, w.confidenceP90());
        ps.setNullable(39, w.signalLagP50Ms());
        ps.setNullable(40, w.signalLagP99Ms());
        ps.setNullable(41, w.signalLagMaxMs());
        ps.setNullable(42, w.ingestLatencyP50Ms());
        ps.setNullable(43, w.ingestLatencyP99Ms());
    }

    public static final ClickHouseTable<SloEvaluation> SLO_EVALUATIONS = new ClickHouseTable<>("slo_evaluations",
            "evaluation_id, slo, scope_type, venue, instrument, adapter, evaluated_at, evaluated_at_ms, "
            + "window_start_ms, value, samples, status, threshold_name, threshold, breach_streak, "
            + "healthy_streak, halted, policy_id, policy_version, derived_json, values_json, store_reason",
            ClickHouseRows::bindSlo);

    static void bindSlo(JsonRow ps, SloEvaluation e) {
        SloMeasurement m = e.measurement();
        ps.setString(1, e.evaluationId());
        ps.setString(2, m.slo());
        ps.setString(3, m.scopeType());
        ps.setString(4, m.venue());
        ps.setString(5, m.instrument());
        ps.setString(6, m.adapter());
        ps.setLong(7, Math.floorDiv(m.measuredAtMillis(), 1000L));
        ps.setLong(8, m.measuredAtMillis());
        ps.setLong(9, m.windowStartMillis());
        ps.setNullable(10, m.value());
        ps.setLong(11, m.samples());
        ps.setString(12, e.status());
        ps.setString(13, e.thresholdName());
        ps.setNullable(14, Double.isNaN(e.threshold()) ? null : e.threshold());
        ps.setInt(15, e.breachStreak());
        ps.setInt(16, e.healthyStreak());
        ps.setInt(17, e.halted() ? 1 : 0);
        ps.setString(18, e.policyId());
        ps.setLong(19, e.policyVersion());
        ps.setString(20, jsonObject(e.derived()));
        ps.setString(21, jsonObject(m.values()));
        ps.setString(22, e.storeReason());
    }

    public static final ClickHouseTable<DislocationEpisode> DISLOCATIONS = new ClickHouseTable<>("dislocations",
            "episode_id, instrument, status, start_time, start_ms, end_ms, duration_ms, peak_net_bps, "
            + "peak_gross_bps, peak_ms, high_venue, low_venue, high_mid, low_mid, fees_bps, trigger_event_ids",
            ClickHouseRows::bindDislocation);

    static void bindDislocation(JsonRow ps, DislocationEpisode d) {
        ps.setString(1, d.episodeId());
        ps.setString(2, d.instrument());
        ps.setString(3, d.status());
        ps.setLong(4, Math.floorDiv(d.startMillis(), 1000L));
        ps.setLong(5, d.startMillis());
        ps.setLong(6, d.endMillis());
        ps.setLong(7, d.durationMillis());
        ps.setDouble(8, d.peakNetBps());
        ps.setDouble(9, d.peakGrossBps());
        ps.setLong(10, d.peakMillis());
        ps.setString(11, d.highVenue());
        ps.setString(12, d.lowVenue());
        ps.setDouble(13, d.highMid());
        ps.setDouble(14, d.lowMid());
        ps.setDouble(15, d.feesBps());
        ps.setString(16, String.join(",", d.triggerEventIds()));
    }

    public static final ClickHouseTable<CursorStaleness> CURSOR_STALENESS = new ClickHouseTable<>("cursor_staleness",
            "staleness_id, measured_at, measured_at_ms, source, consumer_id, lane, calendar, session_open, "
            + "tail_sequence, tail_signal_ms, tail_event_ms, cursor_sequence, cursor_time_ms, signal_lag_s, "
            + "cursor_lag_s, cursor_ahead_of_stream, cursor_tail_stable, no_signals_in_window, ahead_streak, "
            + "tail_stable_streak, no_signals_streak, status, trigger_event_ids, store_reason",
            ClickHouseRows::bindStaleness);

    static void bindStaleness(JsonRow ps, CursorStaleness c) {
        ps.setString(1, c.stalenessId());
        ps.setLong(2, Math.floorDiv(c.measuredAtMillis(), 1000L));
        ps.setLong(3, c.measuredAtMillis());
        ps.setString(4, c.source());
        ps.setString(5, c.consumerId());
        ps.setString(6, c.lane());
        ps.setString(7, c.calendar());
        ps.setInt(8, c.sessionOpen() ? 1 : 0);
        ps.setLong(9, c.tailSequence());
        ps.setLong(10, c.tailSignalMillis());
        ps.setLong(11, c.tailEventMillis());
        ps.setLong(12, c.cursorSequence());
        ps.setLong(13, c.cursorTimeMillis());
        ps.setNullable(14, c.signalLagSeconds());
        ps.setNullable(15, c.cursorLagSeconds());
        ps.setInt(16, c.cursorAheadOfStream() ? 1 : 0);
        ps.setInt(17, c.cursorTailStable() ? 1 : 0);
        ps.setInt(18, c.noSignalsInWindow() ? 1 : 0);
        ps.setInt(19, c.aheadStreak());
        ps.setInt(20, c.tailStableStreak());
        ps.setInt(21, c.noSignalsStreak());
        ps.setString(22, c.status());
        ps.setString(23, String.join(",", c.triggerEventIds()));
        ps.setString(24, c.storeReason());
    }

    public static final ClickHouseTable<GuardrailTrip> GUARDRAIL_TRIPS = new ClickHouseTable<>("guardrail_trips",
            "trip_id, level, org, strategy, instrument, check_name, tripped_at, tripped_at_ms, "
            + "window_start_ms, value, limit_name, limit_value, trips_in_window, trip_window_ms, cooldown_ms, "
            + "cooldown_until_ms, kill_trips, enters_kill, policy_id, policy_version, trigger_event_ids",
            ClickHouseRows::bindTrip);

    static void bindTrip(JsonRow ps, GuardrailTrip t) {
        ps.setString(1, t.tripId());
        ps.setString(2, t.level());
        ps.setString(3, t.org());
        ps.setString(4, t.strategy());
        ps.setString(5, t.instrument());
        ps.setString(6, t.check());
        ps.setLong(7, Math.floorDiv(t.atMillis(), 1000L));
        ps.setLong(8, t.atMillis());
        ps.setLong(9, t.windowStartMillis());
        ps.setDouble(10, t.value());
        ps.setString(11, t.limitName());
        ps.setDouble(12, t.limit());
        ps.setInt(13, t.tripsInWindow());
        ps.setLong(14, t.tripWindowMillis());
        ps.setLong(15, t.cooldownMillis());
        ps.setLong(16, t.cooldownUntilMillis());
        ps.setInt(17, t.killTrips());
        ps.setInt(18, t.entersKill() ? 1 : 0);
        ps.setString(19, t.policyId());
        ps.setLong(20, t.policyVersion());
        ps.setString(21, String.join(",", t.triggerEventIds()));
    }

    public static final ClickHouseTable<ConditionEvaluation> CONDITION_EVALUATIONS = new ClickHouseTable<>("condition_evaluations",
            "evaluation_id, condition, org, strategy, adapter, lane, source, evaluated_at, evaluated_at_ms, "
            + "window_start_ms, value, samples, detail, status, limit_name, limit_value, duration_ms, "
            + "min_samples, breach_since_ms, triggered, enters_trigger, policy_id, policy_version",
            ClickHouseRows::bindCondition);

    static void bindCondition(JsonRow ps, ConditionEvaluation e) {
        ConditionSample s = e.sample();
        ps.setString(1, e.evaluationId());
        ps.setString(2, s.condition());
        ps.setString(3, s.org());
        ps.setString(4, s.strategy());
        ps.setString(5, s.adapter());
        ps.setString(6, s.lane());
        ps.setString(7, s.source());
        ps.setLong(8, Math.floorDiv(s.atMillis(), 1000L));
        ps.setLong(9, s.atMillis());
        ps.setLong(10, s.windowStartMillis());
        ps.setNullable(11, Double.isNaN(s.value()) ? null : s.value());
        ps.setLong(12, s.samples());
        ps.setString(13, s.detail());
        ps.setString(14, e.status());
        ps.setString(15, e.limitName());
        ps.setNullable(16, Double.isNaN(e.limit()) ? null : e.limit());
        ps.setLong(17, e.durationMillis());
        ps.setLong(18, e.minSamples());
        ps.setLong(19, e.breachSinceMillis());
        ps.setInt(20, e.triggered() ? 1 : 0);
        ps.setInt(21, e.entersTrigger() ? 1 : 0);
        ps.setString(22, e.policyId());
        ps.setLong(23, e.policyVersion());
    }

    public static final ClickHouseTable<LaneRunEvaluation> LANE_RUNS = new ClickHouseTable<>("lane_runs",
            "evaluation_id, lane, run_id, outcome, lane_policy_version, org, strategy, failed_gates, run_at, "
            + "run_at_ms, failures_in_window, max_failures, window_ms, enters_rollback, rollback_target, "
            + "policy_id, policy_version",
            ClickHouseRows::bindLaneRun);

    /** Every table the plane writes. */
    public static final java.util.List<ClickHouseTable<?>> TABLES = java.util.List.of(RAW_EVENTS, PNL_BARS, PNL_SNAPSHOTS,
            CONTROL_EVENTS, ALERTS, DEAD_LETTERS, EXECUTION_TELEMETRY, SLO_EVALUATIONS, DISLOCATIONS, CURSOR_STALENESS,
            GUARDRAIL_TRIPS, CONDITION_EVALUATIONS, LANE_RUNS);

    /** Their names: the loader inserts into these and no others. */
    public static final java.util.Set<String> TABLE_NAMES = TABLES.stream().map(ClickHouseTable::name)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    static void bindLaneRun(JsonRow ps, LaneRunEvaluation e) {
        LaneRunRecord r = e.run();
        ps.setString(1, e.evaluationId());
        ps.setString(2, r.lane());
        ps.setString(3, r.runId());
        ps.setString(4, r.outcome());
        ps.setString(5, r.policyVersion());
        ps.setString(6, r.org());
        ps.setString(7, r.strategy());
        ps.setString(8, String.join(",", r.failedGates()));
        ps.setLong(9, Math.floorDiv(r.eventTimeMillis(), 1000L));
        ps.setLong(10, r.eventTimeMillis());
        ps.setInt(11, e.failures());
        ps.setInt(12, e.maxFailures());
        ps.setLong(13, e.windowMillis());
        ps.setInt(14, e.entersRollback() ? 1 : 0);
        ps.setString(15, e.rollbackTarget());
        ps.setString(16, e.policyId());
        ps.setLong(17, e.policyVersion());
    }

    /** {"k":v,...} with sorted keys; values are finite numbers. */
    static String jsonObject(java.util.Map<String, Double> m) {
        StringBuilder sb = new StringBuilder("{");
        new java.util.TreeMap<>(m).forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append('"')
                .append(k.replace("\"", "")).append("\":").append(Double.isFinite(v) ? v.toString() : "null"));
        return sb.append('}').toString();
    }

    static void bindRawEvent(JsonRow ps, RawEvent e) {
        ps.setString(1, e.eventId());
        ps.setString(2, e.kind());
        ps.setString(3, e.source());
        ps.setLong(4, Math.floorDiv(e.eventTimeMillis(), 1000L));
        ps.setLong(5, e.eventTimeMillis());
        ps.setString(6, e.topic());
        ps.setInt(7, e.partition());
        ps.setLong(8, e.offset());
        ps.setLong(9, e.ingestMillis());
        ps.setString(10, e.envelopeJson());
    }

    static void bindSnapshot(JsonRow ps, PnlSnapshot s) {
        ps.setString(1, s.snapshotId());
        ps.setString(2, s.scopeType());
        ps.setString(3, s.org());
        ps.setString(4, s.strategy());
        ps.setLong(5, Math.floorDiv(s.eventTimeMillis(), 1000L));
        ps.setLong(6, s.eventTimeMillis());
        ps.setString(7, s.tradingDay());
        ps.setDouble(8, s.realizedPnl());
        ps.setDouble(9, s.fees());
        ps.setDouble(10, s.unrealizedPnl());
        ps.setDouble(11, s.equity());
        ps.setDouble(12, s.peakEquity());
        ps.setLong(13, s.peakTimeMillis());
        ps.setDouble(14, s.drawdown());
        ps.setNullable(15, s.drawdownFraction());
        ps.setDouble(16, s.dailyPnl());
        ps.setDouble(17, s.dayStartEquity());
        ps.setString(18, String.join(",", s.triggerEventIds()));
    }

    static void bindControl(JsonRow ps, ControlRecord r) {
        Envelope e = parse(r.envelope());
        ControlEvent c = e.getControl();
        ps.setString(1, c.getControlId());
        ps.setString(2, c.getKind().name());
        ps.setString(3, c.getAction().name());
        ps.setString(4, c.getScope().getOrg());
        ps.setString(5, c.getScope().getStrategy());
        ps.setString(6, c.getScope().getInstrument());
        ps.setString(7, c.getScope().getVenue());
        ps.setString(8, c.getScope().getAdapter());
        ps.setString(9, c.getScope().getLane());
        ps.setString(10, c.getReasonCode());
        ps.setString(11, c.getRuleId());
        ps.setLong(12, c.getRuleVersion());
        ps.setString(13, c.getPolicyId());
        ps.setLong(14, c.getPolicyVersion());
        ps.setLong(15, Math.floorDiv(r.decidedAtMillis(), 1000L));
        ps.setLong(16, r.decidedAtMillis());
        ps.setString(17, c.getEvidence().getSummary());
        ps.setString(18, EnvelopeJson.print(c.getEvidence()));
        ps.setString(19, EnvelopeJson.print(e));
    }

    static void bindAlert(JsonRow ps, AlertRecord r) {
        Envelope e = parse(r.envelope());
        Alert a = e.getAlert();
        ps.setString(1, a.getAlertId());
        ps.setString(2, a.getControlId());
        ps.setString(3, a.getSeverity().name());
        ps.setString(4, a.getRuleId());
        ps.setString(5, a.getLabelsOrDefault("team", ""));
        ps.setString(6, a.getLabelsOrDefault("kind", ""));
        ps.setString(7, a.getLabelsOrDefault("action", ""));
        ps.setString(8, a.getScope().getOrg());
        ps.setString(9, a.getScope().getStrategy());
        ps.setString(10, a.getScope().getInstrument());
        ps.setString(11, a.getScope().getVenue());
        ps.setString(12, a.getScope().getAdapter());
        ps.setString(13, a.getScope().getLane());
        ps.setString(14, a.getSummary());
        ps.setString(15, a.getRunbookUrl());
        com.google.protobuf.Struct.Builder labels = com.google.protobuf.Struct.newBuilder();
        new java.util.TreeMap<>(a.getLabelsMap()).forEach((k, v) -> labels.putFields(k,
                com.google.protobuf.Value.newBuilder().setStringValue(v).build()));
        ps.setString(16, EnvelopeJson.print(labels));
        ps.setLong(17, Math.floorDiv(r.raisedAtMillis(), 1000L));
        ps.setLong(18, r.raisedAtMillis());
        ps.setString(19, EnvelopeJson.print(e));
    }

    static void bindDeadLetter(JsonRow ps, DeadLetterRecord d) {
        ps.setString(1, d.id());
        ps.setString(2, d.reasonCode());
        ps.setString(3, d.detail());
        ps.setString(4, d.sourceTopic());
        ps.setInt(5, d.sourcePartition());
        ps.setLong(6, d.sourceOffset());
        ps.setString(7, d.originalEventId());
        ps.setString(8, Base64.getEncoder().encodeToString(d.original()));
        ps.setLong(9, Math.floorDiv(d.observedMillis(), 1000L));
        ps.setLong(10, d.observedMillis());
    }

    private static Envelope parse(byte[] bytes) {
        try {
            return Envelope.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("plane produced an unreadable envelope", e);
        }
    }

    private static String json(byte[] envelope) {
        return EnvelopeJson.print(parse(envelope));
    }
}
