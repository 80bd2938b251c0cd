package io.riskplane.sinks.clickhouse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.riskplane.contract.OutputBounds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.util.function.SerializableFunction;

/**
 * A ClickHouse table the plane writes: its name and its columns in insert order, each a name, the ClickHouse type it
 * writes and the getter that fills it. From these a row is written in ClickHouse's RowBinary format (what the
 * decision job puts on riskplane.v1.clickhouse-rows and the loader inserts), and read back as its JSONEachRow line
 * (the json of Iceberg detector_outputs, and the form of the rows that jobs before RowBinary wrote). As a MapFunction
 * it turns values into rows for the loader.
 *
 * <p>RowBinary (ClickHouse docs, "RowBinary"): fixed-width numbers little-endian, String as unsigned LEB128 length
 * + UTF-8 bytes, Nullable as a prefix byte (1 = NULL, else 0 and the value), DateTime as UInt32 epoch seconds, Date
 * as UInt16 days since 1970-01-01. In JSON, numbers that JSON cannot hold (NaN, infinities) are the quoted text
 * ClickHouse parses ("nan", "inf", "-inf"). DateTime columns take epoch milliseconds (rounded down to seconds); text
 * longer than OutputBounds.MAX_FIELD_CHARS is cut to a prefix with its length and SHA-256.
 */
public final class ClickHouseTable<T> implements MapFunction<T, WarehouseRow> {
    private static final long serialVersionUID = 1L;
    // Jackson's Schubfach double writer: Double.toString's notation, shortest digits, cheaper than FloatingDecimal.
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();

    /** The ClickHouse types the plane's columns have, as system.columns names them. */
    public enum Type {
        STRING("String"),
        INT32("Int32"),
        INT64("Int64"),
        UINT8("UInt8"),
        UINT32("UInt32"),
        FLOAT64("Float64"),
        NULLABLE_FLOAT64("Nullable(Float64)"),
        DATE_TIME("DateTime"),
        DATE("Date");

        private final String clickhouse;

        Type(String clickhouse) {
            this.clickhouse = clickhouse;
        }

        /** The type as ClickHouse spells it (system.columns.type, CREATE TABLE). */
        public String clickhouse() {
            return clickhouse;
        }
    }

    /** A column: its name and ClickHouse type. */
    public record ColumnType(String name, Type type) implements Serializable {}

    private final String name;
    private final List<ColumnType> columns;
    private final List<Column<?>> bound;
    private final SerializableFunction<T, ?> view;

    private ClickHouseTable(String name, List<Column<?>> bound, SerializableFunction<T, ?> view) {
        this.name = name;
        this.bound = List.copyOf(bound);
        this.columns =
                this.bound.stream().map(c -> new ColumnType(c.name(), c.type())).toList();
        this.view = view;
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

    /** The column names, in insert order. */
    public List<String> columns() {
        return columns.stream().map(ColumnType::name).toList();
    }

    /** The columns with the ClickHouse types their rows are written in, in insert order. */
    public List<ColumnType> columnTypes() {
        return columns;
    }

    /**
     * How this descriptor differs from the table's columns (name to ClickHouse type, as system.columns has them):
     * a column the table lacks, a column of another type, a table column no descriptor column fills. Empty when they
     * agree.
     */
    public List<String> differences(java.util.Map<String, String> tableColumns) {
        List<String> out = new ArrayList<>();
        for (ColumnType c : columns) {
            String type = tableColumns.get(c.name());
            if (type == null) {
                out.add(name + "." + c.name() + " is not in the table");
            } else if (!type.equals(c.type().clickhouse())) {
                out.add(name + "." + c.name() + " is " + type + " in the table, written as "
                        + c.type().clickhouse());
            }
        }
        for (String column : tableColumns.keySet()) {
            if (columns.stream().noneMatch(c -> c.name().equals(column))) {
                out.add(name + "." + column + " is filled by no column of the descriptor");
            }
        }
        return out;
    }

    @Override
    public WarehouseRow map(T value) {
        return row(value);
    }

    /** The row in RowBinary: what the loader inserts. */
    public WarehouseRow row(T value) {
        return WarehouseRow.binary(name, rowBinary(value));
    }

    /** The row's RowBinary bytes. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public byte[] rowBinary(T value) {
        Object v = view.apply(value);
        RowBinaryOut out = new RowBinaryOut(32 + 16 * bound.size());
        for (Column c : bound) {
            c.binary().write(out, v);
        }
        return out.toByteArray();
    }

    /** The row as a JSONEachRow line (the form rows had before RowBinary; ClickHouse loads it the same). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public byte[] jsonRow(T value) {
        Object v = view.apply(value);
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 24 * bound.size());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (Column c : bound) {
                g.writeFieldName(c.name());
                c.json().write(g, v);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A RowBinary row of this table read back as its JSONEachRow line: column name to value in column order, the
     * same text {@link #jsonRow} writes for the value. Throws IllegalArgumentException when the bytes are not one row
     * of this table.
     */
    public String json(byte[] rowBinary) {
        return read(rowBinary).json();
    }

    /**
     * A RowBinary row of this table read back, its values by column name (what the archive job takes a detector's
     * keys from). Throws IllegalArgumentException when the bytes are not one row of this table.
     */
    public Row read(byte[] rowBinary) {
        RowBinaryIn in = new RowBinaryIn(rowBinary);
        Object[] values = new Object[columns.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (columns.get(i).type()) {
                case STRING -> in.string();
                case INT32 -> in.int32();
                case INT64 -> in.int64();
                case UINT8 -> in.uint8();
                case UINT32, DATE_TIME -> Integer.toUnsignedLong(in.int32());
                case FLOAT64 -> in.float64();
                case NULLABLE_FLOAT64 -> in.uint8() != 0 ? null : in.float64();
                case DATE -> LocalDate.ofEpochDay(in.uint16()).toString();
            };
        }
        if (!in.atEnd()) {
            throw new IllegalArgumentException(
                    "not one row of " + name + ": " + in.remaining() + " bytes after the last column");
        }
        return new Row(this, values);
    }

    /** One row of a table read back from RowBinary: its values in column order, read by column name. */
    public static final class Row {
        private final ClickHouseTable<?> table;
        private final Object[] values;

        private Row(ClickHouseTable<?> table, Object[] values) {
            this.table = table;
            this.values = values;
        }

        /** A String column's value. */
        public String text(String column) {
            return (String) value(column, Type.STRING);
        }

        /** An Int64 column's value. */
        public long int64(String column) {
            return (Long) value(column, Type.INT64);
        }

        /** String columns' values joined by '|', as the plane's scope keys are. */
        public String join(String... columns) {
            StringBuilder key = new StringBuilder();
            for (String c : columns) {
                key.append(key.isEmpty() ? "" : "|").append(text(c));
            }
            return key.toString();
        }

        private Object value(String column, Type type) {
            for (int i = 0; i < values.length; i++) {
                ColumnType c = table.columns.get(i);
                if (c.name().equals(column)) {
                    if (c.type() != type) {
                        throw new IllegalStateException(
                                table.name + "." + column + " is " + c.type() + ", not " + type);
                    }
                    return values[i];
                }
            }
            throw new IllegalStateException(table.name + " has no column " + column);
        }

        /** The row as its JSONEachRow line (ClickHouseTable#jsonRow's text for the value it was written from). */
        public String json() {
            StringWriter text = new StringWriter(64 + 24 * values.length);
            try (JsonGenerator g = JSON.createGenerator(text)) {
                g.writeStartObject();
                for (int i = 0; i < values.length; i++) {
                    ColumnType c = table.columns.get(i);
                    g.writeFieldName(c.name());
                    Object v = values[i];
                    switch (c.type()) {
                        case STRING, DATE -> g.writeString((String) v);
                        case INT32, UINT8 -> g.writeNumber((Integer) v);
                        case INT64, UINT32, DATE_TIME -> g.writeNumber((Long) v);
                        case FLOAT64 -> writeDouble(g, (Double) v);
                        case NULLABLE_FLOAT64 -> {
                            if (v == null) {
                                g.writeNull();
                            } else {
                                writeDouble(g, (Double) v);
                            }
                        }
                    }
                }
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return text.toString();
        }
    }

    /**
     * True when the bytes are exactly one RowBinary row of this table (every column's bytes present, no more): a
     * cheap walk, no values built. The loader sends no other to ClickHouse, which would read a corrupt length as a
     * request for gigabytes and refuse the insert as out of memory rather than as bad data.
     */
    public boolean isRow(byte[] rowBinary) {
        RowBinaryIn in = new RowBinaryIn(rowBinary);
        try {
            for (ColumnType c : columns) {
                switch (c.type()) {
                    case STRING -> in.skip(in.leb128());
                    case INT32, UINT32, DATE_TIME -> in.skip(4);
                    case INT64, FLOAT64 -> in.skip(8);
                    case UINT8 -> in.skip(1);
                    case DATE -> in.skip(2);
                    case NULLABLE_FLOAT64 -> in.skip(in.uint8() == 0 ? 8 : 0);
                }
            }
        } catch (IllegalArgumentException e) {
            return false;
        }
        return in.atEnd();
    }

    /** One column's value, written into a JSON row. */
    @FunctionalInterface
    private interface JsonValue<V> extends Serializable {
        void write(JsonGenerator g, V view) throws IOException;
    }

    /** One column's value, written into a RowBinary row. */
    @FunctionalInterface
    private interface BinaryValue<V> extends Serializable {
        void write(RowBinaryOut out, V view);
    }

    private record Column<V>(String name, Type type, JsonValue<V> json, BinaryValue<V> binary)
            implements Serializable {}

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

        private Builder<T, V> column(String column, Type type, JsonValue<V> json, BinaryValue<V> binary) {
            if (columns.stream().anyMatch(c -> c.name().equals(column))) {
                throw new IllegalArgumentException("column " + column + " of " + name + " bound twice");
            }
            columns.add(new Column<>(column, type, json, binary));
            return this;
        }

        /** A String column; null is the empty string, long text is cut (OutputBounds). */
        public Builder<T, V> text(String column, SerializableFunction<V, String> get) {
            return column(
                    column,
                    Type.STRING,
                    (g, v) -> g.writeString(cutText(get.apply(v))),
                    (out, v) -> out.string(cutText(get.apply(v))));
        }

        public Builder<T, V> int64(String column, LongOf<V> get) {
            return column(column, Type.INT64, (g, v) -> g.writeNumber(get.of(v)), (out, v) -> out.int64(get.of(v)));
        }

        public Builder<T, V> int32(String column, IntOf<V> get) {
            return column(column, Type.INT32, (g, v) -> g.writeNumber(get.of(v)), (out, v) -> out.int32(get.of(v)));
        }

        /** A UInt32 column: the low 32 bits of the value (ClickHouse wraps a JSON number the same way). */
        public Builder<T, V> uint32(String column, LongOf<V> get) {
            return column(
                    column, Type.UINT32, (g, v) -> g.writeNumber(get.of(v)), (out, v) -> out.int32((int) get.of(v)));
        }

        /** A UInt8 column holding 1 or 0. */
        public Builder<T, V> flag(String column, FlagOf<V> get) {
            return column(
                    column,
                    Type.UINT8,
                    (g, v) -> g.writeNumber(get.of(v) ? 1 : 0),
                    (out, v) -> out.uint8(get.of(v) ? 1 : 0));
        }

        /** A DateTime column: the epoch seconds of a time in epoch milliseconds (rounded down). */
        public Builder<T, V> dateTime(String column, LongOf<V> millis) {
            return column(
                    column,
                    Type.DATE_TIME,
                    (g, v) -> g.writeNumber(Math.floorDiv(millis.of(v), 1000L)),
                    (out, v) -> out.int32((int) Math.floorDiv(millis.of(v), 1000L)));
        }

        /**
         * A Date column from its ISO text (yyyy-MM-dd). Empty or unreadable text is day 0, 1970-01-01 (ClickHouse
         * shows it as 0000-00-00), rather than failing the job on a row.
         */
        public Builder<T, V> date(String column, SerializableFunction<V, String> isoDate) {
            return column(
                    column,
                    Type.DATE,
                    (g, v) -> g.writeString(cutText(isoDate.apply(v))),
                    (out, v) -> out.uint16(epochDay(isoDate.apply(v))));
        }

        public Builder<T, V> float64(String column, DoubleOf<V> get) {
            return column(
                    column, Type.FLOAT64, (g, v) -> writeDouble(g, get.of(v)), (out, v) -> out.float64(get.of(v)));
        }

        /** A Nullable(Float64) column: null stays NULL. */
        public Builder<T, V> nullableFloat64(String column, SerializableFunction<V, Double> get) {
            return column(
                    column,
                    Type.NULLABLE_FLOAT64,
                    (g, v) -> {
                        Double d = get.apply(v);
                        if (d == null) {
                            g.writeNull();
                        } else {
                            writeDouble(g, d);
                        }
                    },
                    (out, v) -> {
                        Double d = get.apply(v);
                        if (d == null) {
                            out.uint8(1);
                        } else {
                            out.uint8(0);
                            out.float64(d);
                        }
                    });
        }

        public ClickHouseTable<T> build() {
            return new ClickHouseTable<>(name, List.copyOf(columns), view);
        }
    }

    private static String cutText(String s) {
        return s == null ? "" : OutputBounds.cut(s, OutputBounds.MAX_FIELD_CHARS);
    }

    /** A date parsed: its ISO text and its day number. */
    private record ParsedDate(String iso, int epochDay) {}

    /** The last date parsed, per thread: a PnL bar's row asks for its trading day, nearly always the one before. */
    private static final ThreadLocal<ParsedDate> LAST_DATE = new ThreadLocal<>();

    private static int epochDay(String iso) {
        if (iso == null || iso.isEmpty()) {
            return 0;
        }
        ParsedDate last = LAST_DATE.get();
        if (last == null || !iso.equals(last.iso())) {
            last = new ParsedDate(iso, parseEpochDay(iso));
            LAST_DATE.set(last);
        }
        return last.epochDay();
    }

    private static int parseEpochDay(String iso) {
        try {
            long day = LocalDate.parse(iso).toEpochDay();
            return day < 0 || day > 0xFFFF ? 0 : (int) day;
        } catch (java.time.format.DateTimeParseException e) {
            return 0;
        }
    }

    private static void writeDouble(JsonGenerator g, double d) throws IOException {
        if (Double.isFinite(d)) {
            g.writeNumber(d);
        } else {
            g.writeString(Double.isNaN(d) ? "nan" : d > 0 ? "inf" : "-inf");
        }
    }

    /** A growing little-endian buffer for one row. */
    static final class RowBinaryOut {
        private byte[] buf;
        private int size;

        RowBinaryOut(int capacity) {
            buf = new byte[capacity];
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }

        void uint8(int b) {
            ensure(1);
            buf[size++] = (byte) b;
        }

        void uint16(int v) {
            ensure(2);
            buf[size++] = (byte) v;
            buf[size++] = (byte) (v >>> 8);
        }

        void int32(int v) {
            ensure(4);
            for (int i = 0; i < 4; i++) {
                buf[size++] = (byte) (v >>> (8 * i));
            }
        }

        void int64(long v) {
            ensure(8);
            for (int i = 0; i < 8; i++) {
                buf[size++] = (byte) (v >>> (8 * i));
            }
        }

        void float64(double d) {
            // The raw bits: NaN stays NaN, -0.0 stays -0.0, as ClickHouse stores them.
            int64(Double.doubleToRawLongBits(d));
        }

        void string(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            leb128(utf8.length);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, buf, size, utf8.length);
            size += utf8.length;
        }

        void leb128(long n) {
            do {
                int b = (int) (n & 0x7F);
                n >>>= 7;
                uint8(n == 0 ? b : b | 0x80);
            } while (n != 0);
        }

        byte[] toByteArray() {
            return java.util.Arrays.copyOf(buf, size);
        }
    }

    /** Reads one RowBinary row. */
    static final class RowBinaryIn {
        private final byte[] buf;
        private int pos;

        RowBinaryIn(byte[] buf) {
            this.buf = buf;
        }

        private void need(long n) {
            if (n < 0 || pos + n > buf.length) {
                throw new IllegalArgumentException("RowBinary row ends before its last column");
            }
        }

        int uint8() {
            need(1);
            return buf[pos++] & 0xFF;
        }

        int uint16() {
            return uint8() | uint8() << 8;
        }

        int int32() {
            need(4);
            int v = 0;
            for (int i = 0; i < 4; i++) {
                v |= (buf[pos++] & 0xFF) << (8 * i);
            }
            return v;
        }

        long int64() {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v |= (buf[pos++] & 0xFFL) << (8 * i);
            }
            return v;
        }

        double float64() {
            return Double.longBitsToDouble(int64());
        }

        String string() {
            long n = leb128();
            need(n);
            String s = new String(buf, pos, (int) n, StandardCharsets.UTF_8);
            pos += (int) n;
            return s;
        }

        long leb128() {
            long n = 0;
            for (int shift = 0; ; shift += 7) {
                if (shift > 63) {
                    throw new IllegalArgumentException("RowBinary length too long");
                }
                int b = uint8();
                n |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return n;
                }
            }
        }

        void skip(long n) {
            need(n);
            pos += (int) n;
        }

        boolean atEnd() {
            return pos == buf.length;
        }

        int remaining() {
            return buf.length - pos;
        }
    }
}
