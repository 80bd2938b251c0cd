package io.riskplane.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionMergeTest {
    static ArchivedRecord rec(String topic, int partition, long offset, long eventTime) {
        return new ArchivedRecord(topic, partition, offset, eventTime, eventTime, "quote", new byte[] {(byte) offset});
    }

    static ArchivedRecord rejected(String topic, int partition, long offset) {
        return new ArchivedRecord(
                topic, partition, offset, 0, ArchivedRecord.NO_EVENT_TIME, ArchivedRecord.REJECTED, null);
    }

    static List<String> names(List<ArchivedRecord> records) {
        List<String> out = new ArrayList<>();
        records.forEach(r -> out.add(r.partition() + "@" + r.offset()));
        return out;
    }

    @Test
    void eachPartitionInOffsetOrderInterleavedByEventTime() {
        // Partition 0 has an event out of time order (offset 2 at t=5 after t=20): it stays after offset 1, as the
        // live plane read it, and partition 1's records at t=10 and t=15 go where their times put them.
        List<ArchivedRecord> in = List.of(
                rec("q", 1, 7, 15),
                rec("q", 0, 2, 5),
                rec("q", 0, 0, 1),
                rec("q", 1, 6, 10),
                rec("q", 0, 1, 20),
                rec("q", 0, 3, 30));
        List<ArchivedRecord> merged = PartitionMerge.merge(PartitionMerge.byPartition(in));
        assertThat(names(merged)).containsExactly("0@0", "1@6", "1@7", "0@1", "0@2", "0@3");
    }

    @Test
    void aRefusedRecordGoesWhereItsPartitionHadGotToAndRepeatsCountOnce() {
        List<ArchivedRecord> in = List.of(
                rec("q", 0, 0, 10),
                rejected("q", 0, 1),
                rec("q", 0, 2, 40),
                rec("q", 1, 0, 20),
                rec("q", 1, 0, 20),
                rec("q", 1, 1, 30));
        List<ArchivedRecord> merged = PartitionMerge.merge(PartitionMerge.byPartition(in));
        // The refused offset 1 takes partition 0's time so far (10), so it precedes partition 1's t=20.
        assertThat(names(merged)).containsExactly("0@0", "0@1", "1@0", "1@1", "0@2");
    }

    @Test
    void equalTimesGoInPartitionNameOrder() {
        List<ArchivedRecord> in = List.of(rec("b", 0, 0, 10), rec("a", 3, 0, 10), rec("a", 10, 0, 10));
        assertThat(PartitionMerge.merge(PartitionMerge.byPartition(in)).stream().map(ArchivedRecord::partitionName))
                .containsExactly("a/10", "a/3", "b/0");
    }
}
