package io.riskplane.outputs;

import io.riskplane.model.DetectorOutput;
import io.riskplane.sinks.clickhouse.ClickHouseTable;
import io.riskplane.sinks.clickhouse.WarehouseRow;
import io.riskplane.sinks.iceberg.IcebergLakehouse;
import io.riskplane.sinks.kafka.KafkaSinks;
import java.io.Serializable;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.util.function.SerializableFunction;

/**
 * One output of the plane, described once: its public name, its record type, its replay file with the JSON line and
 * the key that sorts the file, its ClickHouse table (columns bound by name), its lakehouse form when it is a
 * detector's output (Iceberg detector_outputs), and its own Kafka topic when it has one. The writers (the Kafka
 * sinks of the decision job, replay, the loader, the archive job) and the docs all read these
 * ({@link PlaneOutputs#ALL}); built with {@link #builder}.
 *
 * @param <T> the record the plane's graph produces for this output
 */
public final class PlaneOutput<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final Class<T> type;
    private final String replayFile;
    private final SerializableFunction<T, String> json;
    private final SerializableFunction<T, String> sortKey;
    private final String sortKeyDoc;
    private final ClickHouseTable<T> clickhouse;
    private final Detector detector;
    private final String icebergTable;
    private final KafkaTopic<T> kafkaTopic;

    private PlaneOutput(Builder<T> b) {
        this.name = b.name;
        this.type = b.type;
        this.replayFile = Objects.requireNonNull(b.replayFile, () -> b.name + ": replay file");
        this.json = Objects.requireNonNull(b.json, () -> b.name + ": JSON line");
        this.sortKey = Objects.requireNonNull(b.sortKey, () -> b.name + ": sort key");
        this.sortKeyDoc = b.sortKeyDoc;
        this.clickhouse = Objects.requireNonNull(b.clickhouse, () -> b.name + ": ClickHouse table");
        this.detector = b.detector;
        this.icebergTable = b.detector != null ? IcebergLakehouse.DETECTOR_OUTPUTS : b.icebergTable;
        this.kafkaTopic = b.kafkaTopic;
    }

    public static <T> Builder<T> builder(String name, Class<T> type) {
        return new Builder<>(name, type);
    }

    /**
     * The lakehouse form of a detector's output: a row of Iceberg detector_outputs, whose json is its ClickHouse row
     * as a JSON object and whose keys (output id, scope key, event time) the archive job reads from that row's
     * columns. The keys do not travel beside the row: on riskplane.v1.clickhouse-rows they cost more bytes than
     * most rows' own values.
     */
    public record Detector(String name, KeyOf outputId, KeyOf scopeKey, TimeOf eventTime) implements Serializable {}

    /** A key read from a row's columns. */
    @FunctionalInterface
    public interface KeyOf extends Serializable {
        String of(ClickHouseTable.Row row);
    }

    /** A time, epoch milliseconds, read from a row's columns. */
    @FunctionalInterface
    public interface TimeOf extends Serializable {
        long millis(ClickHouseTable.Row row);
    }

    /**
     * An output's own Kafka topic, beside its ClickHouse row: its sink (delivery, keys and signing are the topic's
     * own, KafkaSinks) and the name and uid of the sink operator.
     */
    public record KafkaTopic<T>(String topic, String operatorName, String uid, SinkOf<T> sink)
            implements Serializable {}

    @FunctionalInterface
    public interface SinkOf<T> extends Serializable {
        Sink<T> create(KafkaSinks.Settings settings);
    }

    /** The public name (docs, logs). */
    public String name() {
        return name;
    }

    public Class<T> type() {
        return type;
    }

    /** The file `riskplane replay` writes it to. */
    public String replayFile() {
        return replayFile;
    }

    /** What the replay file is sorted by, in words (docs). */
    public String sortKeyDoc() {
        return sortKeyDoc;
    }

    public ClickHouseTable<T> clickhouse() {
        return clickhouse;
    }

    /** The lakehouse form, or null when this is no detector's output. */
    public Detector detector() {
        return detector;
    }

    /** The Iceberg table that keeps it (the archive job writes it), or null when none does. */
    public String icebergTable() {
        return icebergTable;
    }

    /** Its own Kafka topic, or null when its ClickHouse row is all it writes. */
    public KafkaTopic<T> kafkaTopic() {
        return kafkaTopic;
    }

    /** The JSON line of the replay file. */
    public String json(T value) {
        return json.apply(value);
    }

    public String sortKey(T value) {
        return sortKey.apply(value);
    }

    /** The replay line, with the key its file is sorted by. */
    public OutputLine line(T value) {
        return new OutputLine(replayFile, sortKey.apply(value), json.apply(value));
    }

    /**
     * A detector's row of Iceberg detector_outputs from its ClickHouse row (RowBinary): the keys read from the row's
     * columns, the json the row as a JSON object. Null when this is no detector's output; IllegalArgumentException
     * when the bytes are not one row of its table.
     */
    public DetectorOutput detectorOutput(byte[] rowBinary) {
        if (detector == null) {
            return null;
        }
        ClickHouseTable.Row row = clickhouse.read(rowBinary);
        return new DetectorOutput(
                detector.outputId().of(row),
                detector.name(),
                detector.scopeKey().of(row),
                detector.eventTime().millis(row),
                row.json());
    }

    /** The ClickHouse row in RowBinary: all the decision job writes of it (the archive job reads its keys from it). */
    public WarehouseRow warehouseRow(T value) {
        return clickhouse.row(value);
    }

    /** The operator that turns it into ClickHouse rows. */
    public String rowsOperatorName() {
        return clickhouse.name() + " to clickhouse rows";
    }

    /** That operator's uid: a savepoint contract, as the table name is (OperatorUidsTest). */
    public String rowsUid() {
        return "clickhouse-" + clickhouse.name().replace('_', '-') + "-rows";
    }

    @Override
    public String toString() {
        return "PlaneOutput[" + name + "]";
    }

    /** One builder for every output, instead of a method per output in every writer. */
    public static final class Builder<T> {
        private final String name;
        private final Class<T> type;
        private String replayFile;
        private SerializableFunction<T, String> json;
        private SerializableFunction<T, String> sortKey;
        private String sortKeyDoc;
        private ClickHouseTable<T> clickhouse;
        private Detector detector;
        private String icebergTable;
        private KafkaTopic<T> kafkaTopic;

        private Builder(String name, Class<T> type) {
            this.name = name;
            this.type = type;
        }

        /** The replay file and the printer of its lines. */
        public Builder<T> replay(String file, SerializableFunction<T, String> jsonLine) {
            this.replayFile = file;
            this.json = jsonLine;
            return this;
        }

        /** The key that sorts the replay file, whatever the parallelism, and the same in words for the docs. */
        public Builder<T> sortedBy(SerializableFunction<T, String> key, String inWords) {
            this.sortKey = key;
            this.sortKeyDoc = inWords;
            return this;
        }

        public Builder<T> clickhouse(ClickHouseTable<T> table) {
            this.clickhouse = table;
            return this;
        }

        /**
         * A detector's output: its rows also go to Iceberg detector_outputs (their json is the ClickHouse row), with
         * the keys read from the row's columns.
         */
        public Builder<T> detector(String detectorName, KeyOf outputId, KeyOf scopeKey, TimeOf eventTime) {
            this.detector = new Detector(detectorName, outputId, scopeKey, eventTime);
            return this;
        }

        /** The Iceberg table the archive job keeps it in, from its own Kafka topic (not a detector's output). */
        public Builder<T> iceberg(String table) {
            this.icebergTable = table;
            return this;
        }

        public Builder<T> kafkaTopic(String topic, String operatorName, String uid, SinkOf<T> sink) {
            this.kafkaTopic = new KafkaTopic<>(topic, operatorName, uid, sink);
            return this;
        }

        public PlaneOutput<T> build() {
            return new PlaneOutput<>(this);
        }
    }
}
