package io.riskplane.sinks.iceberg;

import io.riskplane.contract.EnvelopeJson;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.DetectorOutput;
import io.riskplane.model.RawEvent;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.Envelope;
import java.io.IOException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.IcebergSink;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/**
 * The lakehouse side of the plane: raw input events, control events and the detectors' rows as Iceberg tables
 * partitioned by day of event time, in namespace {@value #NAMESPACE}, written by the archive job
 * (io.riskplane.archive.ArchiveJob), never by the decision job. The catalog is a directory on local disk by default (Hadoop
 * catalog); `type=rest` or `type=jdbc` with Iceberg's own catalog properties points it at a production catalog.
 * Commits happen on Flink checkpoints, so each row lands exactly once.
 */
public final class IcebergLakehouse implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String NAMESPACE = "riskplane";
    public static final String RAW_EVENTS = "raw_events";
    public static final String CONTROL_EVENTS = "control_events";
    public static final String DETECTOR_OUTPUTS = "detector_outputs";
    public static final String REJECTED_INPUTS = "rejected_inputs";

    static final Schema DETECTOR_OUTPUTS_SCHEMA = new Schema(
            Types.NestedField.required(1, "output_id", Types.StringType.get()),
            Types.NestedField.required(2, "detector", Types.StringType.get()),
            Types.NestedField.required(3, "scope_key", Types.StringType.get()),
            Types.NestedField.required(4, "event_time", Types.TimestampType.withZone()),
            Types.NestedField.required(5, "json", Types.StringType.get()));

    static final Schema RAW_EVENTS_SCHEMA = new Schema(
            Types.NestedField.required(1, "event_id", Types.StringType.get()),
            Types.NestedField.required(2, "kind", Types.StringType.get()),
            Types.NestedField.optional(3, "source", Types.StringType.get()),
            Types.NestedField.required(4, "event_time", Types.TimestampType.withZone()),
            Types.NestedField.optional(5, "source_topic", Types.StringType.get()),
            Types.NestedField.optional(6, "source_partition", Types.IntegerType.get()),
            Types.NestedField.optional(7, "source_offset", Types.LongType.get()),
            Types.NestedField.required(8, "envelope_json", Types.StringType.get()),
            // Since issue 17, for `riskplane replay --from-lake`: the broker's timestamp (what the live plane measured
            // ingest latency against) and the record value exactly as it was on Kafka. Null in rows of earlier
            // archives.
            Types.NestedField.optional(9, "ingest_time", Types.TimestampType.withZone()),
            Types.NestedField.optional(10, "envelope", Types.BinaryType.get()));

    /** Columns added to raw_events after its first release: added to a table created before them. */
    static final java.util.List<String> RAW_EVENTS_ADDED_COLUMNS = java.util.List.of("ingest_time", "envelope");

    /**
     * Input records the decoder refused (dead letters): where they were read, when, why, and the value as it was, so
     * that the archive accounts for every offset of every input partition and a replay from the lake gives the same
     * dead letters. Partitioned by day of the broker's timestamp, since a refused record has no event time to trust.
     */
    static final Schema REJECTED_INPUTS_SCHEMA = new Schema(
            Types.NestedField.required(1, "source_topic", Types.StringType.get()),
            Types.NestedField.required(2, "source_partition", Types.IntegerType.get()),
            Types.NestedField.required(3, "source_offset", Types.LongType.get()),
            Types.NestedField.required(4, "ingest_time", Types.TimestampType.withZone()),
            Types.NestedField.required(5, "reason_code", Types.StringType.get()),
            Types.NestedField.optional(6, "detail", Types.StringType.get()),
            Types.NestedField.optional(7, "value", Types.BinaryType.get()));

    static final Schema CONTROL_EVENTS_SCHEMA = new Schema(
            Types.NestedField.required(1, "control_id", Types.StringType.get()),
            Types.NestedField.required(2, "kind", Types.StringType.get()),
            Types.NestedField.required(3, "action", Types.StringType.get()),
            Types.NestedField.optional(4, "org", Types.StringType.get()),
            Types.NestedField.optional(5, "strategy", Types.StringType.get()),
            Types.NestedField.optional(6, "instrument", Types.StringType.get()),
            Types.NestedField.optional(7, "venue", Types.StringType.get()),
            Types.NestedField.optional(8, "adapter", Types.StringType.get()),
            Types.NestedField.optional(9, "lane", Types.StringType.get()),
            Types.NestedField.required(10, "reason_code", Types.StringType.get()),
            Types.NestedField.required(11, "rule_id", Types.StringType.get()),
            Types.NestedField.required(12, "rule_version", Types.IntegerType.get()),
            Types.NestedField.optional(13, "policy_id", Types.StringType.get()),
            Types.NestedField.optional(14, "policy_version", Types.LongType.get()),
            Types.NestedField.required(15, "decided_at", Types.TimestampType.withZone()),
            Types.NestedField.optional(16, "summary", Types.StringType.get()),
            Types.NestedField.required(17, "envelope_json", Types.StringType.get()));

    private final CatalogLoader catalogLoader;

    private IcebergLakehouse(CatalogLoader catalogLoader) {
        this.catalogLoader = catalogLoader;
    }

    /** A Hadoop catalog in a local (or any Hadoop-FS) directory: the default. */
    public static IcebergLakehouse localWarehouse(String warehouse) {
        Map<String, String> props = new HashMap<>();
        props.put(CatalogProperties.WAREHOUSE_LOCATION, warehouse);
        return new IcebergLakehouse(CatalogLoader.hadoop("riskplane", new Configuration(), props));
    }

    /**
     * From configuration: {@code type} is hadoop (default), rest, jdbc or custom (any Iceberg catalog class named by
     * {@code catalog-impl}: Glue, Nessie, ...); the other properties are Iceberg's catalog properties (warehouse, uri,
     * credential, jdbc.user, ...).
     */
    public static IcebergLakehouse fromProperties(Map<String, String> properties) {
        Map<String, String> props = new HashMap<>(properties);
        String type = props.getOrDefault("type", "hadoop");
        props.remove("type");
        Configuration conf = new Configuration();
        switch (type) {
            case "hadoop":
                return new IcebergLakehouse(CatalogLoader.hadoop("riskplane", conf, props));
            case "rest":
                return new IcebergLakehouse(CatalogLoader.rest("riskplane", conf, props));
            case "jdbc":
                return new IcebergLakehouse(
                        CatalogLoader.custom("riskplane", props, conf, "org.apache.iceberg.jdbc.JdbcCatalog"));
            case "custom":
                String impl = props.get(CatalogProperties.CATALOG_IMPL);
                if (impl == null) {
                    throw new IllegalArgumentException("iceberg type custom needs catalog-impl (a Catalog class)");
                }
                return new IcebergLakehouse(CatalogLoader.custom("riskplane", props, conf, impl));
            default:
                throw new IllegalArgumentException(
                        "iceberg catalog type must be hadoop, rest, jdbc or custom, not " + type);
        }
    }

    /** Creates the namespace and tables when missing. */
    public void ensureTables() {
        Catalog catalog = catalogLoader.loadCatalog();
        if (catalog instanceof SupportsNamespaces ns && !ns.namespaceExists(Namespace.of(NAMESPACE))) {
            ns.createNamespace(Namespace.of(NAMESPACE));
        }
        create(catalog, RAW_EVENTS, RAW_EVENTS_SCHEMA, "event_time");
        create(catalog, CONTROL_EVENTS, CONTROL_EVENTS_SCHEMA, "decided_at");
        create(catalog, DETECTOR_OUTPUTS, DETECTOR_OUTPUTS_SCHEMA, "event_time");
        create(catalog, REJECTED_INPUTS, REJECTED_INPUTS_SCHEMA, "ingest_time");
        Table raw = catalog.loadTable(TableIdentifier.of(NAMESPACE, RAW_EVENTS));
        if (RAW_EVENTS_ADDED_COLUMNS.stream().anyMatch(c -> raw.schema().findField(c) == null)) {
            // A table of an earlier archive: its rows keep nulls there (a lake replay reads their envelope_json).
            var update = raw.updateSchema();
            for (String c : RAW_EVENTS_ADDED_COLUMNS) {
                if (raw.schema().findField(c) == null) {
                    update.addColumn(c, RAW_EVENTS_SCHEMA.findField(c).type());
                }
            }
            update.commit();
        }
    }

    /** The catalog and table of a lake table, for its sink and readers (io.riskplane.lake). */
    public TableLoader tableLoader(String table) {
        return TableLoader.fromCatalog(catalogLoader, TableIdentifier.of(NAMESPACE, table));
    }

    /** A lake table as it is now. */
    public Table table(String table) {
        return catalogLoader.loadCatalog().loadTable(TableIdentifier.of(NAMESPACE, table));
    }

    /**
     * Every checkpoint commits a snapshot, and each commit writes a new metadata file: without these, every earlier
     * metadata file stays on storage forever.
     */
    static final Map<String, String> METADATA_RETENTION = Map.of(
            "write.metadata.delete-after-commit.enabled", "true",
            "write.metadata.previous-versions-max", "20");

    /**
     * No Parquet dictionaries: the wide columns (envelope JSON, ids) are unique per row, and every checkpoint starts a
     * new file, so the writer hashed every value into a dictionary it then abandoned (a tenth of the Iceberg writer's
     * time). The narrow repeated columns compress as well without one.
     */
    static final Map<String, String> WRITE_PROPERTIES = Map.of("parquet.enable.dictionary", "false");

    private static void create(Catalog catalog, String name, Schema schema, String dayColumn) {
        TableIdentifier id = TableIdentifier.of(NAMESPACE, name);
        Map<String, String> wanted = new HashMap<>(METADATA_RETENTION);
        wanted.putAll(WRITE_PROPERTIES);
        if (!catalog.tableExists(id)) {
            Map<String, String> props = new HashMap<>(wanted);
            props.put("format-version", "2");
            props.put("write.format.default", "parquet");
            catalog.createTable(
                    id, schema, PartitionSpec.builderFor(schema).day(dayColumn).build(), props);
            return;
        }
        Table table = catalog.loadTable(id);
        if (!table.properties().entrySet().containsAll(wanted.entrySet())) {
            // Tables created by an earlier version.
            var update = table.updateProperties();
            wanted.forEach(update::set);
            update.commit();
        }
    }

    public void rawEvents(DataStream<RawEvent> events) {
        IcebergSink.builderFor(
                        events, new RawEventRow(), InternalTypeInfo.of(FlinkSchemaUtil.convert(RAW_EVENTS_SCHEMA)))
                .tableLoader(tableLoader(RAW_EVENTS))
                .uidSuffix("iceberg-raw-events")
                .append();
    }

    /** The decoder's dead letters of the input topics (Decoded#isDeadLetter), with their whole values. */
    public void rejectedInputs(DataStream<io.riskplane.model.Decoded> rejected) {
        IcebergSink.builderFor(
                        rejected,
                        new RejectedInputRow(),
                        InternalTypeInfo.of(FlinkSchemaUtil.convert(REJECTED_INPUTS_SCHEMA)))
                .tableLoader(tableLoader(REJECTED_INPUTS))
                .uidSuffix("iceberg-rejected-inputs")
                .append();
    }

    public void controlEvents(DataStream<ControlRecord> controls) {
        IcebergSink.builderFor(
                        controls,
                        new ControlEventRow(),
                        InternalTypeInfo.of(FlinkSchemaUtil.convert(CONTROL_EVENTS_SCHEMA)))
                .tableLoader(tableLoader(CONTROL_EVENTS))
                .uidSuffix("iceberg-control-events")
                .append();
    }

    /** Every detector's windows and results, one row each, partitioned by day of event time. */
    public void detectorOutputs(DataStream<DetectorOutput> outputs) {
        IcebergSink.builderFor(
                        outputs,
                        new DetectorOutputRow(),
                        InternalTypeInfo.of(FlinkSchemaUtil.convert(DETECTOR_OUTPUTS_SCHEMA)))
                .tableLoader(tableLoader(DETECTOR_OUTPUTS))
                .uidSuffix("iceberg-detector-outputs")
                .append();
    }

    /** Every table the plane writes. */
    public static final java.util.List<String> TABLES =
            java.util.List.of(RAW_EVENTS, CONTROL_EVENTS, DETECTOR_OUTPUTS, REJECTED_INPUTS);

    /** By default snapshots older than an hour are expired, keeping at least the last 100 of each table. */
    public static final java.time.Duration DEFAULT_SNAPSHOT_MAX_AGE = java.time.Duration.ofHours(1);

    public static final int DEFAULT_SNAPSHOTS_RETAINED = 100;

    /**
     * Expires each table's snapshots older than {@code maxAge}, keeping at least the newest {@code retainLast}, and
     * deletes the manifests only they referenced. The archive job commits a snapshot per table on every checkpoint
     * (every 2 minutes by default), and the current metadata file lists them all: without expiry it grows by about 1 KB per
     * commit and every commit rewrites it. No data is lost: the tables are append-only, so the current snapshot
     * references every data file; only time travel to an expired snapshot goes. Safe beside the running job: a
     * commit that races it is retried by Iceberg ({@code commit.retry.num-retries}).
     *
     * @return snapshots expired, per table
     */
    public Map<String, Integer> expireSnapshots(java.time.Duration maxAge, int retainLast) {
        Catalog catalog = catalogLoader.loadCatalog();
        Map<String, Integer> expired = new java.util.LinkedHashMap<>();
        long cutoff = System.currentTimeMillis() - maxAge.toMillis();
        for (String name : TABLES) {
            Table t = catalog.loadTable(TableIdentifier.of(NAMESPACE, name));
            int before = count(t.snapshots());
            t.expireSnapshots()
                    .expireOlderThan(cutoff)
                    .retainLast(Math.max(1, retainLast))
                    .commit();
            t.refresh();
            expired.put(name, before - count(t.snapshots()));
        }
        return expired;
    }

    /** Snapshots a table holds now. */
    public int snapshotCount(String table) {
        return count(table(table).snapshots());
    }

    private static int count(Iterable<?> items) {
        int n = 0;
        for (Object ignored : items) {
            n++;
        }
        return n;
    }

    /** Rows in the table's current snapshot, from its metadata (no data files are read). */
    public long rowCount(String table) {
        Table t = table(table);
        if (t.currentSnapshot() == null) {
            return 0;
        }
        return Long.parseLong(t.currentSnapshot().summary().getOrDefault("total-records", "0"));
    }

    /** Reads a table back: the demo prints counts, tests assert on rows. */
    public java.util.List<Record> readAll(String table) throws IOException {
        Table t = table(table);
        t.refresh();
        java.util.List<Record> rows = new java.util.ArrayList<>();
        try (CloseableIterable<Record> it = IcebergGenerics.read(t).build()) {
            for (Record r : it) {
                rows.add(r.copy());
            }
        }
        return rows;
    }

    static final class DetectorOutputRow implements MapFunction<DetectorOutput, RowData> {
        private static final long serialVersionUID = 1L;

        @Override
        public RowData map(DetectorOutput o) {
            return GenericRowData.of(
                    StringData.fromString(o.outputId()),
                    StringData.fromString(o.detector()),
                    StringData.fromString(o.scopeKey()),
                    TimestampData.fromEpochMillis(o.eventTimeMillis()),
                    StringData.fromString(o.json()));
        }
    }

    static final class RawEventRow implements MapFunction<RawEvent, RowData> {
        private static final long serialVersionUID = 1L;

        @Override
        public RowData map(RawEvent e) {
            return GenericRowData.of(
                    StringData.fromString(e.eventId()),
                    StringData.fromString(e.kind()),
                    StringData.fromString(e.source()),
                    TimestampData.fromEpochMillis(e.eventTimeMillis()),
                    StringData.fromString(e.topic()),
                    e.partition(),
                    e.offset(),
                    StringData.fromString(e.envelopeJson()),
                    e.ingestMillis() > 0 ? TimestampData.fromEpochMillis(e.ingestMillis()) : null,
                    e.envelope());
        }
    }

    static final class RejectedInputRow implements MapFunction<io.riskplane.model.Decoded, RowData> {
        private static final long serialVersionUID = 1L;

        @Override
        public RowData map(io.riskplane.model.Decoded d) {
            return GenericRowData.of(
                    StringData.fromString(d.topic()),
                    d.partition(),
                    d.offset(),
                    TimestampData.fromEpochMillis(d.ingestMillis()),
                    StringData.fromString(d.deadLetter().reasonCode()),
                    StringData.fromString(d.deadLetter().detail()),
                    d.envelope());
        }
    }

    static final class ControlEventRow implements MapFunction<ControlRecord, RowData> {
        private static final long serialVersionUID = 1L;

        @Override
        public RowData map(ControlRecord r) throws Exception {
            Envelope e = Envelope.parseFrom(r.envelope());
            ControlEvent c = e.getControl();
            return GenericRowData.of(
                    StringData.fromString(c.getControlId()),
                    StringData.fromString(c.getKind().name()),
                    StringData.fromString(c.getAction().name()),
                    StringData.fromString(c.getScope().getOrg()),
                    StringData.fromString(c.getScope().getStrategy()),
                    StringData.fromString(c.getScope().getInstrument()),
                    StringData.fromString(c.getScope().getVenue()),
                    StringData.fromString(c.getScope().getAdapter()),
                    StringData.fromString(c.getScope().getLane()),
                    StringData.fromString(c.getReasonCode()),
                    StringData.fromString(c.getRuleId()),
                    c.getRuleVersion(),
                    StringData.fromString(c.getPolicyId()),
                    c.getPolicyVersion(),
                    TimestampData.fromEpochMillis(r.decidedAtMillis()),
                    StringData.fromString(c.getEvidence().getSummary()),
                    StringData.fromString(EnvelopeJson.print(e)));
        }
    }
}
