package io.riskplane.sinks.clickhouse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.riskplane.contract.OutputBounds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.util.function.SerializableFunction;

/**
 * A ClickHouse table the plane writes: its name and its columns in insert order, each a name with the getter that
 * fills it, from which the row (one JSONEachRow line) is written. As a MapFunction it turns values into rows for the
 * loader. Numbers that JSON cannot hold (NaN, infinities) are written as the quoted text ClickHouse parses ("nan",
 * "inf", "-inf"); DateTime columns take epoch seconds; text longer than OutputBounds.MAX_FIELD_CHARS is cut to a
 * prefix with its length and SHA-256.
 */
public final class ClickHouseTable<T> implements MapFunction<T, WarehouseRow> {
    private static final long serialVersionUID = 1L;
    // Jackson's Schubfach double writer: Double.toString's notation, shortest digits, cheaper than FloatingDecimal.
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

    private final String name;
    private final List<String> columns;
    private final RowWriter<T> writer;

    private ClickHouseTable(String name, List<String> columns, RowWriter<T> writer) {
        this.name = name;
        this.columns = List.copyOf(columns);
        this.writer = writer;
    }

    /** A table whose columns read the value itself. */
    public static <T> Builder<T, T> builder(String name, Class<T> type) {
        return new Builder<>(name, v -> v);
    }

    /**
     * A table whose columns read a view of the value, built once per row: for values that must be parsed first
     * (an envelope), so that a row parses it once, not once per column.
     */
    public static <T, V> Builder<T, V> builder(String name, Class<T> type, SerializableFunction<T, V> view) {
        return new Builder<>(name, view);
    }

    /** Unqualified table name in the riskplane database. */
    public String name() {
        return name;
    }

    public List<String> columns() {
        return columns;
    }

    @Override
    public WarehouseRow map(T value) {
        return row(value);
    }

    public WarehouseRow row(T value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 24 * columns.size());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            writer.write(g, value);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new WarehouseRow(name, out.toByteArray());
    }

    @FunctionalInterface
    private interface RowWriter<T> extends Serializable {
        void write(JsonGenerator g, T value) throws IOException;
    }

    /** One column's value, written into the row. */
    @FunctionalInterface
    private interface Value<V> extends Serializable {
        void write(JsonGenerator g, V view) throws IOException;
    }

    private record Column<V>(String name, Value<V> value) implements Serializable {}

    @FunctionalInterface
    public interface LongOf<V> extends Serializable {
        long of(V v);
    }

    @FunctionalInterface
    public interface IntOf<V> extends Serializable {
        int of(V v);
    }

    @FunctionalInterface
    public interface DoubleOf<V> extends Serializable {
        double of(V v);
    }

    @FunctionalInterface
    public interface FlagOf<V> extends Serializable {
        boolean of(V v);
    }

    /** The columns of a table, in insert order, each bound by its name to the getter that fills it. */
    public static final class Builder<T, V> {
        private final String name;
        private final SerializableFunction<T, V> view;
        private final List<Column<V>> columns = new ArrayList<>();

        private Builder(String name, SerializableFunction<T, V> view) {
            this.name = name;
            this.view = view;
        }

        private Builder<T, V> column(String column, Value<V> value) {
            if (columns.stream().anyMatch(c -> c.name().equals(column))) {
                throw new IllegalArgumentException("column " + column + " of " + name + " bound twice");
            }
            columns.add(new Column<>(column, value));
            return this;
        }

        /** A String column; null is the empty string, long text is cut (OutputBounds). */
        public Builder<T, V> text(String column, SerializableFunction<V, String> get) {
            return column(column, (g, v) -> {
                String s = get.apply(v);
                g.writeString(s == null ? "" : OutputBounds.cut(s, OutputBounds.MAX_FIELD_CHARS));
            });
        }

        public Builder<T, V> int64(String column, LongOf<V> get) {
            return column(column, (g, v) -> g.writeNumber(get.of(v)));
        }

        public Builder<T, V> int32(String column, IntOf<V> get) {
            return column(column, (g, v) -> g.writeNumber(get.of(v)));
        }

        /** A UInt8 column holding 1 or 0. */
        public Builder<T, V> flag(String column, FlagOf<V> get) {
            return column(column, (g, v) -> g.writeNumber(get.of(v) ? 1 : 0));
        }

        /** A DateTime column: the epoch seconds of a time in epoch milliseconds (rounded down). */
        public Builder<T, V> dateTime(String column, LongOf<V> millis) {
            return column(column, (g, v) -> g.writeNumber(Math.floorDiv(millis.of(v), 1000L)));
        }

        public Builder<T, V> float64(String column, DoubleOf<V> get) {
            return column(column, (g, v) -> writeDouble(g, get.of(v)));
        }

        /** A Nullable(Float64) column: null stays NULL. */
        public Builder<T, V> nullableFloat64(String column, SerializableFunction<V, Double> get) {
            return column(column, (g, v) -> {
                Double d = get.apply(v);
                if (d == null) {
                    g.writeNull();
                } else {
                    writeDouble(g, d);
                }
            });
        }

        public ClickHouseTable<T> build() {
            List<Column<V>> cols = List.copyOf(columns);
            SerializableFunction<T, V> viewOf = view;
            return new ClickHouseTable<>(name, cols.stream().map(Column::name).toList(), (g, value) -> {
                V v = viewOf.apply(value);
                for (Column<V> c : cols) {
                    g.writeFieldName(c.name());
                    c.value().write(g, v);
                }
            });
        }
    }

    private static void writeDouble(JsonGenerator g, double d) throws IOException {
        if (Double.isFinite(d)) {
            g.writeNumber(d);
        } else {
            g.writeString(Double.isNaN(d) ? "nan" : d > 0 ? "inf" : "-inf");
        }
    }
}
