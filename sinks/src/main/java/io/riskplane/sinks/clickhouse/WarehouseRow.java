package io.riskplane.sinks.clickhouse;

import io.riskplane.model.DetectorOutput;

/**
 * One row on its way to ClickHouse: the table and the row, in RowBinary ({@code binary}, what the plane writes) or
 * as a JSONEachRow line (rows that jobs before RowBinary wrote, still on the topic after an upgrade). The plane
 * writes these to the riskplane.v1.clickhouse-rows topic; {@link ClickHouseLoader} inserts them. A detector's row
 * also carries what Iceberg detector_outputs needs besides the row itself ({@code archive}: detector, output id, scope
 * key, event time; its json is not sent, the archive job reads it from the row), else null. It travels in the
 * record's headers (io.riskplane.sinks.kafka.DetectorOutputHeaders): the decision job writes no Iceberg table itself.
 */
public record WarehouseRow(String table, boolean binary, byte[] bytes, DetectorOutput archive) {
    /** A RowBinary row. */
    public static WarehouseRow binary(String table, byte[] rowBinary) {
        return new WarehouseRow(table, true, rowBinary, null);
    }

    /** A JSONEachRow line. */
    public static WarehouseRow json(String table, byte[] jsonLine) {
        return new WarehouseRow(table, false, jsonLine, null);
    }

    /** The same row, carrying the detector output's keys the archive job writes to Iceberg detector_outputs. */
    public WarehouseRow withArchive(DetectorOutput output) {
        return new WarehouseRow(table, binary, bytes, output);
    }
}
