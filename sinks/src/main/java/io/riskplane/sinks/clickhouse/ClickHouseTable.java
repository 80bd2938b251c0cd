package io.riskplane.sinks.clickhouse;

import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * A ClickHouse table the plane writes: its name, its columns in insert order and how a value fills a row. As a
 * MapFunction it turns the plane's results into rows for the loader.
 */
public final class ClickHouseTable<T> implements MapFunction<T, WarehouseRow> {
    private static final long serialVersionUID = 1L;

    /** Fills a row from a value, column by column (positions are 1-based, as in JDBC). */
    @FunctionalInterface
    public interface Binder<T> extends java.io.Serializable {
        void bind(JsonRow row, T value);
    }

    private final String name;
    private final String[] columns;
    private final Binder<T> binder;

    ClickHouseTable(String name, String columns, Binder<T> binder) {
        this.name = name;
        this.columns = columns.split(",\\s*");
        this.binder = binder;
    }

    /** Unqualified table name in the riskplane database. */
    public String name() {
        return name;
    }

    public List<String> columns() {
        return List.of(columns);
    }

    @Override
    public WarehouseRow map(T value) {
        return row(value);
    }

    public WarehouseRow row(T value) {
        JsonRow row = new JsonRow(columns);
        binder.bind(row, value);
        return new WarehouseRow(name, row.toJson());
    }
}
