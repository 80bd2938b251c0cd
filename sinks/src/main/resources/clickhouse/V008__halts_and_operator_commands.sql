-- V008: the lifecycle of halts (docs/rules.md, "Lifecycle"; docs/storage.md).
-- alerts: one per halt episode, raised again with its end (ends_at_ms, 0 = open) when a RESUME lifts the halt.
-- halt_states: a scope's state after every change of its halts (as on topic riskplane.v1.halt-state).
-- halts: what is halted now, since when and why: each scope's latest state, unless ACTIVE.
-- operator_commands: every signed command read from riskplane.v1.operator, with what became of it (a replayed copy
-- of an applied command is in dead_letters, REPLAYED_COMMAND, not here).
-- ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS: ClickHouseSchema skips a column that exists.

ALTER TABLE riskplane.alerts ADD COLUMN ends_at_ms Int64 DEFAULT 0;
ALTER TABLE riskplane.alerts ADD COLUMN resolved_by String DEFAULT '';

CREATE TABLE IF NOT EXISTS riskplane.halt_states (
    state_id String,
    scope_key String,
    org String,
    strategy String,
    instrument String,
    venue String,
    adapter String,
    lane String,
    status String,
    control_id String,
    updated_at DateTime,
    updated_at_ms Int64,
    since_ms Int64,
    rule_ids String,
    episode_ids String,
    lifted_episode_ids String,
    change String,
    halts_json String,
    envelope_json String
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(updated_at)
ORDER BY state_id;

CREATE VIEW IF NOT EXISTS riskplane.halts AS
SELECT scope_key, org, strategy, instrument, venue, adapter, lane, status,
       toDateTime(intDiv(since_ms, 1000)) AS since, since_ms, rule_ids, episode_ids, control_id,
       updated_at, updated_at_ms, change, halts_json
FROM (
    SELECT *
    FROM riskplane.halt_states FINAL
    ORDER BY scope_key, updated_at_ms DESC, state_id DESC
    LIMIT 1 BY scope_key
)
WHERE status != 'ACTIVE';

CREATE VIEW IF NOT EXISTS riskplane.operator_commands AS
SELECT command_id, issued_at, issued_at_ms, operator_id, action, org, strategy, instrument, venue, adapter, lane,
       rule_id, reason, ticket, control_id, refused_reason, refused_detail,
       if(control_id != '', 'ACCEPTED', if(refused_reason != '', 'REFUSED', 'PENDING')) AS verdict
FROM (
    SELECT command_id, issued_at, issued_at_ms, operator_id, action, org, strategy, instrument, venue, adapter, lane,
           rule_id, reason, ticket, control_id
    FROM (
        SELECT event_id AS command_id, event_time AS issued_at, event_time_ms AS issued_at_ms,
               visitParamExtractString(envelope_json, 'operatorId') AS operator_id,
               visitParamExtractString(envelope_json, 'action') AS action,
               visitParamExtractString(envelope_json, 'org') AS org,
               visitParamExtractString(envelope_json, 'strategy') AS strategy,
               visitParamExtractString(envelope_json, 'instrument') AS instrument,
               visitParamExtractString(envelope_json, 'venue') AS venue,
               visitParamExtractString(envelope_json, 'adapter') AS adapter,
               visitParamExtractString(envelope_json, 'lane') AS lane,
               visitParamExtractString(envelope_json, 'ruleId') AS rule_id,
               visitParamExtractString(envelope_json, 'reason') AS reason,
               visitParamExtractString(envelope_json, 'ticket') AS ticket
        FROM riskplane.raw_events FINAL
        WHERE kind = 'operator_command'
    )
    ANY LEFT JOIN (
        SELECT control_id,
               replaceRegexpOne(evidence_json, '^.*"triggerEventIds":\\["([^"]*)".*$', '\\1') AS command_id
        FROM riskplane.control_events FINAL
        WHERE rule_id IN ('operator.halt', 'operator.resume')
    ) USING command_id
)
ANY LEFT JOIN (
    SELECT original_event_id AS command_id, reason_code AS refused_reason, detail AS refused_detail
    FROM riskplane.dead_letters FINAL
    WHERE source_topic = 'riskplane.v1.operator' AND reason_code != 'REPLAYED_COMMAND'
) USING command_id;
