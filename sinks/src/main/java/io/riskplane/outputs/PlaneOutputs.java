package io.riskplane.outputs;

import io.riskplane.contract.EnvelopeJson;
import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.model.AlertRecord;
import io.riskplane.model.ConditionEvaluation;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.CursorStaleness;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.DislocationEpisode;
import io.riskplane.model.GuardrailTrip;
import io.riskplane.model.HaltStateRecord;
import io.riskplane.model.LaneRunEvaluation;
import io.riskplane.model.PnlBar;
import io.riskplane.model.SloEvaluation;
import io.riskplane.model.TelemetryWindow;
import io.riskplane.sinks.clickhouse.ClickHouseTable;
import io.riskplane.sinks.iceberg.IcebergLakehouse;
import io.riskplane.sinks.kafka.KafkaSinks;
import io.riskplane.v1.Alert;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.Envelope;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every output of the plane, each described once ({@link PlaneOutput}): the decision job's Kafka sinks, replay,
 * the ClickHouse loader, the archive job and the table of outputs in docs/storage.md all read this list. Adding an
 * output is one entry here (with its record in io.riskplane.model, its stream handed to PlaneSinks.output in
 * RiskPlaneJob, and a migration for its ClickHouse table): docs/storage.md, "How to add an output".
 *
 * <p>The method references here name methods of the output's own record; a function shared by several record types
 * is called from a lambda instead ({@code v -> OutputJson.fields(v)}). The descriptors travel serialized with the
 * job graph, and javac's $deserializeLambda$ tells method references apart without the type they were made for:
 * {@code OutputJson::fields} for two outputs comes back as the first one, casting every record to its type.
 *
 * <p>The names, files, tables, topics and detector names are contract (docs/contracts.md, docs/storage.md):
 * renaming one is a breaking change, not a refactor. So are the operator uids derived from the tables
 * (PlaneOutput.rowsUid) and given for the topics: savepoints restore state by them.
 */
public final class PlaneOutputs {
    private PlaneOutputs() {}

    /** Control events: the exactly-once control topic, and their history in ClickHouse and Iceberg. */
    public static final PlaneOutput<ControlRecord> CONTROL_EVENTS = PlaneOutput.builder(
                    "control_events", ControlRecord.class)
            .replay("control-events.jsonl", r -> OutputJson.envelope(r.envelope()))
            .sortedBy(r -> OutputJson.timeKey(r.decidedAtMillis(), r.controlId()), "`decided_at`, then `control_id`")
            .clickhouse(ClickHouseTable.builder("control_events", ControlRecord.class, ControlView::of)
                    .text("control_id", v -> v.control().getControlId())
                    .text("kind", v -> v.control().getKind().name())
                    .text("action", v -> v.control().getAction().name())
                    .text("org", v -> v.control().getScope().getOrg())
                    .text("strategy", v -> v.control().getScope().getStrategy())
                    .text("instrument", v -> v.control().getScope().getInstrument())
                    .text("venue", v -> v.control().getScope().getVenue())
                    .text("adapter", v -> v.control().getScope().getAdapter())
                    .text("lane", v -> v.control().getScope().getLane())
                    .text("reason_code", v -> v.control().getReasonCode())
                    .text("rule_id", v -> v.control().getRuleId())
                    .uint32("rule_version", v -> v.control().getRuleVersion())
                    .text("policy_id", v -> v.control().getPolicyId())
                    .int64("policy_version", v -> v.control().getPolicyVersion())
                    .dateTime("decided_at", v -> v.record().decidedAtMillis())
                    .int64("decided_at_ms", v -> v.record().decidedAtMillis())
                    .text("summary", v -> v.control().getEvidence().getSummary())
                    .text("evidence_json", v -> EnvelopeJson.print(v.control().getEvidence()))
                    .text("envelope_json", v -> EnvelopeJson.print(v.envelope()))
                    .build())
            .iceberg(IcebergLakehouse.CONTROL_EVENTS)
            .kafkaTopic(
                    Topics.CONTROL,
                    "kafka control topic",
                    "kafka-control",
                    s -> KafkaSinks.control(
                            s.bootstrap(), s.client(), s.transactionalIdPrefix(), s.signing(), s.controlExactlyOnce()))
            .build();

    /**
     * Control events decided on arrival (docs/rules.md, "Early decisions"): their own topic at least once and right
     * away; their history in the same tables as the confirmed ones.
     */
    public static final PlaneOutput<ControlRecord> EARLY_CONTROL_EVENTS = PlaneOutput.builder(
                    "control_events_early", ControlRecord.class)
            .replay("control-events-early.jsonl", r -> OutputJson.envelope(r.envelope()))
            .sortedBy(r -> OutputJson.timeKey(r.decidedAtMillis(), r.controlId()), "`decided_at`, then `control_id`")
            .clickhouse(CONTROL_EVENTS.clickhouse())
            .iceberg(IcebergLakehouse.CONTROL_EVENTS)
            .kafkaTopic(
                    Topics.CONTROL_EARLY,
                    "kafka early control topic",
                    "kafka-control-early",
                    s -> KafkaSinks.earlyControl(s.bootstrap(), s.client(), s.signing()))
            .build();

    /**
     * One alert per halt episode, for on-call (docs/alerting.md): raised when a halt opens, raised again with its end
     * when a RESUME lifts it (or a cooldown lengthens, or a kill-switch replaces it).
     */
    public static final PlaneOutput<AlertRecord> ALERTS = PlaneOutput.builder("alerts", AlertRecord.class)
            .replay("alerts.jsonl", r -> OutputJson.envelope(r.envelope()))
            .sortedBy(
                    r -> OutputJson.timeKey(r.raisedAtMillis(), r.alertId()),
                    "the decision's event time, then `alert_id`")
            .clickhouse(ClickHouseTable.builder("alerts", AlertRecord.class, AlertView::of)
                    .text("alert_id", v -> v.alert().getAlertId())
                    .text("control_id", v -> v.alert().getControlId())
                    .text("severity", v -> v.alert().getSeverity().name())
                    .text("rule_id", v -> v.alert().getRuleId())
                    .text("team", v -> v.alert().getLabelsOrDefault("team", ""))
                    .text("kind", v -> v.alert().getLabelsOrDefault("kind", ""))
                    .text("action", v -> v.alert().getLabelsOrDefault("action", ""))
                    .text("org", v -> v.alert().getScope().getOrg())
                    .text("strategy", v -> v.alert().getScope().getStrategy())
                    .text("instrument", v -> v.alert().getScope().getInstrument())
                    .text("venue", v -> v.alert().getScope().getVenue())
                    .text("adapter", v -> v.alert().getScope().getAdapter())
                    .text("lane", v -> v.alert().getScope().getLane())
                    .text("summary", v -> v.alert().getSummary())
                    .text("runbook_url", v -> v.alert().getRunbookUrl())
                    .text("labels_json", v -> labelsJson(v.alert()))
                    .dateTime("raised_at", v -> v.record().raisedAtMillis())
                    .int64("raised_at_ms", v -> v.record().raisedAtMillis())
                    .text("envelope_json", v -> EnvelopeJson.print(v.envelope()))
                    .int64(
                            "ends_at_ms",
                            v -> v.alert().hasEndsAt()
                                    ? ProtoTime.toMillis(v.alert().getEndsAt())
                                    : 0)
                    .text("resolved_by", v -> v.alert().getResolvedByControlId())
                    .build())
            .kafkaTopic(
                    Topics.ALERTS,
                    "kafka alerts topic",
                    "kafka-alerts",
                    s -> KafkaSinks.alerts(
                            s.bootstrap(), s.client(), s.transactionalIdPrefix() + "-alerts", s.controlExactlyOnce()))
            .build();

    /**
     * Where each scope stands after every change of its halts (docs/rules.md, "Lifecycle"): the compacted topic
     * riskplane.v1.halt-state, and ClickHouse halt_states, whose view halts answers what is halted now.
     */
    public static final PlaneOutput<HaltStateRecord> HALT_STATES = PlaneOutput.builder(
                    "halt_states", HaltStateRecord.class)
            .replay("halt-states.jsonl", r -> OutputJson.envelope(r.envelope()))
            .sortedBy(r -> OutputJson.timeKey(r.updatedAtMillis(), r.stateId()), "`updated_at`, then `state_id`")
            .clickhouse(ClickHouseTable.builder("halt_states", HaltStateRecord.class, HaltStateView::of)
                    .text("state_id", v -> v.record().stateId())
                    .text("scope_key", v -> v.record().scopeKey())
                    .text("org", v -> v.state().getScope().getOrg())
                    .text("strategy", v -> v.state().getScope().getStrategy())
                    .text("instrument", v -> v.state().getScope().getInstrument())
                    .text("venue", v -> v.state().getScope().getVenue())
                    .text("adapter", v -> v.state().getScope().getAdapter())
                    .text("lane", v -> v.state().getScope().getLane())
                    .text("status", v -> v.state().getStatus().name().replace("HALT_STATUS_", ""))
                    .text("control_id", v -> v.state().getControlId())
                    .dateTime("updated_at", v -> v.record().updatedAtMillis())
                    .int64("updated_at_ms", v -> v.record().updatedAtMillis())
                    .int64("since_ms", v -> v.state().getHaltsList().stream()
                            .mapToLong(h -> ProtoTime.toMillis(h.getSince()))
                            .min()
                            .orElse(0))
                    .text(
                            "rule_ids",
                            v -> String.join(
                                    ",",
                                    v.state().getHaltsList().stream()
                                            .map(h -> h.getRuleId()
                                                    + (h.getSubject().isEmpty() ? "" : "/" + h.getSubject()))
                                            .toList()))
                    .text(
                            "episode_ids",
                            v -> String.join(
                                    ",",
                                    v.state().getHaltsList().stream()
                                            .map(io.riskplane.v1.HaltEntry::getEpisodeId)
                                            .toList()))
                    .text("lifted_episode_ids", v -> String.join(",", v.state().getLiftedEpisodeIdsList()))
                    .text("change", v -> v.state().getChange())
                    .text(
                            "halts_json",
                            v -> EnvelopeJson.print(io.riskplane.v1.HaltState.newBuilder()
                                    .addAllHalts(v.state().getHaltsList().stream()
                                            .map(h -> h.toBuilder().clearAlert().build())
                                            .toList())
                                    .build()))
                    .text("envelope_json", v -> EnvelopeJson.print(v.envelope()))
                    .build())
            .kafkaTopic(
                    Topics.HALT_STATE,
                    "kafka halt-state topic",
                    "kafka-halt-state",
                    s -> KafkaSinks.haltStates(
                            s.bootstrap(),
                            s.client(),
                            s.transactionalIdPrefix() + "-halt-state",
                            s.signing(),
                            s.controlExactlyOnce()))
            .build();

    /** The stored form of the PnL snapshots: one bar per scope and second, and a row per fill (docs/storage.md). */
    public static final PlaneOutput<PnlBar> PNL_BARS = PlaneOutput.builder("pnl_bars", PnlBar.class)
            .replay("pnl-bars.jsonl", v -> OutputJson.fields(v))
            .sortedBy(
                    b -> OutputJson.timeKey(b.eventTimeMillis(), b.scopeKey() + (b.fillRow() ? "|1" : "|0")),
                    "`event_time_millis`, then scope key `scope_type|org|strategy`, then the bar before the fill row")
            .clickhouse(ClickHouseTable.builder("pnl_bars", PnlBar.class)
                    .text("bar_id", PnlBar::barId)
                    .text("scope_type", PnlBar::scopeType)
                    .text("org", PnlBar::org)
                    .text("strategy", PnlBar::strategy)
                    .dateTime("bar_start", PnlBar::barStartMillis)
                    .int64("bar_start_ms", PnlBar::barStartMillis)
                    .dateTime("event_time", PnlBar::eventTimeMillis)
                    .int64("event_time_ms", PnlBar::eventTimeMillis)
                    .flag("fill_row", PnlBar::fillRow)
                    .date("trading_day", PnlBar::tradingDay)
                    .float64("open_equity", PnlBar::openEquity)
                    .float64("high_equity", PnlBar::highEquity)
                    .float64("low_equity", PnlBar::lowEquity)
                    .float64("close_equity", PnlBar::closeEquity)
                    .float64("max_drawdown", PnlBar::maxDrawdown)
                    .nullableFloat64("max_drawdown_fraction", PnlBar::maxDrawdownFraction)
                    .float64("realized_pnl", PnlBar::realizedPnl)
                    .float64("fees", PnlBar::fees)
                    .float64("unrealized_pnl", PnlBar::unrealizedPnl)
                    .float64("peak_equity", PnlBar::peakEquity)
                    .int64("peak_time_ms", PnlBar::peakTimeMillis)
                    .float64("drawdown", PnlBar::drawdown)
                    .nullableFloat64("drawdown_fraction", PnlBar::drawdownFraction)
                    .float64("daily_pnl", PnlBar::dailyPnl)
                    .float64("day_start_equity", PnlBar::dayStartEquity)
                    .uint32("snapshot_count", PnlBar::snapshotCount)
                    .text("first_snapshot_id", PnlBar::firstSnapshotId)
                    .text("last_snapshot_id", PnlBar::lastSnapshotId)
                    .text("trigger_event_ids", b -> String.join(",", b.triggerEventIds()))
                    .build())
            .detector(
                    "pnl",
                    r -> r.text("bar_id"),
                    r -> r.join("scope_type", "org", "strategy"),
                    r -> r.int64("event_time_ms"))
            .build();

    public static final PlaneOutput<DeadLetterRecord> DEAD_LETTERS = PlaneOutput.builder(
                    "dead_letters", DeadLetterRecord.class)
            .replay("dead-letters.jsonl", d -> EnvelopeJson.print(KafkaSinks.envelope(d)))
            .sortedBy(
                    PlaneOutputs::deadLetterKey,
                    "`source_topic`, `source_partition`, `source_offset` " + "(zero-padded), then dead-letter id")
            .clickhouse(ClickHouseTable.builder("dead_letters", DeadLetterRecord.class)
                    .text("dead_letter_id", DeadLetterRecord::id)
                    .text("reason_code", DeadLetterRecord::reasonCode)
                    .text("detail", DeadLetterRecord::detail)
                    .text("source_topic", DeadLetterRecord::sourceTopic)
                    .int32("source_partition", DeadLetterRecord::sourcePartition)
                    .int64("source_offset", DeadLetterRecord::sourceOffset)
                    .text("original_event_id", DeadLetterRecord::originalEventId)
                    .text("original_base64", d -> Base64.getEncoder().encodeToString(d.original()))
                    .dateTime("observed_at", DeadLetterRecord::observedMillis)
                    .int64("observed_at_ms", DeadLetterRecord::observedMillis)
                    .build())
            .kafkaTopic(
                    Topics.DEAD_LETTER,
                    "kafka dead-letter topic",
                    "kafka-dead-letters",
                    s -> KafkaSinks.deadLetters(s.bootstrap(), s.client()))
            .build();

    public static final PlaneOutput<TelemetryWindow> EXECUTION_TELEMETRY = PlaneOutput.builder(
                    "execution_telemetry", TelemetryWindow.class)
            .replay("execution-telemetry.jsonl", v -> OutputJson.fields(v))
            .sortedBy(
                    w -> OutputJson.timeKey(w.windowEndMillis(), w.windowSize() + "|" + w.scopeKey()),
                    "window end, then window length and scope key")
            .clickhouse(ClickHouseTable.builder("execution_telemetry", TelemetryWindow.class)
                    .text("window_id", TelemetryWindow::windowId)
                    .text("window_size", TelemetryWindow::windowSize)
                    .int64("window_start_millis", TelemetryWindow::windowStartMillis)
                    .int64("window_end_millis", TelemetryWindow::windowEndMillis)
                    .dateTime("window_end", TelemetryWindow::windowEndMillis)
                    .text("level", TelemetryWindow::level)
                    .text("org", TelemetryWindow::org)
                    .text("strategy", TelemetryWindow::strategy)
                    .text("instrument", TelemetryWindow::instrument)
                    .text("venue", TelemetryWindow::venue)
                    .text("adapter", TelemetryWindow::adapter)
                    .text("source", TelemetryWindow::source)
                    .int64("orders", TelemetryWindow::orders)
                    .float64("ordered_quantity", TelemetryWindow::orderedQuantity)
                    .float64("filled_quantity", TelemetryWindow::filledQuantity)
                    .nullableFloat64("fill_efficiency", TelemetryWindow::fillEfficiency)
                    .int64("fills", TelemetryWindow::fills)
                    .nullableFloat64("slippage_avg_bps", TelemetryWindow::slippageAvgBps)
                    .nullableFloat64("slippage_p50_bps", TelemetryWindow::slippageP50Bps)
                    .nullableFloat64("slippage_p95_bps", TelemetryWindow::slippageP95Bps)
                    .nullableFloat64("slippage_vs_confidence_slope", TelemetryWindow::slippageVsConfidenceSlope)
                    .nullableFloat64("slippage_vs_latency_slope", TelemetryWindow::slippageVsLatencySlope)
                    .nullableFloat64("ack_latency_p50_ms", TelemetryWindow::ackLatencyP50Ms)
                    .nullableFloat64("ack_latency_p95_ms", TelemetryWindow::ackLatencyP95Ms)
                    .nullableFloat64("ack_latency_p99_ms", TelemetryWindow::ackLatencyP99Ms)
                    .nullableFloat64("fill_latency_p50_ms", TelemetryWindow::fillLatencyP50Ms)
                    .nullableFloat64("fill_latency_p95_ms", TelemetryWindow::fillLatencyP95Ms)
                    .nullableFloat64("fill_latency_p99_ms", TelemetryWindow::fillLatencyP99Ms)
                    .int64("rejected", TelemetryWindow::rejected)
                    .nullableFloat64("rejection_rate", TelemetryWindow::rejectionRate)
                    .text("error_categories", TelemetryWindow::errorCategories)
                    .int64("fallbacks", TelemetryWindow::fallbacks)
                    .nullableFloat64("fallback_ratio", TelemetryWindow::fallbackRatio)
                    .text("fallback_reasons", TelemetryWindow::fallbackReasons)
                    .int64("signals", TelemetryWindow::signals)
                    .nullableFloat64("confidence_p10", TelemetryWindow::confidenceP10)
                    .nullableFloat64("confidence_p50", TelemetryWindow::confidenceP50)
                    .nullableFloat64("confidence_p90", TelemetryWindow::confidenceP90)
                    .nullableFloat64("signal_lag_p50_ms", TelemetryWindow::signalLagP50Ms)
                    .nullableFloat64("signal_lag_p99_ms", TelemetryWindow::signalLagP99Ms)
                    .nullableFloat64("signal_lag_max_ms", TelemetryWindow::signalLagMaxMs)
                    .nullableFloat64("ingest_latency_p50_ms", TelemetryWindow::ingestLatencyP50Ms)
                    .nullableFloat64("ingest_latency_p99_ms", TelemetryWindow::ingestLatencyP99Ms)
                    .build())
            .detector(
                    "execution_telemetry",
                    r -> r.text("window_id"),
                    r -> r.join("window_size", "level", "org", "strategy", "instrument", "venue", "adapter", "source"),
                    r -> r.int64("window_end_millis"))
            .build();

    /** The SLO evaluations storage keeps: status changes and one per scope and minute (SloEvaluation.stored()). */
    public static final PlaneOutput<SloEvaluation> SLO_EVALUATIONS = PlaneOutput.builder(
                    "slo_evaluations", SloEvaluation.class)
            .replay("slo-evaluations.jsonl", v -> OutputJson.fields(v))
            .sortedBy(
                    e -> OutputJson.timeKey(e.measurement().measuredAtMillis(), e.scopeKey()),
                    "evaluation time, then scope key")
            .clickhouse(ClickHouseTable.builder("slo_evaluations", SloEvaluation.class)
                    .text("evaluation_id", SloEvaluation::evaluationId)
                    .text("slo", e -> e.measurement().slo())
                    .text("scope_type", e -> e.measurement().scopeType())
                    .text("venue", e -> e.measurement().venue())
                    .text("instrument", e -> e.measurement().instrument())
                    .text("adapter", e -> e.measurement().adapter())
                    .dateTime("evaluated_at", e -> e.measurement().measuredAtMillis())
                    .int64("evaluated_at_ms", e -> e.measurement().measuredAtMillis())
                    .int64("window_start_ms", e -> e.measurement().windowStartMillis())
                    .nullableFloat64("value", e -> e.measurement().value())
                    .int64("samples", e -> e.measurement().samples())
                    .text("status", SloEvaluation::status)
                    .text("threshold_name", SloEvaluation::thresholdName)
                    .nullableFloat64("threshold", e -> Double.isNaN(e.threshold()) ? null : e.threshold())
                    .int32("breach_streak", SloEvaluation::breachStreak)
                    .int32("healthy_streak", SloEvaluation::healthyStreak)
                    .flag("halted", SloEvaluation::halted)
                    .text("policy_id", SloEvaluation::policyId)
                    .int64("policy_version", SloEvaluation::policyVersion)
                    .text("derived_json", e -> jsonObject(e.derived()))
                    .text("values_json", e -> jsonObject(e.measurement().values()))
                    .text("store_reason", SloEvaluation::storeReason)
                    .text("measurement_id", e -> e.measurement().measurementId())
                    .text(
                            "trigger_event_ids",
                            e -> String.join(",", e.measurement().triggerEventIds()))
                    .flag("enters_halt", SloEvaluation::entersHalt)
                    .flag("enters_resume", SloEvaluation::entersResume)
                    .int32("confirm_evaluations", SloEvaluation::confirmEvaluations)
                    .int32("resume_evaluations", SloEvaluation::resumeEvaluations)
                    .flag("auto_resume", SloEvaluation::autoResume)
                    .text("streak_measurement_ids", e -> String.join(",", e.streakMeasurementIds()))
                    .build())
            .detector(
                    "slo",
                    r -> r.text("evaluation_id"),
                    r -> r.join("slo", "scope_type", "venue", "instrument", "adapter"),
                    r -> r.int64("evaluated_at_ms"))
            .build();

    public static final PlaneOutput<DislocationEpisode> DISLOCATIONS = PlaneOutput.builder(
                    "dislocations", DislocationEpisode.class)
            .replay("dislocations.jsonl", v -> OutputJson.fields(v))
            .sortedBy(
                    d -> OutputJson.timeKey(
                            reportedAt(d.endMillis(), d.startMillis(), d.durationMillis()),
                            d.instrument() + "|" + d.status()),
                    "the time the row was reported (end, or start + minimum duration), then instrument and status")
            .clickhouse(ClickHouseTable.builder("dislocations", DislocationEpisode.class)
                    .text("episode_id", DislocationEpisode::episodeId)
                    .text("instrument", DislocationEpisode::instrument)
                    .text("status", DislocationEpisode::status)
                    .dateTime("start_time", DislocationEpisode::startMillis)
                    .int64("start_ms", DislocationEpisode::startMillis)
                    .int64("end_ms", DislocationEpisode::endMillis)
                    .int64("duration_ms", DislocationEpisode::durationMillis)
                    .float64("peak_net_bps", DislocationEpisode::peakNetBps)
                    .float64("peak_gross_bps", DislocationEpisode::peakGrossBps)
                    .int64("peak_ms", DislocationEpisode::peakMillis)
                    .text("high_venue", DislocationEpisode::highVenue)
                    .text("low_venue", DislocationEpisode::lowVenue)
                    .float64("high_mid", DislocationEpisode::highMid)
                    .float64("low_mid", DislocationEpisode::lowMid)
                    .float64("fees_bps", DislocationEpisode::feesBps)
                    .text("trigger_event_ids", d -> String.join(",", d.triggerEventIds()))
                    .build())
            .detector(
                    "dislocation",
                    r -> r.text("episode_id"),
                    r -> r.text("instrument"),
                    r -> reportedAt(r.int64("end_ms"), r.int64("start_ms"), r.int64("duration_ms")))
            .build();

    /** The staleness rows storage keeps: status changes and one per consumer and minute (CursorStaleness.stored()). */
    public static final PlaneOutput<CursorStaleness> CURSOR_STALENESS = PlaneOutput.builder(
                    "cursor_staleness", CursorStaleness.class)
            .replay("cursor-staleness.jsonl", v -> OutputJson.fields(v))
            .sortedBy(
                    c -> OutputJson.timeKey(c.measuredAtMillis(), c.scopeKey()), "tick time, then `source|consumer_id`")
            .clickhouse(ClickHouseTable.builder("cursor_staleness", CursorStaleness.class)
                    .text("staleness_id", CursorStaleness::stalenessId)
                    .dateTime("measured_at", CursorStaleness::measuredAtMillis)
                    .int64("measured_at_ms", CursorStaleness::measuredAtMillis)
                    .text("source", CursorStaleness::source)
                    .text("consumer_id", CursorStaleness::consumerId)
                    .text("lane", CursorStaleness::lane)
                    .text("calendar", CursorStaleness::calendar)
                    .flag("session_open", CursorStaleness::sessionOpen)
                    .int64("tail_sequence", CursorStaleness::tailSequence)
                    .int64("tail_signal_ms", CursorStaleness::tailSignalMillis)
                    .int64("tail_event_ms", CursorStaleness::tailEventMillis)
                    .int64("cursor_sequence", CursorStaleness::cursorSequence)
                    .int64("cursor_time_ms", CursorStaleness::cursorTimeMillis)
                    .nullableFloat64("signal_lag_s", CursorStaleness::signalLagSeconds)
                    .nullableFloat64("cursor_lag_s", CursorStaleness::cursorLagSeconds)
                    .flag("cursor_ahead_of_stream", CursorStaleness::cursorAheadOfStream)
                    .flag("cursor_tail_stable", CursorStaleness::cursorTailStable)
                    .flag("no_signals_in_window", CursorStaleness::noSignalsInWindow)
                    .int32("ahead_streak", CursorStaleness::aheadStreak)
                    .int32("tail_stable_streak", CursorStaleness::tailStableStreak)
                    .int32("no_signals_streak", CursorStaleness::noSignalsStreak)
                    .text("status", CursorStaleness::status)
                    .text("trigger_event_ids", c -> String.join(",", c.triggerEventIds()))
                    .text("store_reason", CursorStaleness::storeReason)
                    .build())
            .detector(
                    "cursor_staleness",
                    r -> r.text("staleness_id"),
                    r -> r.join("source", "consumer_id"),
                    r -> r.int64("measured_at_ms"))
            .build();

    public static final PlaneOutput<GuardrailTrip> GUARDRAIL_TRIPS = PlaneOutput.builder(
                    "guardrail_trips", GuardrailTrip.class)
            .replay("guardrail-trips.jsonl", v -> OutputJson.fields(v))
            .sortedBy(
                    t -> OutputJson.timeKey(t.atMillis(), t.scopeKey() + "|" + t.tripId()),
                    "trip time, then `level|org|strategy|instrument`, then trip id")
            .clickhouse(ClickHouseTable.builder("guardrail_trips", GuardrailTrip.class)
                    .text("trip_id", GuardrailTrip::tripId)
                    .text("level", GuardrailTrip::level)
                    .text("org", GuardrailTrip::org)
                    .text("strategy", GuardrailTrip::strategy)
                    .text("instrument", GuardrailTrip::instrument)
                    .text("check_name", GuardrailTrip::check)
                    .dateTime("tripped_at", GuardrailTrip::atMillis)
                    .int64("tripped_at_ms", GuardrailTrip::atMillis)
                    .int64("window_start_ms", GuardrailTrip::windowStartMillis)
                    .float64("value", GuardrailTrip::value)
                    .text("limit_name", GuardrailTrip::limitName)
                    .float64("limit_value", GuardrailTrip::limit)
                    .int32("trips_in_window", GuardrailTrip::tripsInWindow)
                    .int64("trip_window_ms", GuardrailTrip::tripWindowMillis)
                    .int64("cooldown_ms", GuardrailTrip::cooldownMillis)
                    .int64("cooldown_until_ms", GuardrailTrip::cooldownUntilMillis)
                    .int32("kill_trips", GuardrailTrip::killTrips)
                    .flag("enters_kill", GuardrailTrip::entersKill)
                    .text("policy_id", GuardrailTrip::policyId)
                    .int64("policy_version", GuardrailTrip::policyVersion)
                    .text("trigger_event_ids", t -> String.join(",", t.triggerEventIds()))
                    .build())
            .detector(
                    "guardrails",
                    r -> r.text("trip_id"),
                    r -> r.join("level", "org", "strategy", "instrument"),
                    r -> r.int64("tripped_at_ms"))
            .build();

    public static final PlaneOutput<ConditionEvaluation> CONDITION_EVALUATIONS = PlaneOutput.builder(
                    "condition_evaluations", ConditionEvaluation.class)
            .replay("condition-evaluations.jsonl", v -> OutputJson.fields(v))
            .sortedBy(
                    e -> OutputJson.timeKey(e.sample().atMillis(), e.scopeKey() + "|" + e.evaluationId()),
                    "sample time, then `condition|org|strategy|adapter|lane|source`, then evaluation id")
            .clickhouse(ClickHouseTable.builder("condition_evaluations", ConditionEvaluation.class)
                    .text("evaluation_id", ConditionEvaluation::evaluationId)
                    .text("condition", e -> e.sample().condition())
                    .text("org", e -> e.sample().org())
                    .text("strategy", e -> e.sample().strategy())
                    .text("adapter", e -> e.sample().adapter())
                    .text("lane", e -> e.sample().lane())
                    .text("source", e -> e.sample().source())
                    .dateTime("evaluated_at", e -> e.sample().atMillis())
                    .int64("evaluated_at_ms", e -> e.sample().atMillis())
                    .int64("window_start_ms", e -> e.sample().windowStartMillis())
                    .nullableFloat64(
                            "value",
                            e -> Double.isNaN(e.sample().value())
                                    ? null
                                    : e.sample().value())
                    .int64("samples", e -> e.sample().samples())
                    .text("detail", e -> e.sample().detail())
                    .text("status", ConditionEvaluation::status)
                    .text("limit_name", ConditionEvaluation::limitName)
                    .nullableFloat64("limit_value", e -> Double.isNaN(e.limit()) ? null : e.limit())
                    .int64("duration_ms", ConditionEvaluation::durationMillis)
                    .int64("min_samples", ConditionEvaluation::minSamples)
                    .int64("breach_since_ms", ConditionEvaluation::breachSinceMillis)
                    .flag("triggered", ConditionEvaluation::triggered)
                    .flag("enters_trigger", ConditionEvaluation::entersTrigger)
                    .text("policy_id", ConditionEvaluation::policyId)
                    .int64("policy_version", ConditionEvaluation::policyVersion)
                    .text("sample_id", e -> e.sample().sampleId())
                    .text("trigger_event_ids", e -> String.join(",", e.sample().triggerEventIds()))
                    .text("duration_name", ConditionEvaluation::durationName)
                    .text("run_sample_ids", e -> String.join(",", e.runSampleIds()))
                    .build())
            .detector(
                    "sustained_conditions",
                    r -> r.text("evaluation_id"),
                    r -> r.join("condition", "org", "strategy", "adapter", "lane", "source"),
                    r -> r.int64("evaluated_at_ms"))
            .build();

    public static final PlaneOutput<LaneRunEvaluation> LANE_RUNS = PlaneOutput.builder(
                    "lane_runs", LaneRunEvaluation.class)
            .replay("lane-runs.jsonl", v -> OutputJson.fields(v))
            .sortedBy(
                    e -> OutputJson.timeKey(e.run().eventTimeMillis(), e.run().lane() + "|" + e.evaluationId()),
                    "run time, then lane, then evaluation id")
            .clickhouse(ClickHouseTable.builder("lane_runs", LaneRunEvaluation.class)
                    .text("evaluation_id", LaneRunEvaluation::evaluationId)
                    .text("lane", e -> e.run().lane())
                    .text("run_id", e -> e.run().runId())
                    .text("outcome", e -> e.run().outcome())
                    .text("lane_policy_version", e -> e.run().policyVersion())
                    .text("org", e -> e.run().org())
                    .text("strategy", e -> e.run().strategy())
                    .text("failed_gates", e -> String.join(",", e.run().failedGates()))
                    .dateTime("run_at", e -> e.run().eventTimeMillis())
                    .int64("run_at_ms", e -> e.run().eventTimeMillis())
                    .int32("failures_in_window", LaneRunEvaluation::failures)
                    .int32("max_failures", LaneRunEvaluation::maxFailures)
                    .int64("window_ms", LaneRunEvaluation::windowMillis)
                    .flag("enters_rollback", LaneRunEvaluation::entersRollback)
                    .text("rollback_target", LaneRunEvaluation::rollbackTarget)
                    .text("policy_id", LaneRunEvaluation::policyId)
                    .int64("policy_version", LaneRunEvaluation::policyVersion)
                    .text("run_event_id", e -> e.run().eventId())
                    .int64("window_start_ms", LaneRunEvaluation::windowStartMillis)
                    .text("failed_run_event_ids", e -> String.join(",", e.failedRunEventIds()))
                    .build())
            .detector("lane_runs", r -> r.text("evaluation_id"), r -> r.text("lane"), r -> r.int64("run_at_ms"))
            .build();

    /** Every output, in the order `replay` lists its files. */
    public static final List<PlaneOutput<?>> ALL = List.of(
            CONTROL_EVENTS,
            EARLY_CONTROL_EVENTS,
            ALERTS,
            HALT_STATES,
            PNL_BARS,
            DEAD_LETTERS,
            EXECUTION_TELEMETRY,
            SLO_EVALUATIONS,
            DISLOCATIONS,
            CURSOR_STALENESS,
            GUARDRAIL_TRIPS,
            CONDITION_EVALUATIONS,
            LANE_RUNS);

    /**
     * Every detector's output by the name of its ClickHouse table (the key of its records on the rows topic): the
     * archive job reads their rows into Iceberg detector_outputs.
     */
    public static final Map<String, PlaneOutput<?>> DETECTORS_BY_TABLE = ALL.stream()
            .filter(o -> o.detector() != null)
            .collect(java.util.stream.Collectors.toUnmodifiableMap(
                    o -> o.clickhouse().name(), o -> o));

    /** Every replay output file, in that order. */
    public static final List<String> REPLAY_FILES =
            ALL.stream().map(PlaneOutput::replayFile).toList();

    /** A control event with its envelope parsed once per row. */
    private record ControlView(ControlRecord record, Envelope envelope) {
        static ControlView of(ControlRecord r) {
            return new ControlView(r, parse(r.envelope()));
        }

        ControlEvent control() {
            return envelope.getControl();
        }
    }

    /** An alert with its envelope parsed once per row. */
    private record AlertView(AlertRecord record, Envelope envelope) {
        static AlertView of(AlertRecord r) {
            return new AlertView(r, parse(r.envelope()));
        }

        Alert alert() {
            return envelope.getAlert();
        }
    }

    /** A halt state with its envelope parsed once per row. */
    private record HaltStateView(HaltStateRecord record, Envelope envelope) {
        static HaltStateView of(HaltStateRecord r) {
            return new HaltStateView(r, parse(r.envelope()));
        }

        io.riskplane.v1.HaltState state() {
            return envelope.getHaltState();
        }
    }

    private static Envelope parse(byte[] bytes) {
        try {
            return Envelope.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("plane produced an unreadable envelope", e);
        }
    }

    /** The alert's labels as a JSON object, keys sorted. */
    private static String labelsJson(Alert a) {
        com.google.protobuf.Struct.Builder labels = com.google.protobuf.Struct.newBuilder();
        new TreeMap<>(a.getLabelsMap())
                .forEach((k, v) -> labels.putFields(
                        k,
                        com.google.protobuf.Value.newBuilder().setStringValue(v).build()));
        return EnvelopeJson.print(labels);
    }

    /** {"k":v,...} with sorted keys; values are finite numbers. */
    private static String jsonObject(Map<String, Double> m) {
        StringBuilder sb = new StringBuilder("{");
        new TreeMap<>(m).forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "")
                .append('"')
                .append(k.replace("\"", ""))
                .append("\":")
                .append(Double.isFinite(v) ? v.toString() : "null"));
        return sb.append('}').toString();
    }

    /** The event time at which an episode was reported: its end when closed, else when it reached the minimum. */
    /** When a dislocation row was reported: its end, or (still open) its start plus the minimum duration. */
    private static long reportedAt(long endMillis, long startMillis, long durationMillis) {
        return endMillis > 0 ? endMillis : startMillis + durationMillis;
    }

    /** A dead letter's place in its input: topic, partition, zero-padded offset, then its id. */
    private static String deadLetterKey(DeadLetterRecord d) {
        StringBuilder key = new StringBuilder()
                .append(d.sourceTopic())
                .append('|')
                .append(d.sourcePartition())
                .append('|');
        return OutputJson.zeroPadded(key, d.sourceOffset())
                .append('|')
                .append(d.id())
                .toString();
    }
}
