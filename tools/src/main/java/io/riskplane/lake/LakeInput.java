package io.riskplane.lake;

import io.riskplane.contract.EnvelopeJson;
import io.riskplane.contract.Topics;
import io.riskplane.sinks.iceberg.IcebergLakehouse;
import io.riskplane.v1.Envelope;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.source.IcebergSource;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Reads a time range of the archive through Iceberg's Flink source, bounded: raw_events whose event time is in the
 * range (Iceberg prunes the other days' partitions and, by column statistics, files) and the risk policies
 * published before it (they were in force when the range began). The records the decoder refused, and the offsets
 * around the range, come from {@link LakeOffsets}.
 */
public final class LakeInput implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String POLICY_KIND = Topics.kindName(Envelope.PayloadCase.RISK_POLICY);
    private static final List<String> RAW_COLUMNS = List.of(
            "source_topic", "source_partition", "source_offset", "event_time", "kind", "ingest_time", "envelope");

    private final IcebergLakehouse lake;

    public LakeInput(IcebergLakehouse lake) {
        this.lake = lake;
    }

    /** [from, to) in epoch milliseconds. */
    public record Range(long fromMillis, long toMillis) implements Serializable {
        /** Iceberg compares timestamps in microseconds: a bound beyond this would overflow (years past 294,000). */
        static final long MAX_ABS_MILLIS = Long.MAX_VALUE / 1000;

        public Range {
            if (Math.abs(fromMillis) > MAX_ABS_MILLIS || Math.abs(toMillis) > MAX_ABS_MILLIS) {
                throw new IllegalArgumentException("a range bound no timestamp can hold: " + fromMillis + " to "
                        + toMillis + " ms since the epoch");
            }
            if (toMillis <= fromMillis) {
                throw new IllegalArgumentException("an empty range: " + java.time.Instant.ofEpochMilli(fromMillis)
                        + " to " + java.time.Instant.ofEpochMilli(toMillis));
            }
        }

        public boolean contains(long millis) {
            return millis >= fromMillis && millis < toMillis;
        }

        Expression on(String column) {
            return Expressions.and(
                    Expressions.greaterThanOrEqual(column, fromMillis * 1000),
                    Expressions.lessThan(column, toMillis * 1000));
        }
    }

    /**
     * The snapshots a replay reads (-1: the table had none, it is read as empty), named in its replay.json. Every read
     * of a replay, the range's rows as the offsets around them, is of these: the archive commits while a replay runs,
     * and a row committed in between must not fill a hole the replay's own read leaves.
     */
    public record Snapshots(long rawEvents, long rejectedInputs, boolean fromJson) implements Serializable {}

    /** The tables' current snapshots; whether some rows in the range predate the envelope column. */
    public Snapshots snapshots(Range range) throws java.io.IOException {
        Table raw = lake.table(IcebergLakehouse.RAW_EVENTS);
        Table rejected = lake.table(IcebergLakehouse.REJECTED_INPUTS);
        long rawSnapshot = snapshotId(raw);
        return new Snapshots(
                rawSnapshot,
                snapshotId(rejected),
                rawSnapshot >= 0 && lacksEnvelope(raw, rawSnapshot, selection(range)));
    }

    /**
     * The range's valid records and the policies before it, read at {@code parallelism}, in no particular order
     * (ArchiveOrder puts them in order).
     */
    public DataStream<ArchivedRecord> stream(
            StreamExecutionEnvironment env, Range range, Snapshots snapshots, int parallelism) {
        Table raw = lake.table(IcebergLakehouse.RAW_EVENTS);
        List<String> columns = new ArrayList<>(RAW_COLUMNS);
        if (snapshots.fromJson()) {
            columns.add("envelope_json");
        }
        Schema projection = raw.schema().select(columns);
        DataStream<ArchivedRecord> inRange = scan(
                        env, projection, snapshots, range.on("event_time"), parallelism, "raw events in range")
                .map(new RawRow(projection, range, false))
                .setParallelism(parallelism)
                .name("raw events in range");
        DataStream<ArchivedRecord> policies = scan(
                        env, projection, snapshots, policiesBefore(range), parallelism, "policies before the range")
                .map(new RawRow(projection, range, true))
                .setParallelism(parallelism)
                .name("policies before the range");
        return inRange.union(policies);
    }

    private static Expression policiesBefore(Range range) {
        return Expressions.and(
                Expressions.equal("kind", POLICY_KIND), Expressions.lessThan("event_time", range.fromMillis() * 1000));
    }

    private static Expression selection(Range range) {
        return Expressions.or(range.on("event_time"), policiesBefore(range));
    }

    private static long snapshotId(Table t) {
        return t.currentSnapshot() == null ? -1 : t.currentSnapshot().snapshotId();
    }

    private DataStream<RowData> scan(
            StreamExecutionEnvironment env,
            Schema projection,
            Snapshots snapshots,
            Expression filter,
            int parallelism,
            String name) {
        IcebergSource<RowData> source = IcebergSource.forRowData()
                .tableLoader(lake.tableLoader(IcebergLakehouse.RAW_EVENTS))
                .streaming(false)
                .useSnapshotId(snapshots.rawEvents() >= 0 ? snapshots.rawEvents() : null)
                .project(projection)
                .filters(List.of(filter))
                .build();
        return env.fromSource(
                        source,
                        WatermarkStrategy.noWatermarks(),
                        "lake: " + name,
                        InternalTypeInfo.of(FlinkSchemaUtil.convert(projection)))
                .setParallelism(parallelism);
    }

    /** Whether any data file the filter selects has no value of the envelope column in some row. */
    private static boolean lacksEnvelope(Table raw, long snapshot, Expression filter) throws java.io.IOException {
        int envelopeId = raw.schema().findField("envelope").fieldId();
        try (CloseableIterable<FileScanTask> tasks = raw.newScan()
                .useSnapshot(snapshot)
                .filter(filter)
                .includeColumnStats()
                .planFiles()) {
            for (FileScanTask t : tasks) {
                DataFile f = t.file();
                Long nulls =
                        f.nullValueCounts() == null ? null : f.nullValueCounts().get(envelopeId);
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

    /** A raw_events row as an ArchivedRecord; a row this read did not ask for gets offset -1 (dropped). */
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
            // Iceberg's filters select files; the rows are checked here.
            boolean wanted = policiesBefore ? t < from && POLICY_KIND.equals(k) : t >= from && t < to;
            if (!wanted || row.isNullAt(topic) || row.isNullAt(partition) || row.isNullAt(offset)) {
                return new ArchivedRecord("", 0, -1, 0, t, k, null);
            }
            // A copy: Iceberg's Parquet reader may reuse the array for the next row, and ArchiveOrder keeps them all.
            byte[] value =
                    row.isNullAt(envelope) ? null : row.getBinary(envelope).clone();
            if (value == null) {
                value = EnvelopeJson.parse(row.getString(json).toString()).toByteArray();
            }
            return new ArchivedRecord(
                    row.getString(topic).toString(),
                    row.getInt(partition),
                    row.getLong(offset),
                    row.isNullAt(ingest) ? 0 : row.getTimestamp(ingest, 6).getMillisecond(),
                    t,
                    k,
                    value);
        }
    }
}
