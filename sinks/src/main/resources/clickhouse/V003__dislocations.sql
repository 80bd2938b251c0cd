-- riskplane ClickHouse schema v3: cross-venue dislocation episodes (docs/metrics.md).
CREATE TABLE IF NOT EXISTS riskplane.dislocations (
    episode_id String,
    instrument String,
    status String,
    start_time DateTime,
    start_ms Int64,
    end_ms Int64,
    duration_ms Int64,
    peak_net_bps Float64,
    peak_gross_bps Float64,
    peak_ms Int64,
    high_venue String,
    low_venue String,
    high_mid Float64,
    low_mid Float64,
    fees_bps Float64,
    trigger_event_ids String
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(start_time)
ORDER BY (instrument, start_ms, status);
