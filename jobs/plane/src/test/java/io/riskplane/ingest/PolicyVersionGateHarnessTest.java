package io.riskplane.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.Topics;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.Decoded;
import io.riskplane.model.PolicyRecord;
import io.riskplane.testing.SnapshotRestore;
import io.riskplane.testing.SnapshotRestore.Step;
import io.riskplane.v1.Envelope;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Harness checks of PolicyVersionGate's state: the first copy of each version survives a snapshot anywhere (a copy
 * after the restore is still dropped, a conflict still dead-lettered); a refused policy leaves nothing. A version's
 * first copy has no expiry, by design (a version can never change; see the survey): one entry per version.
 */
class PolicyVersionGateHarnessTest {
    static final long NOW = 1_790_000_000_000L;
    final EnvelopeDecoder decoder = new EnvelopeDecoder(300_000);

    private interface S extends Step<KeyedOneInputStreamOperatorTestHarness<String, Decoded, PolicyRecord>> {}

    static KeyedOneInputStreamOperatorTestHarness<String, Decoded, PolicyRecord> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new PolicyVersionGate()), PolicyVersionGate::key, Types.STRING);
    }

    S policy(String eventId, long version, double maxDrawdown, long offset) {
        Envelope e = PolicyVersionGateTest.envelope(eventId, version, maxDrawdown);
        Decoded d = decoder.decode(e.toByteArray(), false, Topics.POLICIES, 0, offset, NOW, NOW);
        return h -> h.processElement(d, NOW - 60_000);
    }

    List<S> input() {
        List<S> steps = new ArrayList<>();
        steps.add(policy("pol-1", 1, 3_000, 0));
        steps.add(policy("pol-2", 2, 4_000, 1));
        steps.add(policy("pol-1-retry", 1, 3_000, 2)); // same content: dropped
        steps.add(h -> h.processWatermark(NOW));
        steps.add(policy("pol-evil", 1, 1e15, 3)); // conflicting: refused
        steps.add(policy("pol-3", 3, 5_000, 4));
        steps.add(policy("pol-2-evil", 2, 1, 5));
        return steps;
    }

    @Test
    void aSnapshotAnywhereRestoresToTheUninterruptedOutputs() throws Exception {
        List<Object> out = SnapshotRestore.assertSameAtEveryCut(
                PolicyVersionGateHarnessTest::harness, input(), SnapshotRestore.mainOutput());
        assertThat(out).extracting(o -> ((PolicyRecord) o).eventId()).containsExactly("pol-1", "pol-2", "pol-3");
        List<Object> refused = SnapshotRestore.assertSameAtEveryCut(
                PolicyVersionGateHarnessTest::harness, input(), SnapshotRestore.sideOutput(PolicyVersionGate.REFUSED));
        assertThat(refused)
                .extracting(o -> ((DeadLetterRecord) o).reasonCode())
                .containsExactly("CONFLICTING_VERSION", "CONFLICTING_VERSION");
    }

    @Test
    void eachVersionKeepsOneEntryAndNoTimer() throws Exception {
        var r = SnapshotRestore.uninterrupted(
                PolicyVersionGateHarnessTest::harness, input(), SnapshotRestore.mainOutput());
        var h = r.harness();
        assertThat(h.numKeyedStateEntries()).isEqualTo(3); // versions 1, 2, 3: no expiry (a version never changes)
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numProcessingTimeTimers()).isZero();
        h.close();
    }
}
