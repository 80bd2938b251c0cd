package io.riskplane.lake;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;

/**
 * Whether the archive holds every record of a range: in each input partition the offsets of the range's records
 * (valid ones in raw_events, refused ones in rejected_inputs) must follow one another, and must join the partition's
 * archived offsets before and after the range. A hole that the archive fills outside the range (a record of another
 * day, read in between) is no gap; one it does not fill is. A replay over a gap would decide something other than
 * what the live plane decided, silently, so the replay is refused and the gap named.
 */
public final class ArchiveContinuity {
    private ArchiveContinuity() {}

    /** The archive's offsets of one partition, whatever their time (both tables). */
    public interface OffsetIndex {
        /** Archived offsets in [from, to]. */
        NavigableSet<Long> offsets(String topic, int partition, long from, long to);

        /** The largest archived offset below {@code offset}, or -1. */
        long below(String topic, int partition, long offset);

        /** The smallest archived offset above {@code offset}, or -1. */
        long above(String topic, int partition, long offset);
    }

    /** Offsets first..last of a partition that the archive does not hold; the records around them, where known. */
    public record Gap(String topic, int partition, long first, long last, ArchivedRecord before, ArchivedRecord after) {
        public long records() {
            return last - first + 1;
        }

        public String describe() {
            return topic + " partition " + partition + ": offsets " + first + (last == first ? "" : "-" + last)
                    + " (" + records() + (records() == 1 ? " record" : " records") + ") are not in the archive"
                    + (before == null ? "" : ", after offset " + before.offset() + time(before))
                    + (after == null ? "" : ", before offset " + after.offset() + time(after));
        }

        private static String time(ArchivedRecord r) {
            return r.rejected() ? "" : " (event time " + Instant.ofEpochMilli(r.eventTimeMillis()) + ")";
        }
    }

    /** What the check found: the gaps, and notes on partitions whose archive begins or ends within the range. */
    public record Report(List<Gap> gaps, List<String> notes) {
        public boolean complete() {
            return gaps.isEmpty();
        }
    }

    /** @param partitions the range's records per partition, in offset order, each offset once */
    public static Report check(Map<String, List<ArchivedRecord>> partitions, OffsetIndex index) {
        List<Gap> gaps = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (List<ArchivedRecord> records : partitions.values()) {
            if (records.isEmpty()) {
                continue;
            }
            ArchivedRecord firstRecord = records.get(0);
            String topic = firstRecord.topic();
            int partition = firstRecord.partition();
            if (partition < 0) {
                continue; // not from Kafka (what-if policies)
            }
            long first = firstRecord.offset();
            if (first > 0) {
                long below = index.below(topic, partition, first);
                if (below < 0) {
                    notes.add(topic + " partition " + partition + ": the archive begins at offset " + first
                            + " (earlier offsets were never archived)");
                } else if (below < first - 1) {
                    gaps.add(new Gap(topic, partition, below + 1, first - 1, null, firstRecord));
                }
            }
            for (int i = 0; i + 1 < records.size(); i++) {
                long a = records.get(i).offset();
                long b = records.get(i + 1).offset();
                if (b > a + 1) {
                    missing(topic, partition, a + 1, b - 1, records.get(i), records.get(i + 1), index, gaps);
                }
            }
            ArchivedRecord lastRecord = records.get(records.size() - 1);
            long last = lastRecord.offset();
            long above = index.above(topic, partition, last);
            if (above < 0) {
                notes.add(topic + " partition " + partition + ": offset " + last + " is the latest archived (the "
                        + "archive may not have committed the records after it yet)");
            } else if (above > last + 1) {
                gaps.add(new Gap(topic, partition, last + 1, above - 1, lastRecord, null));
            }
        }
        return new Report(gaps, notes);
    }

    /** The runs of [from, to] that the archive holds nowhere, as gaps. */
    private static void missing(
            String topic,
            int partition,
            long from,
            long to,
            ArchivedRecord before,
            ArchivedRecord after,
            OffsetIndex index,
            List<Gap> gaps) {
        long next = from;
        for (long o : index.offsets(topic, partition, from, to).subSet(from, true, to, true)) {
            if (o > next) {
                gaps.add(new Gap(topic, partition, next, o - 1, before, after));
            }
            next = o + 1;
        }
        if (next <= to) {
            gaps.add(new Gap(topic, partition, next, to, before, after));
        }
    }
}
