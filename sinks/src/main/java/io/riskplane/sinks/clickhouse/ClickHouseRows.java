package io.riskplane.sinks.clickhouse;

import io.riskplane.model.PnlSnapshot;
import io.riskplane.model.RawEvent;
import io.riskplane.outputs.PlaneOutput;
import io.riskplane.outputs.PlaneOutputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The plane's ClickHouse tables. The outputs' tables are described with their outputs (io.riskplane.outputs
 * .PlaneOutputs); here are the two the loader fills from elsewhere, and the list of all. Rows travel through Kafka
 * (riskplane.v1.clickhouse-rows) to {@link ClickHouseLoader}, so a ClickHouse outage never holds up the job. The
 * tables are ReplacingMergeTrees keyed by deterministic ids, so a row inserted twice collapses into one.
 */
public final class ClickHouseRows {
    private ClickHouseRows() {}

    /** The input events: the loader reads the input topics itself (io.riskplane.ingest.RawEventRows). */
    public static final ClickHouseTable<RawEvent> RAW_EVENTS = ClickHouseTable.builder("raw_events", RawEvent.class)
            .text("event_id", RawEvent::eventId)
            .text("kind", RawEvent::kind)
            .text("source", RawEvent::source)
            .dateTime("event_time", RawEvent::eventTimeMillis)
            .int64("event_time_ms", RawEvent::eventTimeMillis)
            .text("source_topic", RawEvent::topic)
            .int32("source_partition", RawEvent::partition)
            .int64("source_offset", RawEvent::offset)
            .int64("ingest_time_ms", RawEvent::ingestMillis)
            .text("envelope_json", RawEvent::envelopeJson)
            .build();

    /**
     * PnL snapshots, one per scope and changed millisecond: written by jobs before schema v6, no longer by the plane.
     * Kept so that rows such a job committed to the rows topic before an upgrade still load.
     */
    public static final ClickHouseTable<PnlSnapshot> PNL_SNAPSHOTS = ClickHouseTable.builder(
                    "pnl_snapshots", PnlSnapshot.class)
            .text("snapshot_id", PnlSnapshot::snapshotId)
            .text("scope_type", PnlSnapshot::scopeType)
            .text("org", PnlSnapshot::org)
            .text("strategy", PnlSnapshot::strategy)
            .dateTime("event_time", PnlSnapshot::eventTimeMillis)
            .int64("event_time_ms", PnlSnapshot::eventTimeMillis)
            .date("trading_day", PnlSnapshot::tradingDay)
            .float64("realized_pnl", PnlSnapshot::realizedPnl)
            .float64("fees", PnlSnapshot::fees)
            .float64("unrealized_pnl", PnlSnapshot::unrealizedPnl)
            .float64("equity", PnlSnapshot::equity)
            .float64("peak_equity", PnlSnapshot::peakEquity)
            .int64("peak_time_ms", PnlSnapshot::peakTimeMillis)
            .float64("drawdown", PnlSnapshot::drawdown)
            .nullableFloat64("drawdown_fraction", PnlSnapshot::drawdownFraction)
            .float64("daily_pnl", PnlSnapshot::dailyPnl)
            .float64("day_start_equity", PnlSnapshot::dayStartEquity)
            .text("trigger_event_ids", s -> String.join(",", s.triggerEventIds()))
            .build();

    /** Every table the plane writes: raw events, the old snapshots, then each output's table once. */
    public static final List<ClickHouseTable<?>> TABLES = tables();

    /** The tables by name. */
    public static final java.util.Map<String, ClickHouseTable<?>> TABLES_BY_NAME =
            TABLES.stream().collect(Collectors.toUnmodifiableMap(ClickHouseTable::name, t -> t));

    /** Their names: the loader inserts into these and no others. */
    public static final Set<String> TABLE_NAMES = TABLES_BY_NAME.keySet();

    private static List<ClickHouseTable<?>> tables() {
        List<ClickHouseTable<?>> all = new ArrayList<>(List.of(RAW_EVENTS, PNL_SNAPSHOTS));
        for (PlaneOutput<?> o : PlaneOutputs.ALL) {
            if (!all.contains(o.clickhouse())) {
                all.add(o.clickhouse());
            }
        }
        return List.copyOf(all);
    }
}
