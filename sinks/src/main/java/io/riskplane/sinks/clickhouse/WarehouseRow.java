package io.riskplane.sinks.clickhouse;

/**
 * One row on its way to ClickHouse: the table and the row, in RowBinary ({@code binary}, what the plane writes) or
 * as a JSONEachRow line (rows that jobs before RowBinary wrote, still on the topic after an upgrade). The plane
 * writes these to the riskplane.v1.clickhouse-rows topic; {@link ClickHouseLoader} inserts them. A detector's row is
 * also what the archive job writes to Iceberg detector_outputs: it reads the detector's keys from the row's columns
 * (io.riskplane.outputs.PlaneOutput#detectorOutput), so nothing else travels with it.
 */
public record WarehouseRow(String table, boolean binary, byte[] bytes) {
    /** A RowBinary row. */
    public static WarehouseRow binary(String table, byte[] rowBinary) {
        return new WarehouseRow(table, true, rowBinary);
    }

    /** A JSONEachRow line. */
    public static WarehouseRow json(String table, byte[] jsonLine) {
        return new WarehouseRow(table, false, jsonLine);
    }
}
