package io.riskplane.testing;

import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

/**
 * Runs one input sequence through an operator test harness twice: uninterrupted, and with a snapshot taken after
 * a given step, the harness closed and a fresh one restored from that snapshot to play the rest. A stateful
 * function restores correctly when both give the same outputs for every cut point. Shared with the jobs module's
 * harness tests through this module's test jar.
 */
public final class SnapshotRestore {
    private SnapshotRestore() {}

    /** Builds a fresh, not yet opened harness (set up or not: initializeState sets it up). */
    @FunctionalInterface
    public interface Factory<H extends AbstractStreamOperatorTestHarness<?>> {
        H create() throws Exception;
    }

    /** One step of the input: an element, a watermark, a processing-time advance, ... */
    @FunctionalInterface
    public interface Step<H> {
        void apply(H harness) throws Exception;
    }

    /**
     * Marks a watermark step (cast the lambda to {@code (S & Rewatermark)}): Flink does not checkpoint watermarks, a
     * restored operator starts at Long.MIN_VALUE until its inputs send one again, so an element that was behind the
     * watermark before the snapshot would be on time right after it. The restored harness gets the last marked
     * watermark of the played steps again first, as the job's sources re-establish it, so that both runs judge the
     * rest of the input against the same watermark and the comparison is about the state.
     */
    public interface Rewatermark {}

    /** What a run emitted, read from each harness before it is closed (main output by default). */
    @FunctionalInterface
    public interface Outputs<H> {
        List<?> of(H harness) throws Exception;
    }

    /** The outputs of a run, and the harness that played its last step (open: the caller closes it). */
    public record Run<H extends AbstractStreamOperatorTestHarness<?>>(List<Object> outputs, H harness) {}

    public static <H extends AbstractStreamOperatorTestHarness<?>> Outputs<H> mainOutput() {
        return AbstractStreamOperatorTestHarness::extractOutputValues;
    }

    /** The values a side output received (none when it received nothing). */
    public static <H extends AbstractStreamOperatorTestHarness<?>> Outputs<H> sideOutput(OutputTag<?> tag) {
        return h -> {
            var q = h.getSideOutput(tag);
            return q == null
                    ? List.of()
                    : q.stream().map(StreamRecord::getValue).toList();
        };
    }

    /** Plays every step on one harness. */
    public static <H extends AbstractStreamOperatorTestHarness<?>> Run<H> uninterrupted(
            Factory<H> factory, List<? extends Step<? super H>> steps, Outputs<? super H> outputs) throws Exception {
        H h = factory.create();
        h.initializeEmptyState();
        h.open();
        for (Step<? super H> s : steps) {
            s.apply(h);
        }
        return new Run<>(new ArrayList<>(outputs.of(h)), h);
    }

    /**
     * Plays the first {@code cut} steps, snapshots (checkpoint 1 at the given time), closes, restores a fresh harness
     * from the snapshot and plays the rest on it; the outputs are those of both harnesses, in order.
     */
    public static <H extends AbstractStreamOperatorTestHarness<?>> Run<H> restoredAfter(
            Factory<H> factory,
            List<? extends Step<? super H>> steps,
            int cut,
            long snapshotTime,
            Outputs<? super H> outputs)
            throws Exception {
        H first = factory.create();
        first.initializeEmptyState();
        first.open();
        for (Step<? super H> s : steps.subList(0, cut)) {
            s.apply(first);
        }
        List<Object> out = new ArrayList<>(outputs.of(first));
        OperatorSubtaskState snapshot = first.snapshot(1L, snapshotTime);
        first.close();

        H second = factory.create();
        second.initializeState(snapshot);
        second.open();
        for (int i = cut - 1; i >= 0; i--) {
            if (steps.get(i) instanceof Rewatermark) {
                steps.get(i).apply(second);
                break;
            }
        }
        for (Step<? super H> s : steps.subList(cut, steps.size())) {
            s.apply(second);
        }
        out.addAll(outputs.of(second));
        return new Run<>(out, second);
    }

    /**
     * For every cut point (0 .. steps.size()), the restored run emits what the uninterrupted one does (compared by
     * {@link #comparable}); returns the uninterrupted outputs, for the caller's own expectations.
     */
    public static <H extends AbstractStreamOperatorTestHarness<?>> List<Object> assertSameAtEveryCut(
            Factory<H> factory, List<? extends Step<? super H>> steps, Outputs<? super H> outputs) throws Exception {
        Run<H> whole = uninterrupted(factory, steps, outputs);
        whole.harness().close();
        Object expected = comparable(whole.outputs());
        for (int cut = 0; cut <= steps.size(); cut++) {
            Run<H> restored = restoredAfter(factory, steps, cut, 1_000L + cut, outputs);
            restored.harness().close();
            Object actual = comparable(restored.outputs());
            if (!expected.equals(actual)) {
                throw new AssertionError("restored after step " + cut + " of " + steps.size()
                        + " differs from the uninterrupted run:\n  uninterrupted: " + expected
                        + "\n  restored:      " + actual);
            }
        }
        return whole.outputs();
    }

    /**
     * The keyed state entries of the harness's operator (every key, every state; heap backend), for harnesses that
     * do not count them themselves (KeyedBroadcastOperatorTestHarness).
     */
    public static int numKeyedStateEntries(AbstractStreamOperatorTestHarness<?> h) {
        var backend = ((AbstractStreamOperator<?>) h.getOperator()).getKeyedStateBackend();
        if (backend instanceof HeapKeyedStateBackend<?> heap) {
            return heap.numKeyValueStateEntries();
        }
        throw new UnsupportedOperationException("not a heap keyed state backend: " + backend);
    }

    /**
     * A value-comparable form: records become the list of their components, byte arrays hex, arrays and
     * collections lists, maps sorted maps (recursively); anything else as is (its own equals).
     */
    public static Object comparable(Object o) {
        if (o == null) {
            return null;
        }
        if (o instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
        }
        if (o.getClass().isArray()) {
            List<Object> l = new ArrayList<>();
            for (int i = 0; i < Array.getLength(o); i++) {
                l.add(comparable(Array.get(o, i)));
            }
            return l;
        }
        if (o instanceof Iterable<?> it) {
            List<Object> l = new ArrayList<>();
            for (Object e : it) {
                l.add(comparable(e));
            }
            return l;
        }
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> sorted = new TreeMap<>();
            m.forEach((k, v) -> sorted.put(String.valueOf(k), comparable(v)));
            return sorted;
        }
        if (o instanceof Double d && d.isNaN()) {
            return "NaN";
        }
        if (o.getClass().isRecord()) {
            List<Object> parts = new ArrayList<>();
            parts.add(o.getClass().getSimpleName());
            for (RecordComponent c : o.getClass().getRecordComponents()) {
                try {
                    c.getAccessor().setAccessible(true);
                    parts.add(c.getName() + "=" + comparable(c.getAccessor().invoke(o)));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return parts;
        }
        return o;
    }
}
