package io.riskplane.sinks.clickhouse;

/**
 * One row on its way to ClickHouse: the table and the row as a JSONEachRow line. The plane writes these to the
 * riskplane.v1.clickhouse-rows topic; {@link ClickHouseLoader} inserts them.
 */
public record WarehouseRow(String table, byte[] json) {}
