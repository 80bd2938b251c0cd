package io.riskplane.lake;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * The order in which a replay from the lake feeds the plane: each input partition in offset order, as the live
 * plane's source read it (the early decisions judge orders in that order), and the partitions interleaved by event
 * time, as the live plane's per-partition watermarks held them together. Of two partitions whose next records have
 * the same event time, the one named first goes first (deterministic). A record the decoder refused has no event time:
 * it goes where its partition had got to.
 */
public final class PartitionMerge {
    private PartitionMerge() {}

    /** Groups records by partition, each in offset order, repeats of an offset dropped (the first kept). */
    public static Map<String, List<ArchivedRecord>> byPartition(List<ArchivedRecord> records) {
        Map<String, List<ArchivedRecord>> parts = new TreeMap<>();
        for (ArchivedRecord r : records) {
            parts.computeIfAbsent(r.partitionName(), k -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, List<ArchivedRecord>> e : parts.entrySet()) {
            List<ArchivedRecord> list = e.getValue();
            list.sort(Comparator.comparingLong(ArchivedRecord::offset));
            List<ArchivedRecord> unique = new ArrayList<>(list.size());
            for (ArchivedRecord r : list) {
                if (unique.isEmpty() || unique.get(unique.size() - 1).offset() != r.offset()) {
                    unique.add(r);
                }
            }
            e.setValue(unique);
        }
        return parts;
    }

    /** The records of every partition, merged (see the class comment). */
    public static List<ArchivedRecord> merge(Map<String, List<ArchivedRecord>> partitions) {
        record Cursor(String name, List<ArchivedRecord> records, int next, long time) {}
        PriorityQueue<Cursor> heads =
                new PriorityQueue<>(Comparator.comparingLong(Cursor::time).thenComparing(Cursor::name));
        int total = 0;
        for (Map.Entry<String, List<ArchivedRecord>> e : partitions.entrySet()) {
            total += e.getValue().size();
            if (!e.getValue().isEmpty()) {
                heads.add(new Cursor(e.getKey(), e.getValue(), 0, headTime(e.getValue(), 0, Long.MIN_VALUE)));
            }
        }
        List<ArchivedRecord> out = new ArrayList<>(total);
        while (!heads.isEmpty()) {
            Cursor c = heads.poll();
            ArchivedRecord r = c.records().get(c.next());
            out.add(r);
            int next = c.next() + 1;
            if (next < c.records().size()) {
                heads.add(new Cursor(c.name(), c.records(), next, headTime(c.records(), next, c.time())));
            }
        }
        return out;
    }

    /** The event time a partition's next record is merged at: its own, or where the partition had got to. */
    private static long headTime(List<ArchivedRecord> records, int i, long previous) {
        ArchivedRecord r = records.get(i);
        return r.rejected() ? previous : r.eventTimeMillis();
    }
}
