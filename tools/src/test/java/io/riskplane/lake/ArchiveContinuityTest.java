package io.riskplane.lake;

import static io.riskplane.lake.PartitionMergeTest.rec;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ArchiveContinuityTest {
    /** An archive holding these offsets of partition q/0, whatever their time. */
    static ArchiveContinuity.OffsetIndex archive(Set<Long> offsets) {
        TreeSet<Long> all = new TreeSet<>(offsets);
        return new ArchiveContinuity.OffsetIndex() {
            @Override
            public NavigableSet<Long> offsets(String topic, int partition, long from, long to) {
                return "q".equals(topic) && partition == 0 ? all.subSet(from, true, to, true) : new TreeSet<>();
            }

            @Override
            public long below(String topic, int partition, long offset) {
                Long l = all.lower(offset);
                return l == null ? -1 : l;
            }

            @Override
            public long above(String topic, int partition, long offset) {
                Long h = all.higher(offset);
                return h == null ? -1 : h;
            }
        };
    }

    static ArchiveContinuity.Report check(List<ArchivedRecord> range, Set<Long> archived) {
        return ArchiveContinuity.check(PartitionMerge.byPartition(range), archive(archived));
    }

    @Test
    void aHoleTheArchiveFillsOutsideTheRangeIsNoGap() {
        // Offset 3 is an event of the next day, read between offsets 2 and 4 of this one.
        ArchiveContinuity.Report r =
                check(List.of(rec("q", 0, 1, 1), rec("q", 0, 2, 2), rec("q", 0, 4, 4)), Set.of(0L, 1L, 2L, 3L, 4L, 5L));
        assertThat(r.complete()).isTrue();
        assertThat(r.notes()).isEmpty();
    }

    @Test
    void aHoleNoTableFillsIsAGapNamedByItsOffsets() {
        ArchiveContinuity.Report r = check(
                List.of(rec("q", 0, 0, 0), rec("q", 0, 1, 1), rec("q", 0, 5, 5), rec("q", 0, 6, 6)),
                Set.of(0L, 1L, 3L, 5L, 6L));
        assertThat(r.gaps()).extracting(g -> g.first() + "-" + g.last()).containsExactly("2-2", "4-4");
        assertThat(r.gaps().get(0).describe())
                .isEqualTo("q partition 0: offsets 2 (1 record) are not in the archive, "
                        + "after offset 1 (event time 1970-01-01T00:00:00.001Z), before offset 5 (event time "
                        + "1970-01-01T00:00:00.005Z)");
    }

    @Test
    void recordsMissingAtEitherEdgeOfTheRangeAreGapsToo() {
        // The archive holds 0-2 and 9-12; the range's records are 5-7: 3-4 and 8 are lost.
        ArchiveContinuity.Report r = check(
                List.of(rec("q", 0, 5, 5), rec("q", 0, 6, 6), rec("q", 0, 7, 7)),
                Set.of(0L, 1L, 2L, 5L, 6L, 7L, 9L, 10L, 11L, 12L));
        assertThat(r.gaps()).extracting(g -> g.first() + "-" + g.last()).containsExactly("3-4", "8-8");
    }

    @Test
    void whereTheArchiveBeginsOrEndsIsANoteNotAGap() {
        ArchiveContinuity.Report r = check(List.of(rec("q", 0, 40, 5), rec("q", 0, 41, 6)), Set.of(40L, 41L));
        assertThat(r.complete()).isTrue();
        assertThat(r.notes())
                .containsExactly(
                        "q partition 0: the archive begins at offset 40 (earlier offsets were never archived)",
                        "q partition 0: offset 41 is the latest archived (the archive may not have committed the records "
                                + "after it yet)");
    }
}
