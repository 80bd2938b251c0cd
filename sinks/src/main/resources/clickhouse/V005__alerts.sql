-- riskplane ClickHouse schema v5: alerts raised for on-call, one per control event (docs/alerting.md).
CREATE TABLE IF NOT EXISTS riskplane.alerts (
    alert_id String,
    control_id String,
    severity String,
    rule_id String,
    team String,
    kind String,
    action String,
    org String,
    strategy String,
    instrument String,
    venue String,
    adapter String,
    lane String,
    summary String,
    runbook_url String,
    labels_json String,
    raised_at DateTime,
    raised_at_ms Int64,
    envelope_json String
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(raised_at)
ORDER BY alert_id;
