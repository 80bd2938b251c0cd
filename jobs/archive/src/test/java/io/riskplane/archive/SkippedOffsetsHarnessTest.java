package io.riskplane.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.Decoded;
import io.riskplane.testing.SnapshotRestore;
import io.riskplane.testing.SnapshotRestore.Step;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Snapshot/restore of SkippedOffsets (operator union state, no keys and no timers: nothing to expire, one last
 * offset per partition read): the NO_RECORD rows and records equal the uninterrupted run's for a snapshot anywhere.
 */
class SkippedOffsetsHarnessTest {
    private interface S extends Step<OneInputStreamOperatorTestHarness<Decoded, Decoded>> {}

    static S record(String topic, int partition, long offset) {
        Decoded d = SkippedOffsetsTest.record(topic, partition, offset);
        return h -> h.processElement(d, d.eventTimeMillis());
    }

    @Test
    void aSnapshotAnywhereRestoresToTheUninterruptedOutputs() throws Exception {
        List<S> steps = new ArrayList<>(List.of(
                record("q", 0, 0),
                record("q", 0, 1),
                record("q", 1, 7),
                record("q", 0, 3),
                record("p", 0, 0),
                record("q", 1, 9),
                record("q", 0, 6),
                record("p", 0, 1),
                record("q", 0, 5),
                record("q", 1, 10)));
        List<Object> out =
                SnapshotRestore.assertSameAtEveryCut(SkippedOffsetsTest::harness, steps, SnapshotRestore.mainOutput());
        assertThat(out)
                .extracting(o -> {
                    Decoded d = (Decoded) o;
                    return d.topic() + "/" + d.partition() + "@" + d.offset() + (d.isDeadLetter() ? " NO_RECORD" : "");
                })
                .containsExactly(
                        "q/0@0",
                        "q/0@1",
                        "q/1@7",
                        "q/0@2 NO_RECORD",
                        "q/0@3",
                        "p/0@0",
                        "q/1@8 NO_RECORD",
                        "q/1@9",
                        "q/0@4 NO_RECORD",
                        "q/0@5 NO_RECORD",
                        "q/0@6",
                        "p/0@1",
                        "q/0@5",
                        "q/1@10");
    }
}
