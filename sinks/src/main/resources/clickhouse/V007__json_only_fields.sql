-- V007: the fields of the detectors' JSON outputs that ClickHouse lacked. Iceberg detector_outputs.json is now the
-- ClickHouse row (column name -> value), so every field an analyst could find in the replay JSON gets a column here:
-- SLO measurement ids and their trigger events, condition sample ids and their trigger events, the lane run's event
-- id and window start. Lists are comma-joined, as trigger_event_ids elsewhere. Rows loaded before keep the defaults.
-- ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS: ClickHouseSchema skips a column that exists.

ALTER TABLE riskplane.slo_evaluations ADD COLUMN measurement_id String DEFAULT '';
ALTER TABLE riskplane.slo_evaluations ADD COLUMN trigger_event_ids String DEFAULT '';
ALTER TABLE riskplane.slo_evaluations ADD COLUMN enters_halt UInt8 DEFAULT 0;
ALTER TABLE riskplane.slo_evaluations ADD COLUMN enters_resume UInt8 DEFAULT 0;
ALTER TABLE riskplane.slo_evaluations ADD COLUMN confirm_evaluations Int32 DEFAULT 0;
ALTER TABLE riskplane.slo_evaluations ADD COLUMN resume_evaluations Int32 DEFAULT 0;
ALTER TABLE riskplane.slo_evaluations ADD COLUMN auto_resume UInt8 DEFAULT 0;
ALTER TABLE riskplane.slo_evaluations ADD COLUMN streak_measurement_ids String DEFAULT '';

ALTER TABLE riskplane.condition_evaluations ADD COLUMN sample_id String DEFAULT '';
ALTER TABLE riskplane.condition_evaluations ADD COLUMN trigger_event_ids String DEFAULT '';
ALTER TABLE riskplane.condition_evaluations ADD COLUMN duration_name String DEFAULT '';
ALTER TABLE riskplane.condition_evaluations ADD COLUMN run_sample_ids String DEFAULT '';

ALTER TABLE riskplane.lane_runs ADD COLUMN run_event_id String DEFAULT '';
ALTER TABLE riskplane.lane_runs ADD COLUMN window_start_ms Int64 DEFAULT 0;
ALTER TABLE riskplane.lane_runs ADD COLUMN failed_run_event_ids String DEFAULT '';
