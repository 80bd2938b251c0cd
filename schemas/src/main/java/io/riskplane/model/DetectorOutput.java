package io.riskplane.model;

/**
 * Any detector's result in one generic shape for the lakehouse: which detector, which scope, its event time and the
 * result as JSON: its ClickHouse row as a JSON object, column name to value in column order (ClickHouseTable.json);
 * rows archived before RowBinary hold the replay JSON instead. Typed columns live in ClickHouse. On its way from the
 * decision job to the archive job the json is null: the archive job prints it from the row.
 */
public record DetectorOutput(String outputId, String detector, String scopeKey, long eventTimeMillis, String json) {}
