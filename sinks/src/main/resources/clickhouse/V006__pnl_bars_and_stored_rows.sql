-- riskplane ClickHouse schema v6: store what people query (docs/storage.md, "What is stored and why").
-- PnL is stored as bars: one row per scope and second of event time (open, high, low, close equity and the largest
-- drawdown of the second) plus one row per fill. pnl_snapshots (v1) is no longer written; its rows stay.
CREATE TABLE IF NOT EXISTS riskplane.pnl_bars (
    bar_id String,
    scope_type String,
    org String,
    strategy String,
    bar_start DateTime,
    bar_start_ms Int64,
    event_time DateTime,
    event_time_ms Int64,
    fill_row UInt8,
    trading_day Date,
    open_equity Float64,
    high_equity Float64,
    low_equity Float64,
    close_equity Float64,
    max_drawdown Float64,
    max_drawdown_fraction Nullable(Float64),
    realized_pnl Float64,
    fees Float64,
    unrealized_pnl Float64,
    peak_equity Float64,
    peak_time_ms Int64,
    drawdown Float64,
    drawdown_fraction Nullable(Float64),
    daily_pnl Float64,
    day_start_equity Float64,
    snapshot_count UInt32,
    first_snapshot_id String,
    last_snapshot_id String,
    trigger_event_ids String
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(trading_day)
ORDER BY (org, scope_type, strategy, bar_start_ms, fill_row, event_time_ms);

-- SLO evaluations and cursor staleness rows are stored on a status change and once per scope and minute; the column
-- says which (STATUS_CHANGE or PERIODIC). Rows written before v6 (every evaluation) have ''. 18.16 has no
-- ADD COLUMN: ClickHouseSchema skips an ADD COLUMN whose column exists.
ALTER TABLE riskplane.slo_evaluations ADD COLUMN store_reason String DEFAULT '';

ALTER TABLE riskplane.cursor_staleness ADD COLUMN store_reason String DEFAULT '';
