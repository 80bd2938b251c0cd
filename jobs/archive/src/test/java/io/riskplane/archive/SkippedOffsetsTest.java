package io.riskplane.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.Decoded;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.StreamFlatMap;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The archive's record of offsets without a record, across a restore (harness: state and output). */
class SkippedOffsetsTest {
    static Decoded record(String topic, int partition, long offset) {
        return new Decoded(
                "quote",
                "e-" + offset,
                "feed",
                1_000 + offset,
                topic,
                partition,
                offset,
                5_000 + offset,
                new byte[] {1},
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    static OneInputStreamOperatorTestHarness<Decoded, Decoded> harness() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(new SkippedOffsets()));
    }

    static List<String> out(OneInputStreamOperatorTestHarness<Decoded, Decoded> h) {
        return h.extractOutputValues().stream()
                .map(d -> d.topic() + "/" + d.partition() + "@" + d.offset()
                        + (d.isDeadLetter() ? " " + d.deadLetter().reasonCode() : ""))
                .toList();
    }

    @Test
    void offsetsPassedOverBecomeRowsAndTheLastOffsetsSurviveARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>(record("q", 0, 0)));
            h.processElement(new StreamRecord<>(record("q", 0, 1)));
            h.processElement(new StreamRecord<>(record("q", 1, 7))); // another partition: its first record
            h.processElement(new StreamRecord<>(record("q", 0, 3))); // offset 2: a commit marker
            assertThat(out(h)).containsExactly("q/0@0", "q/0@1", "q/1@7", "q/0@2 NO_RECORD", "q/0@3");
            Decoded marker = h.extractOutputValues().get(3);
            assertThat(marker.envelope()).isNull();
            assertThat(marker.ingestMillis()).isEqualTo(5_003); // the next record's broker timestamp
            snapshot = h.snapshot(1, 1);
        }
        // Restored (after a failure, or on another reader): the first record is compared with the last before.
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(new StreamRecord<>(record("q", 0, 6)));
            h.processElement(new StreamRecord<>(record("q", 1, 8)));
            assertThat(out(h)).containsExactly("q/0@4 NO_RECORD", "q/0@5 NO_RECORD", "q/0@6", "q/1@8");
        }
    }

    @Test
    void aJumpTooLongForAMarkerIsLeftAHole() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>(record("q", 0, 0)));
            h.processElement(new StreamRecord<>(record("q", 0, 2 + SkippedOffsets.MAX_ROWS_PER_SKIP)));
            assertThat(out(h)).containsExactly("q/0@0", "q/0@" + (2 + SkippedOffsets.MAX_ROWS_PER_SKIP));
        }
    }
}
