package io.riskplane.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.ControlRecord;
import io.riskplane.testing.SnapshotRestore;
import io.riskplane.testing.SnapshotRestore.Step;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Harness checks of ArchiveJob.FirstOfEachControl: a control id's "seen" flag lives for the repeat window (state
 * TTL, processing time) and is gone after it; a repeat after a snapshot anywhere is still dropped.
 */
class FirstOfEachControlHarnessTest {
    static final long DAY = ArchiveJob.CONTROL_REPEAT_WINDOW.toMillis();

    private interface S extends Step<KeyedOneInputStreamOperatorTestHarness<String, ControlRecord, ControlRecord>> {}

    static KeyedOneInputStreamOperatorTestHarness<String, ControlRecord, ControlRecord> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ArchiveJob.FirstOfEachControl()),
                ControlRecord::controlId,
                Types.STRING);
    }

    static S control(String id, long at) {
        ControlRecord c = new ControlRecord(id, "strategy|acme|s1", at, "rule", new byte[] {1, 2, (byte) at});
        return h -> h.processElement(c, at);
    }

    static S ttlTime(long t) {
        return h -> h.setStateTtlProcessingTime(t);
    }

    static List<S> input() {
        List<S> steps = new ArrayList<>();
        steps.add(ttlTime(0));
        steps.add(control("ctl-1", 1));
        steps.add(control("ctl-2", 2));
        steps.add(control("ctl-1", 3)); // repeat: dropped
        steps.add(ttlTime(DAY / 2));
        steps.add(control("ctl-2", 4)); // repeat within the window: dropped
        steps.add(control("ctl-3", 5));
        return steps;
    }

    @Test
    void aSnapshotAnywhereRestoresToTheUninterruptedOutputs() throws Exception {
        List<Object> out = SnapshotRestore.assertSameAtEveryCut(
                FirstOfEachControlHarnessTest::harness, input(), SnapshotRestore.mainOutput());
        assertThat(out).extracting(o -> ((ControlRecord) o).decidedAtMillis()).containsExactly(1L, 2L, 5L);
    }

    @Test
    void aControlIdIsForgottenAfterTheRepeatWindow() throws Exception {
        var r = SnapshotRestore.uninterrupted(
                FirstOfEachControlHarnessTest::harness, input(), SnapshotRestore.mainOutput());
        var h = r.harness();
        assertThat(h.numKeyedStateEntries()).isEqualTo(3);
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numProcessingTimeTimers()).isZero();
        h.setStateTtlProcessingTime(DAY / 2 + DAY + 1);
        // Past the window every flag has expired: a repeat of each id passes again. (The TTL removes an expired
        // entry when it is read and by the backend's background cleanup, heap incremental or RocksDB compaction,
        // not at a timer: there is no timer to check, and the heap count is not deterministic before a read.)
        control("ctl-1", 6).apply(h);
        control("ctl-2", 7).apply(h);
        control("ctl-3", 8).apply(h);
        assertThat(h.extractOutputValues())
                .extracting(ControlRecord::decidedAtMillis)
                .containsExactly(1L, 2L, 5L, 6L, 7L, 8L);
        assertThat(h.numKeyedStateEntries()).isEqualTo(3); // the three fresh flags, expired ones replaced
        h.close();
    }
}
