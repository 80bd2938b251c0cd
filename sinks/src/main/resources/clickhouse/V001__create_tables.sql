-- riskplane ClickHouse schema v1. Runs on ClickHouse 18.16 and on current servers: no DateTime64, no codecs, no TTL.
-- Every table is a ReplacingMergeTree keyed by a deterministic id, so a replayed insert collapses into the original
-- row (query with FINAL, or let merges do it). Times are UTC: a DateTime column for filtering plus *_ms (epoch ms).
CREATE DATABASE IF NOT EXISTS riskplane;

CREATE TABLE IF NOT EXISTS riskplane.schema_migrations (
    version UInt32,
    description String,
    applied_at DateTime
) ENGINE = ReplacingMergeTree ORDER BY version;

CREATE TABLE IF NOT EXISTS riskplane.raw_events (
    event_id String,
    kind String,
    source String,
    event_time DateTime,
    event_time_ms Int64,
    source_topic String,
    source_partition Int32,
    source_offset Int64,
    ingest_time_ms Int64,
    envelope_json String
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(event_time)
ORDER BY (kind, event_id);

CREATE TABLE IF NOT EXISTS riskplane.pnl_snapshots (
    snapshot_id String,
    scope_type String,
    org String,
    strategy String,
    event_time DateTime,
    event_time_ms Int64,
    trading_day Date,
    realized_pnl Float64,
    fees Float64,
    unrealized_pnl Float64,
    equity Float64,
    peak_equity Float64,
    peak_time_ms Int64,
    drawdown Float64,
    drawdown_fraction Nullable(Float64),
    daily_pnl Float64,
    day_start_equity Float64,
    trigger_event_ids String
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(trading_day)
ORDER BY (org, scope_type, strategy, event_time_ms);

CREATE TABLE IF NOT EXISTS riskplane.control_events (
    control_id String,
    kind String,
    action String,
    org String,
    strategy String,
    instrument String,
    venue String,
    adapter String,
    lane String,
    reason_code String,
    rule_id String,
    rule_version UInt32,
    policy_id String,
    policy_version Int64,
    decided_at DateTime,
    decided_at_ms Int64,
    summary String,
    evidence_json String,
    envelope_json String
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(decided_at)
ORDER BY control_id;

CREATE TABLE IF NOT EXISTS riskplane.dead_letters (
    dead_letter_id String,
    reason_code String,
    detail String,
    source_topic String,
    source_partition Int32,
    source_offset Int64,
    original_event_id String,
    original_base64 String,
    observed_at DateTime,
    observed_at_ms Int64
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(observed_at)
ORDER BY dead_letter_id;
