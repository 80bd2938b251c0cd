package io.riskplane.sinks.clickhouse;

import io.riskplane.contract.OutputBounds;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One ClickHouse row as a JSONEachRow line, filled by column position as a PreparedStatement would be. Numbers
 * that JSON cannot hold (NaN, infinities) are written as the quoted text ClickHouse parses ("nan", "inf", "-inf").
 * DateTime columns take epoch seconds.
 */
public final class JsonRow {
    // Jackson's Schubfach double writer: Double.toString's notation, shortest digits, cheaper than FloatingDecimal.
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();
    private static final Object NULL = new Object();

    private final String[] columns;
    private final Object[] values;

    JsonRow(String[] columns) {
        this.columns = columns;
        this.values = new Object[columns.length];
    }

    /** Text longer than OutputBounds.MAX_FIELD_CHARS is cut to a prefix with its length and SHA-256. */
    public void setString(int position, String v) {
        values[position - 1] = v == null ? "" : OutputBounds.cut(v, OutputBounds.MAX_FIELD_CHARS);
    }

    public void setLong(int position, long v) {
        values[position - 1] = v;
    }

    public void setInt(int position, int v) {
        values[position - 1] = v;
    }

    public void setDouble(int position, double v) {
        values[position - 1] = v;
    }

    /** A Nullable(Float64) column: null stays NULL. */
    public void setNullable(int position, Double v) {
        values[position - 1] = v == null ? NULL : v;
    }

    /** The JSONEachRow line, without its newline. Every column must have been set: a gap is a binder bug. */
    byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 24 * columns.length);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (int i = 0; i < columns.length; i++) {
                Object v = values[i];
                g.writeFieldName(columns[i]);
                if (v == null) {
                    throw new IllegalStateException("column " + columns[i] + " was not set");
                } else if (v == NULL) {
                    g.writeNull();
                } else if (v instanceof String s) {
                    g.writeString(s);
                } else if (v instanceof Long l) {
                    g.writeNumber(l);
                } else if (v instanceof Integer n) {
                    g.writeNumber(n);
                } else {
                    double d = (Double) v;
                    if (Double.isFinite(d)) {
                        g.writeNumber(d);
                    } else {
                        g.writeString(Double.isNaN(d) ? "nan" : d > 0 ? "inf" : "-inf");
                    }
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
