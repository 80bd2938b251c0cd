package io.riskplane.lake;

import io.riskplane.archive.SkippedOffsets;
import io.riskplane.sinks.iceberg.IcebergLakehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The archive's offsets around a range, whatever their time, in raw_events (valid records) and rejected_inputs
 * (refused ones), for {@link ArchiveContinuity} and for the refused records a range replays. Read with Iceberg's
 * generic reader, offsets only (values of refused records), in one scan per table for every partition of the range:
 * each partition's range of offsets and {@value #WINDOW} on either side. Beyond that, only at the ends of the archive
 * or of a hole, a scan of its own.
 */
final class LakeOffsets implements ArchiveContinuity.OffsetIndex {
    static final long WINDOW = 4096;

    private final Table raw;
    private final Table rejected;
    private final LakeInput.Snapshots snapshots;
    /** Per partition (topic/partition): the offsets of the window, [0] from, [1] to. */
    private final Map<String, long[]> windows = new HashMap<>();
    /** Valid offsets known, per partition: the range's and the windows' (a hole inside the range is scanned). */
    private final Map<String, NavigableSet<Long>> valid = new HashMap<>();
    /** Refused records per partition within its window, by offset. */
    private final Map<String, NavigableMap<Long, ArchivedRecord>> refused = new HashMap<>();
    /** Per partition, the range's first and last offsets. */
    private final Map<String, long[]> ends = new HashMap<>();
    /**
     * Per partition, the nearest archived offsets outside the range: [0] valid below the first, [1] any below it,
     * [2] valid above the last, [3] any above it; -1 for none.
     */
    private final Map<String, long[]> outside = new HashMap<>();

    /** @param snapshots the snapshots the replay read: the offsets are read from the same */
    LakeOffsets(IcebergLakehouse lake, Map<String, List<ArchivedRecord>> partitions, LakeInput.Snapshots snapshots) {
        raw = lake.table(IcebergLakehouse.RAW_EVENTS);
        rejected = lake.table(IcebergLakehouse.REJECTED_INPUTS);
        this.snapshots = snapshots;
        Expression rawWhere = Expressions.alwaysFalse();
        Expression rejectedWhere = Expressions.alwaysFalse();
        for (List<ArchivedRecord> records : partitions.values()) {
            if (records.isEmpty() || records.get(0).partition() < 0) {
                continue;
            }
            ArchivedRecord first = records.get(0);
            long from = Math.max(0, first.offset() - WINDOW);
            long to = records.get(records.size() - 1).offset() + WINDOW;
            windows.put(first.partitionName(), new long[] {from, to});
            NavigableSet<Long> offsets = new TreeSet<>();
            records.forEach(r -> offsets.add(r.offset()));
            valid.put(first.partitionName(), offsets);
            refused.put(first.partitionName(), new TreeMap<>());
            ends.put(
                    first.partitionName(),
                    new long[] {first.offset(), records.get(records.size() - 1).offset()});
            Expression partition = partitionIs(first.topic(), first.partition());
            rawWhere = Expressions.or(
                    rawWhere,
                    Expressions.and(
                            partition,
                            Expressions.or(
                                    between(from, first.offset() - 1),
                                    between(records.get(records.size() - 1).offset() + 1, to))));
            rejectedWhere = Expressions.or(rejectedWhere, Expressions.and(partition, between(from, to)));
        }
        scan(raw, rawWhere, false, r -> {
            NavigableSet<Long> s = valid.get(r.partitionName());
            if (s != null && inWindow(r.partitionName(), r.offset(), r.offset())) {
                s.add(r.offset());
            }
        });
        scan(rejected, rejectedWhere, true, r -> {
            NavigableMap<Long, ArchivedRecord> m = refused.get(r.partitionName());
            if (m != null && inWindow(r.partitionName(), r.offset(), r.offset())) {
                m.put(r.offset(), r);
            }
        });
        nearestOutside(partitions);
    }

    /**
     * The nearest archived offsets outside each partition's range: from the windows where they hold one, else for
     * all such partitions at once, one scan per table beyond the windows (at the ends of the archive).
     */
    private void nearestOutside(Map<String, List<ArchivedRecord>> partitions) {
        Expression[] beyond = {Expressions.alwaysFalse(), Expressions.alwaysFalse()}; // raw, rejected
        for (Map.Entry<String, long[]> e : ends.entrySet()) {
            String name = e.getKey();
            long first = e.getValue()[0];
            long last = e.getValue()[1];
            Long vb = valid.get(name).lower(first);
            Long rb = refused.get(name).lowerKey(first);
            Long va = valid.get(name).higher(last);
            Long ra = refused.get(name).higherKey(last);
            long[] o = {vb == null ? -1 : vb, max(vb, rb), va == null ? -1 : va, min(va, ra)};
            outside.put(name, o);
            ArchivedRecord any = partitions.get(name).get(0);
            Expression partition = partitionIs(any.topic(), any.partition());
            long[] w = windows.get(name);
            for (int table = 0; table < 2; table++) {
                Expression side = Expressions.alwaysFalse();
                if (o[table] < 0 && w[0] > 0) {
                    side = Expressions.or(side, Expressions.lessThan("source_offset", w[0]));
                }
                if (o[2 + table] < 0) {
                    side = Expressions.or(side, Expressions.greaterThan("source_offset", w[1]));
                }
                if (side.op() != Expression.Operation.FALSE) {
                    beyond[table] = Expressions.or(beyond[table], Expressions.and(partition, side));
                }
            }
        }
        for (int table = 0; table < 2; table++) {
            if (beyond[table].op() == Expression.Operation.FALSE) {
                continue;
            }
            boolean rawTable = table == 0;
            scan(rawTable ? raw : rejected, beyond[table], false, r -> {
                long[] o = outside.get(r.partitionName());
                long[] e = ends.get(r.partitionName());
                if (o == null) {
                    return;
                }
                if (r.offset() < e[0]) {
                    if (rawTable) {
                        o[0] = Math.max(o[0], r.offset());
                    }
                    o[1] = Math.max(o[1], r.offset());
                } else if (r.offset() > e[1]) {
                    if (rawTable) {
                        o[2] = o[2] < 0 ? r.offset() : Math.min(o[2], r.offset());
                    }
                    o[3] = o[3] < 0 ? r.offset() : Math.min(o[3], r.offset());
                }
            });
        }
    }

    private static long max(Long a, Long b) {
        return a == null ? (b == null ? -1 : b) : b == null ? a : Math.max(a, b);
    }

    private static long min(Long a, Long b) {
        return a == null ? (b == null ? -1 : b) : b == null ? a : Math.min(a, b);
    }

    private static Expression partitionIs(String topic, int partition) {
        return Expressions.and(
                Expressions.equal("source_topic", topic), Expressions.equal("source_partition", partition));
    }

    private static Expression between(long from, long to) {
        return Expressions.and(
                Expressions.greaterThanOrEqual("source_offset", from),
                Expressions.lessThanOrEqual("source_offset", to));
    }

    private boolean inWindow(String partition, long from, long to) {
        long[] w = windows.get(partition);
        return w != null && from >= w[0] && to <= w[1];
    }

    /**
     * The rows a filter selects in the snapshot the replay read, as records (offsets; for rejected_inputs with their
     * values). A table that had no snapshot then has no rows.
     */
    private void scan(Table table, Expression where, boolean withValues, Consumer<ArchivedRecord> out) {
        long snapshot = table == raw ? snapshots.rawEvents() : snapshots.rejectedInputs();
        if (snapshot < 0) {
            return;
        }
        List<String> columns = new ArrayList<>(List.of("source_topic", "source_partition", "source_offset"));
        if (withValues) {
            columns.addAll(List.of("ingest_time", "value", "reason_code"));
        }
        try (CloseableIterable<Record> rows = IcebergGenerics.read(table)
                .useSnapshot(snapshot)
                .select(columns)
                .where(where)
                .build()) {
            for (Record row : rows) {
                Object topic = row.getField("source_topic");
                Object partition = row.getField("source_partition");
                Object offset = row.getField("source_offset");
                if (topic == null || partition == null || offset == null) {
                    continue;
                }
                byte[] value = null;
                long ingest = 0;
                String kind = ArchivedRecord.REJECTED;
                if (withValues) {
                    if (SkippedOffsets.NO_RECORD.equals(row.getField("reason_code"))) {
                        kind = ArchivedRecord.NO_RECORD;
                    }
                    java.nio.ByteBuffer v = (java.nio.ByteBuffer) row.getField("value");
                    if (v != null) {
                        value = new byte[v.remaining()];
                        v.duplicate().get(value);
                    }
                    ingest = ((java.time.OffsetDateTime) row.getField("ingest_time"))
                            .toInstant()
                            .toEpochMilli();
                }
                out.accept(new ArchivedRecord(
                        (String) topic,
                        (Integer) partition,
                        (Long) offset,
                        ingest,
                        ArchivedRecord.NO_EVENT_TIME,
                        kind,
                        value));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Offsets of one partition that a filter on source_offset selects, in both tables (or raw_events only). */
    private NavigableSet<Long> scanOffsets(String topic, int partition, Expression offsets, boolean validOnly) {
        NavigableSet<Long> found = new TreeSet<>();
        Expression where = Expressions.and(partitionIs(topic, partition), offsets);
        scan(raw, where, false, r -> found.add(r.offset()));
        if (!validOnly) {
            scan(rejected, where, false, r -> found.add(r.offset()));
        }
        return found;
    }

    @Override
    public NavigableSet<Long> offsets(String topic, int partition, long from, long to) {
        String name = topic + "/" + partition;
        // A hole inside the range may hold another day's valid records: always scanned. Refused ones within the
        // window are known; elsewhere rejected_inputs is scanned too.
        boolean refusedKnown = inWindow(name, from, to);
        NavigableSet<Long> found = scanOffsets(topic, partition, between(from, to), refusedKnown);
        if (refusedKnown) {
            found.addAll(refused.get(name).subMap(from, true, to, true).keySet());
        }
        return found;
    }

    @Override
    public long below(String topic, int partition, long offset) {
        return neighbour(topic, partition, offset, false, false);
    }

    @Override
    public long above(String topic, int partition, long offset) {
        return neighbour(topic, partition, offset, true, false);
    }

    /** The nearest archived offset above or below (valid records only, or both tables), or -1. */
    private long neighbour(String topic, int partition, long offset, boolean above, boolean validOnly) {
        String name = topic + "/" + partition;
        long[] e = ends.get(name);
        if (e != null && offset == (above ? e[1] : e[0])) {
            return outside.get(name)[(above ? 2 : 0) + (validOnly ? 0 : 1)];
        }
        NavigableSet<Long> far = scanOffsets(
                topic,
                partition,
                above
                        ? Expressions.greaterThan("source_offset", offset)
                        : Expressions.lessThan("source_offset", offset),
                validOnly);
        Long hit = above ? far.higher(offset) : far.lower(offset);
        return hit == null ? -1 : hit;
    }

    /**
     * The refused records that belong to a partition's part of the range: a refused record has no event time (and
     * its broker timestamp says when it was read, which for a capture published later is not the day it belongs to),
     * so it goes with the valid record before it in its partition, or, at the start of the partition, the one after.
     * That is: the refused offsets after the range's first offset and before the next valid one after its last, and
     * those before its first when no valid record precedes it.
     */
    List<ArchivedRecord> refusedWithin(List<ArchivedRecord> partitionRecords) {
        ArchivedRecord first = partitionRecords.get(0);
        ArchivedRecord last = partitionRecords.get(partitionRecords.size() - 1);
        String name = first.partitionName();
        if (!windows.containsKey(name)) {
            return List.of();
        }
        long next = neighbour(first.topic(), first.partition(), last.offset(), true, true);
        long to = next < 0 ? Long.MAX_VALUE : next;
        long from = neighbour(first.topic(), first.partition(), first.offset(), false, true) < 0 ? -1 : first.offset();
        List<ArchivedRecord> out = new ArrayList<>();
        long[] w = windows.get(name);
        boolean cached = (from + 1 >= w[0] || w[0] == 0) && to != Long.MAX_VALUE && to - 1 <= w[1];
        if (cached) {
            out.addAll(refused.get(name).subMap(from, false, to, false).values());
        } else {
            scan(
                    rejected,
                    Expressions.and(
                            partitionIs(first.topic(), first.partition()),
                            Expressions.and(
                                    Expressions.greaterThan("source_offset", from),
                                    Expressions.lessThan("source_offset", to))),
                    true,
                    r -> {
                        if (r.offset() > from && r.offset() < to) {
                            out.add(r);
                        }
                    });
        }
        return out;
    }
}
