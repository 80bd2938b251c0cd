package io.riskplane.sinks.clickhouse;

import io.riskplane.contract.EnvelopeJson;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.Decoded;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.DislocationEpisode;
import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.SloEvaluation;
import io.riskplane.model.SloMeasurement;
import io.riskplane.model.TelemetryWindow;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.Envelope;
import java.io.Serializable;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Base64;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * Batched inserts through Flink's JDBC sink and the official ClickHouse JDBC driver. At least once; the tables
 * are ReplacingMergeTrees keyed by deterministic ids, so a replayed batch collapses into the rows it repeats.
 */
public final class ClickHouseSinks implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final int batchSize;
    private final long batchIntervalMs;

    public ClickHouseSinks(String jdbcUrl, String user, String password, int batchSize, long batchIntervalMs) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.batchSize = batchSize;
        this.batchIntervalMs = batchIntervalMs;
    }

    public JdbcSink<Decoded> rawEvents() {
        return JdbcSink.<Decoded>builder()
                .withQueryStatement("INSERT INTO riskplane.raw_events (event_id, kind, source, event_time, "
                        + "event_time_ms, source_topic, source_partition, source_offset, ingest_time_ms, envelope_json) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ClickHouseSinks::bindRawEvent)
                .withExecutionOptions(execution())
                .buildAtLeastOnce(connection());
    }

    public JdbcSink<PnlSnapshot> pnlSnapshots() {
        return JdbcSink.<PnlSnapshot>builder()
                .withQueryStatement("INSERT INTO riskplane.pnl_snapshots (snapshot_id, scope_type, org, strategy, "
                        + "event_time, event_time_ms, trading_day, realized_pnl, fees, unrealized_pnl, equity, "
                        + "peak_equity, peak_time_ms, drawdown, drawdown_fraction, daily_pnl, day_start_equity, "
                        + "trigger_event_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        ClickHouseSinks::bindSnapshot)
                .withExecutionOptions(execution())
                .buildAtLeastOnce(connection());
    }

    public JdbcSink<ControlRecord> controlEvents() {
        return JdbcSink.<ControlRecord>builder()
                .withQueryStatement("INSERT INTO riskplane.control_events (control_id, kind, action, org, strategy, "
                        + "instrument, venue, adapter, lane, reason_code, rule_id, rule_version, policy_id, "
                        + "policy_version, decided_at, decided_at_ms, summary, evidence_json, envelope_json) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        ClickHouseSinks::bindControl)
                // Control events are few and on-call reads them: flush each one.
                .withExecutionOptions(JdbcExecutionOptions.builder().withBatchSize(1).withMaxRetries(5).build())
                .buildAtLeastOnce(connection());
    }

    public JdbcSink<DeadLetterRecord> deadLetters() {
        return JdbcSink.<DeadLetterRecord>builder()
                .withQueryStatement("INSERT INTO riskplane.dead_letters (dead_letter_id, reason_code, detail, "
                        + "source_topic, source_partition, source_offset, original_event_id, original_base64, "
                        + "observed_at, observed_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        ClickHouseSinks::bindDeadLetter)
                .withExecutionOptions(execution())
                .buildAtLeastOnce(connection());
    }

    public JdbcSink<TelemetryWindow> executionTelemetry() {
        return JdbcSink.<TelemetryWindow>builder()
                .withQueryStatement("INSERT INTO riskplane.execution_telemetry (window_id, window_size, window_start_millis, "
                        + "window_end_millis, window_end, level, org, strategy, instrument, venue, adapter, source, "
                        + "orders, ordered_quantity, filled_quantity, fill_efficiency, fills, slippage_avg_bps, "
                        + "slippage_p50_bps, slippage_p95_bps, slippage_vs_confidence_slope, slippage_vs_latency_slope, "
                        + "ack_latency_p50_ms, ack_latency_p95_ms, ack_latency_p99_ms, fill_latency_p50_ms, "
                        + "fill_latency_p95_ms, fill_latency_p99_ms, rejected, rejection_rate, error_categories, "
                        + "fallbacks, fallback_ratio, fallback_reasons, signals, confidence_p10, confidence_p50, "
                        + "confidence_p90, signal_lag_p50_ms, signal_lag_p99_ms, signal_lag_max_ms, "
                        + "ingest_latency_p50_ms, ingest_latency_p99_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                        + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        ClickHouseSinks::bindTelemetry)
                .withExecutionOptions(execution())
                .buildAtLeastOnce(connection());
    }

    static void bindTelemetry(PreparedStatement ps, TelemetryWindow w) throws SQLException {
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
        setNullable(ps, 16, w.fillEfficiency());
        ps.setLong(17, w.fills());
        setNullable(ps, 18, w.slippageAvgBps());
        setNullable(ps, 19, w.slippageP50Bps());
        setNullable(ps, 20, w.slippageP95Bps());
        setNullable(ps, 21, w.slippageVsConfidenceSlope());
        setNullable(ps, 22, w.slippageVsLatencySlope());
        setNullable(ps, 23, w.ackLatencyP50Ms());
        setNullable(ps, 24, w.ackLatencyP95Ms());
        setNullable(ps, 25, w.ackLatencyP99Ms());
        setNullable(ps, 26, w.fillLatencyP50Ms());
        setNullable(ps, 27, w.fillLatencyP95Ms());
        setNullable(ps, 28, w.fillLatencyP99Ms());
        ps.setLong(29, w.rejected());
        setNullable(ps, 30, w.rejectionRate());
        ps.setString(31, w.errorCategories());
        ps.setLong(32, w.fallbacks());
        setNullable(ps, 33, w.fallbackRatio());
        ps.setString(34, w.fallbackReasons());
        ps.setLong(35, w.signals());
        setNullable(ps, 36, w.confidenceP10());
        setNullable(ps, 37, w.confidenceP50());
        setNullable(ps, 38, w.confidenceP90());
        setNullable(ps, 39, w.signalLagP50Ms());
        setNullable(ps, 40, w.signalLagP99Ms());
        setNullable(ps, 41, w.signalLagMaxMs());
        setNullable(ps, 42, w.ingestLatencyP50Ms());
        setNullable(ps, 43, w.ingestLatencyP99Ms());
    }

    public JdbcSink<SloEvaluation> sloEvaluations() {
        return JdbcSink.<SloEvaluation>builder()
                .withQueryStatement("INSERT INTO riskplane.slo_evaluations (evaluation_id, slo, scope_type, venue, "
                        + "instrument, adapter, evaluated_at, evaluated_at_ms, window_start_ms, value, samples, status, "
                        + "threshold_name, threshold, breach_streak, healthy_streak, halted, policy_id, policy_version, "
                        + "derived_json, values_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                        + "?, ?)", ClickHouseSinks::bindSlo)
                .withExecutionOptions(execution())
                .buildAtLeastOnce(connection());
    }

    static void bindSlo(PreparedStatement ps, SloEvaluation e) throws SQLException {
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
        setNullable(ps, 10, m.value());
        ps.setLong(11, m.samples());
        ps.setString(12, e.status());
        ps.setString(13, e.thresholdName());
        setNullable(ps, 14, Double.isNaN(e.threshold()) ? null : e.threshold());
        ps.setInt(15, e.breachStreak());
        ps.setInt(16, e.healthyStreak());
        ps.setInt(17, e.halted() ? 1 : 0);
        ps.setString(18, e.policyId());
        ps.setLong(19, e.policyVersion());
        ps.setString(20, jsonObject(e.derived()));
        ps.setString(21, jsonObject(m.values()));
    }

    public JdbcSink<DislocationEpisode> dislocations() {
        return JdbcSink.<DislocationEpisode>builder()
                .withQueryStatement("INSERT INTO riskplane.dislocations (episode_id, instrument, status, start_time, "
                        + "start_ms, end_ms, duration_ms, peak_net_bps, peak_gross_bps, peak_ms, high_venue, low_venue, "
                        + "high_mid, low_mid, fees_bps, trigger_event_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                        + "?, ?, ?, ?)", ClickHouseSinks::bindDislocation)
                .withExecutionOptions(execution())
                .buildAtLeastOnce(connection());
    }

    static void bindDislocation(PreparedStatement ps, DislocationEpisode d) throws SQLException {
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

    /** {"k":v,...} with sorted keys; values are finite numbers. */
    static String jsonObject(java.util.Map<String, Double> m) {
        StringBuilder sb = new StringBuilder("{");
        new java.util.TreeMap<>(m).forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append('"')
                .append(k.replace("\"", "")).append("\":").append(Double.isFinite(v) ? v.toString() : "null"));
        return sb.append('}').toString();
    }

    private static void setNullable(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    private JdbcExecutionOptions execution() {
        return JdbcExecutionOptions.builder()
                .withBatchSize(batchSize)
                .withBatchIntervalMs(batchIntervalMs)
                .withMaxRetries(5)
                .build();
    }

    private JdbcConnectionOptions connection() {
        return new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl(jdbcUrl)
                .withDriverName("com.clickhouse.jdbc.ClickHouseDriver")
                .withUsername(user)
                .withPassword(password)
                .build();
    }

    static void bindRawEvent(PreparedStatement ps, Decoded d) throws SQLException {
        ps.setString(1, d.eventId());
        ps.setString(2, d.kind());
        ps.setString(3, d.source());
        ps.setLong(4, Math.floorDiv(d.eventTimeMillis(), 1000L));
        ps.setLong(5, d.eventTimeMillis());
        ps.setString(6, d.topic());
        ps.setInt(7, d.partition());
        ps.setLong(8, d.offset());
        ps.setLong(9, d.ingestMillis());
        ps.setString(10, json(d.envelope()));
    }

    static void bindSnapshot(PreparedStatement ps, PnlSnapshot s) throws SQLException {
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
        setNullable(ps, 15, s.drawdownFraction());
        ps.setDouble(16, s.dailyPnl());
        ps.setDouble(17, s.dayStartEquity());
        ps.setString(18, String.join(",", s.triggerEventIds()));
    }

    static void bindControl(PreparedStatement ps, ControlRecord r) throws SQLException {
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

    static void bindDeadLetter(PreparedStatement ps, DeadLetterRecord d) throws SQLException {
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

    private static Envelope parse(byte[] bytes) throws SQLException {
        try {
            return Envelope.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new SQLException("plane produced an unreadable envelope", e);
        }
    }

    private static String json(byte[] envelope) throws SQLException {
        return EnvelopeJson.print(parse(envelope));
    }
}
