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
 * before it (they were in force when the range began), and the records the decoder refused among them. Also the archive's offsets of a partition whatever their time, for {@link ArchiveContinuity}.
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
        DataStream<ArchivedRecord> inRange = scan(env, IcebergLakehouse.RAW_EVENTS, rawProjection, range.on("event_time"))
                .map(new RawRow(rawProjection, range, false)).name("raw events in range");
        DataStream<ArchivedRecord> policies = scan(env, IcebergLakehouse.RAW_EVENTS, rawProjection,
                Expressions.and(Expressions.equal("kind", POLICY_KIND),
                        Expressions.lessThan("event_time", range.fromMillis() * 1000))).map(new RawRow(rawProjection, range, true)).name("policies before the range");
        List<ArchivedRecord> records = new ArrayList<>();
        List<ArchivedRecord> before = new ArrayList<>();
        try (CloseableIterator<ArchivedRecord> it = inRange.union(policies)
                .filter(r -> r.offset() >= 0).name("rows the range holds")
                .executeAndCollect("riskplane replay: read the lake")) {
            while (it.hasNext()) {
                ArchivedRecord r = it.next();
                if (range.contains(r.eventTimeMillis())) {
                    records.add(r);
                } else {
                    before.add(r);
                }
            }
        }
        records.addAll(rejectedWithin(records));
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

    /**
     * The records the decoder refused that belong to the range: a refused record has no event time (and its broker
     * timestamp says when it was read, which for a capture published later is not the day it belongs to), so it goes
     * with the valid record before it in its partition, or, at the start of a partition, the one after it. For each
     * partition of the range: the refused offsets after its first offset and before the next valid one after its
     * last, and those before its first when no valid record precedes it. Few, so Iceberg's generic reader fetches them.
     */
    private List<ArchivedRecord> rejectedWithin(List<ArchivedRecord> inRange) throws java.io.IOException {
        java.util.Map<String, long[]> spans = new java.util.TreeMap<>();
        java.util.Map<String, ArchivedRecord> any = new java.util.HashMap<>();
        for (ArchivedRecord r : inRange) {
            long[] span = spans.computeIfAbsent(r.partitionName(), k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
            span[0] = Math.min(span[0], r.offset());
            span[1] = Math.max(span[1], r.offset());
            any.putIfAbsent(r.partitionName(), r);
        }
        Table rejected = lake.table(IcebergLakehouse.REJECTED_INPUTS);
        List<ArchivedRecord> found = new ArrayList<>();
        for (java.util.Map.Entry<String, long[]> e : spans.entrySet()) {
            ArchivedRecord r = any.get(e.getKey());
            long[] span = {e.getValue()[0], e.getValue()[1]};
            long next = validNeighbour(r.topic(), r.partition(), span[1], true);
            span[1] = next < 0 ? Long.MAX_VALUE : next;
            if (validNeighbour(r.topic(), r.partition(), span[0], false) < 0) {
                span[0] = -1;
            }
            try (CloseableIterable<Record> rows = IcebergGenerics.read(rejected).where(Expressions.and(
                    Expressions.equal("source_topic", r.topic()), Expressions.and(
                            Expressions.equal("source_partition", r.partition()), Expressions.and(
                                    Expressions.greaterThan("source_offset", span[0]),
                                    Expressions.lessThan("source_offset", span[1]))))).build()) {
                for (Record row : rows) {
                    long offset = (Long) row.getField("source_offset");
                    if (r.topic().equals(row.getField("source_topic"))
                            && Integer.valueOf(r.partition()).equals(row.getField("source_partition"))
                            && offset > span[0] && offset < span[1]) {
                        java.nio.ByteBuffer v = (java.nio.ByteBuffer) row.getField("value");
                        byte[] value = null;
                        if (v != null) {
                            value = new byte[v.remaining()];
                            v.duplicate().get(value);
                        }
                        found.add(new ArchivedRecord(r.topic(), r.partition(), offset,
                                ((java.time.OffsetDateTime) row.getField("ingest_time")).toInstant().toEpochMilli(),
                                ArchivedRecord.NO_EVENT_TIME, ArchivedRecord.REJECTED, value));
                    }
                }
            }
        }
        return found;
    }

    /** The nearest offset of a valid record (raw_events) above or below {@code offset}, or -1. */
    private long validNeighbour(String topic, int partition, long offset, boolean above) throws java.io.IOException {
        // Near first (column statistics prune the other files), then anywhere.
        long near = validNeighbour(topic, partition, offset, above, NEIGHBOUR_WINDOW);
        return near >= 0 ? near : validNeighbour(topic, partition, offset, above, Long.MAX_VALUE / 2);
    }

    static final long NEIGHBOUR_WINDOW = 4096;

    private long validNeighbour(String topic, int partition, long offset, boolean above, long window)
            throws java.io.IOException {
        Table raw = lake.table(IcebergLakehouse.RAW_EVENTS);
        long best = -1;
        Expression side = above ? Expressions.and(Expressions.greaterThan("source_offset", offset),
                Expressions.lessThanOrEqual("source_offset", offset + window))
                : Expressions.and(Expressions.lessThan("source_offset", offset),
                        Expressions.greaterThanOrEqual("source_offset", offset - window));
        try (CloseableIterable<Record> rows = IcebergGenerics.read(raw)
                .select("source_topic", "source_partition", "source_offset")
                .where(Expressions.and(Expressions.equal("source_topic", topic), Expressions.and(
                        Expressions.equal("source_partition", partition), side))).build()) {
            for (Record row : rows) {
                Long o = (Long) row.getField("source_offset");
                if (o != null && topic.equals(row.getField("source_topic"))
                        && Integer.valueOf(partition).equals(row.getField("source_partition"))
                        && (above ? o > offset && (best < 0 || o < best) : o < offset && o > best)) {
                    best = o;
                }
            }
        }
        return best;
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
