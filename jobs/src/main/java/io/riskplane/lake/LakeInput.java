package io.riskplane.lake;

import io.riskplane.contract.EnvelopeJson;
import io.riskplane.contract.Topics;
import io.riskplane.sinks.iceberg.IcebergLakehouse;
import io.riskplane.v1.Envelope;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.CloseableIterator;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.flink.source.IcebergSource;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Reads a time range of the archive through Iceberg's Flink source, bounded: raw_events whose event time is in the
 * range (Iceberg prunes the other days' partitions and, by column statistics, files), the risk policies published
 * before it (they were in force when the range began), and the records the decoder refused, by the broker's
 * timestamp. Also the archive's offsets of a partition whatever their time, for {@link ArchiveContinuity}.
 */
public final class LakeInput {
    static final String POLICY_KIND = Topics.kindName(Envelope.PayloadCase.RISK_POLICY);
    private static final List<String> RAW_COLUMNS = List.of("source_topic", "source_partition", "source_offset",
            "event_time", "kind", "ingest_time", "envelope");

    private final IcebergLakehouse lake;

    public LakeInput(IcebergLakehouse lake) {
        this.lake = lake;
    }

    /** [from, to) in epoch milliseconds. */
    public record Range(long fromMillis, long toMillis) {
        public Range {
            if (toMillis <= fromMillis) {
                throw new IllegalArgumentException("an empty range: " + java.time.Instant.ofEpochMilli(fromMillis)
                        + " to " + java.time.Instant.ofEpochMilli(toMillis));
            }
        }

        public boolean contains(long millis) {
            return millis >= fromMillis && millis < toMillis;
        }

        Expression on(String column) {
            return Expressions.and(Expressions.greaterThanOrEqual(column, fromMillis * 1000),
                    Expressions.lessThan(column, toMillis * 1000));
        }
    }

    /** What a read found, and the snapshots it read (a replay names them). */
    public record Read(List<ArchivedRecord> inRange, List<ArchivedRecord> policiesBefore, long rawSnapshotId,
            long rejectedSnapshotId, boolean fromJson) {}

    /** Reads the range on {@code env} (bounded; the job ends when the scan does). */
    public Read read(StreamExecutionEnvironment env, Range range) throws Exception {
        Table raw = lake.table(IcebergLakehouse.RAW_EVENTS);
        Table rejected = lake.table(IcebergLakehouse.REJECTED_INPUTS);
        // Rows of an archive from before the envelope column are read from their JSON: only where a file lacks it.
        boolean fromJson = lacksEnvelope(raw, Expressions.or(range.on("event_time"),
                Expressions.and(Expressions.equal("kind", POLICY_KIND), Expressions.lessThan("event_time",
                        range.fromMillis() * 1000))));
        List<String> columns = new ArrayList<>(RAW_COLUMNS);
        if (fromJson) {
            columns.add("envelope_json");
        }
        Schema rawProjection = raw.schema().select(columns);
        Schema rejectedProjection = rejected.schema().select("source_topic", "source_partition", "source_offset",
                "ingest_time", "value");
        DataStream<ArchivedRecord> inRange = scan(env, IcebergLakehouse.RAW_EVENTS, rawProjection, range.on("event_time"))
                .map(new RawRow(rawProjection, range, false)).name("raw events in range");
        DataStream<ArchivedRecord> policies = scan(env, IcebergLakehouse.RAW_EVENTS, rawProjection,
                Expressions.and(Expressions.equal("kind", POLICY_KIND),
                        Expressions.lessThan("event_time", range.fromMillis() * 1000))).map(new RawRow(rawProjection, range, true)).name("policies before the range");
        DataStream<ArchivedRecord> refused = scan(env, IcebergLakehouse.REJECTED_INPUTS, rejectedProjection,
                range.on("ingest_time")).map(new RejectedRow(rejectedProjection, range)).name("rejected inputs in range");
        List<ArchivedRecord> records = new ArrayList<>();
        List<ArchivedRecord> before = new ArrayList<>();
        try (CloseableIterator<ArchivedRecord> it = inRange.union(policies, refused)
                .filter(r -> r.offset() >= 0).name("rows the range holds")
                .executeAndCollect("riskplane replay: read the lake")) {
            while (it.hasNext()) {
                ArchivedRecord r = it.next();
                if (r.rejected() || range.contains(r.eventTimeMillis())) {
                    records.add(r);
                } else {
                    before.add(r);
                }
            }
        }
        return new Read(records, before, snapshotId(raw), snapshotId(rejected), fromJson);
    }

    private static long snapshotId(Table t) {
        return t.currentSnapshot() == null ? -1 : t.currentSnapshot().snapshotId();
    }

    private DataStream<RowData> scan(StreamExecutionEnvironment env, String table, Schema projection,
            Expression filter) {
        IcebergSource<RowData> source = IcebergSource.forRowData()
                .tableLoader(lake.tableLoader(table))
                .streaming(false)
                .project(projection)
                .filters(List.of(filter))
                .build();
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "lake " + table,
                org.apache.flink.table.runtime.typeutils.InternalTypeInfo.of(
                        org.apache.iceberg.flink.FlinkSchemaUtil.convert(projection)));
    }

    /** Whether any data file the filter selects has no value of the envelope column in some row. */
    private static boolean lacksEnvelope(Table raw, Expression filter) throws java.io.IOException {
        int envelopeId = raw.schema().findField("envelope").fieldId();
        try (CloseableIterable<FileScanTask> tasks = raw.newScan().filter(filter).includeColumnStats().planFiles()) {
            for (FileScanTask t : tasks) {
                DataFile f = t.file();
                Long nulls = f.nullValueCounts() == null ? null : f.nullValueCounts().get(envelopeId);
                if (nulls == null || nulls > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Position of a column in a projection. */
    static int position(Schema projection, String column) {
        List<org.apache.iceberg.types.Types.NestedField> cols = projection.columns();
        for (int i = 0; i < cols.size(); i++) {
            if (cols.get(i).name().equals(column)) {
                return i;
            }
        }
        return -1;
    }

    static final class RawRow implements MapFunction<RowData, ArchivedRecord> {
        private static final long serialVersionUID = 1L;
        private final int topic;
        private final int partition;
        private final int offset;
        private final int eventTime;
        private final int kind;
        private final int ingest;
        private final int envelope;
        private final int json;
        private final long from;
        private final long to;
        private final boolean policiesBefore;

        RawRow(Schema projection, Range range, boolean policiesBefore) {
            topic = position(projection, "source_topic");
            partition = position(projection, "source_partition");
            offset = position(projection, "source_offset");
            eventTime = position(projection, "event_time");
            kind = position(projection, "kind");
            ingest = position(projection, "ingest_time");
            envelope = position(projection, "envelope");
            json = position(projection, "envelope_json");
            from = range.fromMillis();
            to = range.toMillis();
            this.policiesBefore = policiesBefore;
        }

        @Override
        public ArchivedRecord map(RowData row) throws Exception {
            long t = row.getTimestamp(eventTime, 6).getMillisecond();
            String k = row.getString(kind).toString();
            // Iceberg's filters select files; the rows are checked here (-1: not this read's).
            boolean wanted = policiesBefore ? t < from && POLICY_KIND.equals(k) : t >= from && t < to;
            if (!wanted || row.isNullAt(topic) || row.isNullAt(partition) || row.isNullAt(offset)) {
                return new ArchivedRecord("", 0, -1, 0, t, k, null);
            }
            byte[] value = row.isNullAt(envelope) ? null : row.getBinary(envelope);
            if (value == null) {
                value = EnvelopeJson.parse(row.getString(json).toString()).toByteArray();
            }
            return new ArchivedRecord(row.getString(topic).toString(), row.getInt(partition), row.getLong(offset),
                    row.isNullAt(ingest) ? 0 : row.getTimestamp(ingest, 6).getMillisecond(), t, k, value);
        }
    }

    static final class RejectedRow implements MapFunction<RowData, ArchivedRecord> {
        private static final long serialVersionUID = 1L;
        private final int topic;
        private final int partition;
        private final int offset;
        private final int ingest;
        private final int value;
        private final long from;
        private final long to;

        RejectedRow(Schema projection, Range range) {
            topic = position(projection, "source_topic");
            partition = position(projection, "source_partition");
            offset = position(projection, "source_offset");
            ingest = position(projection, "ingest_time");
            value = position(projection, "value");
            from = range.fromMillis();
            to = range.toMillis();
        }

        @Override
        public ArchivedRecord map(RowData row) {
            long t = row.getTimestamp(ingest, 6).getMillisecond();
            if (t < from || t >= to) {
                return new ArchivedRecord("", 0, -1, 0, ArchivedRecord.NO_EVENT_TIME, ArchivedRecord.REJECTED, null);
            }
            return new ArchivedRecord(row.getString(topic).toString(), row.getInt(partition), row.getLong(offset), t,
                    ArchivedRecord.NO_EVENT_TIME, ArchivedRecord.REJECTED, row.isNullAt(value) ? null
                    : row.getBinary(value));
        }
    }

    /** The archive's offsets, any time, in raw_events and rejected_inputs (Iceberg's generic reader). */
    public ArchiveContinuity.OffsetIndex offsetIndex() {
        List<Table> tables = List.of(lake.table(IcebergLakehouse.RAW_EVENTS),
                lake.table(IcebergLakehouse.REJECTED_INPUTS));
        return new ArchiveContinuity.OffsetIndex() {
            @Override
            public NavigableSet<Long> offsets(String topic, int partition, long from, long to) {
                return scan(topic, partition, Expressions.and(Expressions.greaterThanOrEqual("source_offset", from),
                        Expressions.lessThanOrEqual("source_offset", to)), from, to);
            }

            @Override
            public long below(String topic, int partition, long offset) {
                if (!offsets(topic, partition, offset - 1, offset - 1).isEmpty()) {
                    return offset - 1;
                }
                NavigableSet<Long> s = scan(topic, partition, Expressions.lessThan("source_offset", offset),
                        Long.MIN_VALUE, offset - 1);
                return s.isEmpty() ? -1 : s.last();
            }

            @Override
            public long above(String topic, int partition, long offset) {
                if (!offsets(topic, partition, offset + 1, offset + 1).isEmpty()) {
                    return offset + 1;
                }
                NavigableSet<Long> s = scan(topic, partition, Expressions.greaterThan("source_offset", offset),
                        offset + 1, Long.MAX_VALUE);
                return s.isEmpty() ? -1 : s.first();
            }

            private NavigableSet<Long> scan(String topic, int partition, Expression offsets, long min, long max) {
                NavigableSet<Long> found = new TreeSet<>();
                Expression where = Expressions.and(Expressions.equal("source_topic", topic),
                        Expressions.and(Expressions.equal("source_partition", partition), offsets));
                for (Table t : tables) {
                    try (CloseableIterable<Record> rows = IcebergGenerics.read(t)
                            .select("source_topic", "source_partition", "source_offset").where(where).build()) {
                        for (Record r : rows) {
                            Long o = (Long) r.getField("source_offset");
                            if (o != null && o >= min && o <= max && topic.equals(r.getField("source_topic"))
                                    && Integer.valueOf(partition).equals(r.getField("source_partition"))) {
                                found.add(o);
                            }
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                return found;
            }
        };
    }
}
