package io.riskplane.eventtime;

import io.riskplane.model.OperatorDirective;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * Operators' accepted resumes (rule operator.resume) as the rules keep them: in broadcast state, by command id, for a
 * week of event time behind the watermark. A rule looks up the latest resume of exactly its scope that lifts it, at or
 * before the input it judges; since resumes arrive with the policy versions on the broadcast channel, whose
 * watermark holds back the keyed side's, that lookup is the same in live, recovery and replay.
 */
public final class OperatorResumes {
    /**
     * How long a resume is kept behind the watermark: a halted scope with no input for that long misses it and stays
     * halted in the plane (fail closed) until the next resume.
     */
    public static final long MEMORY_MS = 7L * 24 * 3600 * 1000;

    private OperatorResumes() {}

    public static MapStateDescriptor<String, OperatorDirective> descriptor(String name) {
        return new MapStateDescriptor<>(name, Types.STRING, TypeInformation.of(OperatorDirective.class));
    }

    /** Keeps a resume and forgets those more than {@link #MEMORY_MS} behind the watermark. */
    public static void keep(BroadcastState<String, OperatorDirective> state, OperatorDirective resume, long watermark)
            throws Exception {
        state.put(resume.commandId(), resume);
        if (watermark < Long.MIN_VALUE + MEMORY_MS) {
            return; // no event time yet (and no underflow)
        }
        List<String> old = new ArrayList<>();
        for (Map.Entry<String, OperatorDirective> e : state.entries()) {
            if (e.getValue().eventTimeMillis() < watermark - MEMORY_MS) {
                old.add(e.getKey());
            }
        }
        for (String id : old) {
            state.remove(id);
        }
    }

    /**
     * The time of the latest resume of exactly {@code scopeKey} ({@link OperatorDirective#scopeKey()}) at or before
     * {@code at} that lifts any of {@code rules} (or every rule); Long.MIN_VALUE when none.
     */
    public static long last(
            Iterable<Map.Entry<String, OperatorDirective>> resumes, String scopeKey, long at, String... rules) {
        long last = Long.MIN_VALUE;
        for (Map.Entry<String, OperatorDirective> e : resumes) {
            OperatorDirective c = e.getValue();
            if (c.eventTimeMillis() <= at
                    && c.eventTimeMillis() > last
                    && c.scopeKey().equals(scopeKey)
                    && liftsAny(c, rules)) {
                last = c.eventTimeMillis();
            }
        }
        return last;
    }

    /**
     * Whether the latest resume ({@link #last}; Long.MIN_VALUE when none) lifts a halt that resumes from
     * {@code resumableFrom} on (null: a halt from before that was kept, which any resume lifts).
     */
    public static boolean lifts(long lastResume, Long resumableFrom) {
        return lastResume != Long.MIN_VALUE && (resumableFrom == null || lastResume >= resumableFrom);
    }

    /**
     * From when a resume lifts a halt decided at {@code haltedAt}: that time, or one past the resume that re-armed the
     * rule ({@code rearmedAt}, Long.MIN_VALUE when none) if the scope halted again at that very millisecond, so that
     * the same resume does not lift the new halt too.
     */
    public static long resumableFrom(long haltedAt, long rearmedAt) {
        return rearmedAt == Long.MIN_VALUE ? haltedAt : Math.max(haltedAt, rearmedAt + 1);
    }

    /** True when the resume lifts any of the rules (or every rule). */
    public static boolean liftsAny(OperatorDirective c, String... rules) {
        for (String r : rules) {
            if (c.resumes(r)) {
                return true;
            }
        }
        return false;
    }
}
