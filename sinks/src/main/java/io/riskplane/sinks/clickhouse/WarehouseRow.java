package io.riskplane.sinks.clickhouse;

import io.riskplane.model.DetectorOutput;

/**
 * One row on its way to ClickHouse: the table and the row as a JSONEachRow line. The plane writes these to the
 * riskplane.v1.clickhouse-rows topic; {@link ClickHouseLoader} inserts them. A detector's row also carries its
 * lakehouse form ({@code archive}, else null), which travels in the record's headers to the archive job
 * (io.riskplane.sinks.kafka.DetectorOutputHeaders): the decision job writes no Iceberg table itself.
 */
public record WarehouseRow(String table, byte[] json, DetectorOutput archive) {
    public WarehouseRow(String table, byte[] json) {
        this(table, json, null);
    }

    /** The same row, carrying the detector output the archive job writes to Iceberg detector_outputs. */
    public WarehouseRow withArchive(DetectorOutput output) {
        return new WarehouseRow(table, json, output);
    }
}
