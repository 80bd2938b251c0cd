-- riskplane ClickHouse schema v4: cursor staleness, guardrail trips, sustained-breach evaluations (route fallback,
-- signal lag) and lane runs (docs/metrics.md, docs/rules.md).
CREATE TABLE IF NOT EXISTS riskplane.cursor_staleness (
    staleness_id String,
    measured_at DateTime,
    measured_at_ms Int64,
    source String,
    consumer_id String,
    lane String,
    calendar String,
    session_open UInt8,
    tail_sequence Int64,
    tail_signal_ms Int64,
    tail_event_ms Int64,
    cursor_sequence Int64,
    cursor_time_ms Int64,
    signal_lag_s Nullable(Float64),
    cursor_lag_s Nullable(Float64),
    cursor_ahead_of_stream UInt8,
    cursor_tail_stable UInt8,
    no_signals_in_window UInt8,
    ahead_streak Int32,
    tail_stable_streak Int32,
    no_signals_streak Int32,
    status String,
    trigger_event_ids String
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(measured_at)
ORDER BY (source, consumer_id, measured_at_ms);

CREATE TABLE IF NOT EXISTS riskplane.guardrail_trips (
    trip_id String,
    level String,
    org String,
    strategy String,
    instrument String,
    check_name String,
    tripped_at DateTime,
    tripped_at_ms Int64,
    window_start_ms Int64,
    value Float64,
    limit_name String,
    limit_value Float64,
    trips_in_window Int32,
    trip_window_ms Int64,
    cooldown_ms Int64,
    cooldown_until_ms Int64,
    kill_trips Int32,
    enters_kill UInt8,
    policy_id String,
    policy_version Int64,
    trigger_event_ids String
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(tripped_at)
ORDER BY (level, org, strategy, instrument, tripped_at_ms, trip_id);

CREATE TABLE IF NOT EXISTS riskplane.condition_evaluations (
    evaluation_id String,
    condition String,
    org String,
    strategy String,
    adapter String,
    lane String,
    source String,
    evaluated_at DateTime,
    evaluated_at_ms Int64,
    window_start_ms Int64,
    value Nullable(Float64),
    samples Int64,
    detail String,
    status String,
    limit_name String,
    limit_value Nullable(Float64),
    duration_ms Int64,
    min_samples Int64,
    breach_since_ms Int64,
    triggered UInt8,
    enters_trigger UInt8,
    policy_id String,
    policy_version Int64
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(evaluated_at)
ORDER BY (condition, adapter, lane, source, evaluated_at_ms, evaluation_id);

CREATE TABLE IF NOT EXISTS riskplane.lane_runs (
    evaluation_id String,
    lane String,
    run_id String,
    outcome String,
    lane_policy_version String,
    org String,
    strategy String,
    failed_gates String,
    run_at DateTime,
    run_at_ms Int64,
    failures_in_window Int32,
    max_failures Int32,
    window_ms Int64,
    enters_rollback UInt8,
    rollback_target String,
    policy_id String,
    policy_version Int64
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(run_at)
ORDER BY (lane, run_at_ms, run_id);
