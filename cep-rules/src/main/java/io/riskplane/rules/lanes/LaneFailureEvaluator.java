package io.riskplane.rules.lanes;

import io.riskplane.contract.DeterministicId;
import io.riskplane.eventtime.PolicyScopes;
import io.riskplane.eventtime.PolicyVersionedFunction;
import io.riskplane.model.LaneRunEvaluation;
import io.riskplane.model.LaneRunRecord;
import io.riskplane.model.PolicyRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;

/**
 * Counts an autonomous lane's FAILED runs (keyed by lane) within the lane policy's window and marks the run at which
 * they reach lane_max_failures: the lane is to be disabled and reverted to the lane policy version it ran before its
 * current one. After a rollback the count starts afresh, so a lane that fails K times again is rolled back again, and
 * the version rolled back from is forgotten, so no later rollback reverts to it.
 */
public class LaneFailureEvaluator extends PolicyVersionedFunction<LaneRunRecord, LaneRunEvaluation> {
    private static final long serialVersionUID = 1L;

    public static final MapStateDescriptor<String, PolicyRecord> POLICIES =
            PolicyVersionedFunction.policiesDescriptor("lane-policies");

    public static final String MAX_FAILURES = "lane_max_failures";
    public static final String WINDOW_SECONDS = "lane_failure_window_s";
    static final double DEFAULT_WINDOW_SECONDS = 3600;
    /** Distinct lane policy versions remembered, most recent last. */
    static final int VERSIONS_KEPT = 8;

    /** A lane's recent failures (time and event id) and the versions it ran, in order of first use. */
    public record LaneState(List<Long> failureTimes, List<String> failureIds, List<String> versions) {}

    private transient ValueState<LaneState> lane;

    public LaneFailureEvaluator() {
        super(POLICIES, TypeInformation.of(LaneRunRecord.class), (a, b) -> a.eventId()
                .compareTo(b.eventId()));
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        lane = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("lane-failures", TypeInformation.of(LaneState.class)));
    }

    @Override
    protected long timestampOf(LaneRunRecord r) {
        return r.eventTimeMillis();
    }

    @Override
    protected void judge(
            LaneRunRecord r, Iterable<Map.Entry<String, PolicyRecord>> policies, Collector<LaneRunEvaluation> out)
            throws Exception {
        PolicyRecord p = PolicyScopes.inForce(
                policies,
                r.eventTimeMillis(),
                MAX_FAILURES,
                pol -> pol.venue().isEmpty() && pol.adapter().isEmpty()
                        ? PolicyScopes.named(pol.lane(), r.lane())
                        : -1);
        int maxFailures = p == null ? 0 : (int) p.threshold(MAX_FAILURES, 0);
        long window = p == null
                ? (long) (DEFAULT_WINDOW_SECONDS * 1000)
                : (long) (p.threshold(WINDOW_SECONDS, DEFAULT_WINDOW_SECONDS) * 1000);
        LaneState s = lane.value();
        if (s == null) {
            s = new LaneState(List.of(), List.of(), List.of());
        }
        List<String> versions = new ArrayList<>(s.versions());
        if (!r.policyVersion().isEmpty()
                && (versions.isEmpty() || !versions.get(versions.size() - 1).equals(r.policyVersion()))) {
            versions.remove(r.policyVersion());
            versions.add(r.policyVersion());
            if (versions.size() > VERSIONS_KEPT) {
                versions.remove(0);
            }
        }
        long windowStart = r.eventTimeMillis() - window;
        List<Long> times = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < s.failureTimes().size(); i++) {
            if (s.failureTimes().get(i) > windowStart) {
                times.add(s.failureTimes().get(i));
                ids.add(s.failureIds().get(i));
            }
        }
        if (r.failed()) {
            times.add(r.eventTimeMillis());
            ids.add(r.eventId());
        }
        boolean rollback = r.failed() && maxFailures > 0 && times.size() >= maxFailures;
        String target = rollback ? previousVersion(versions, r.policyVersion()) : "";
        out.collect(new LaneRunEvaluation(
                DeterministicId.of("lre-", r.eventId()),
                r,
                times.size(),
                maxFailures,
                window,
                windowStart,
                rollback,
                target,
                p == null ? "" : p.policyId(),
                p == null ? 0 : p.version(),
                ids.toArray(new String[0])));
        if (rollback) {
            // The failing version is discredited: a later rollback must never revert to it.
            versions.remove(r.policyVersion());
        }
        lane.update(
                rollback
                        ? new LaneState(List.of(), List.of(), List.copyOf(versions))
                        : new LaneState(List.copyOf(times), List.copyOf(ids), List.copyOf(versions)));
    }

    /** The version used before {@code current}: the one before it in order of first use, "" when none. */
    static String previousVersion(List<String> versions, String current) {
        int i = versions.indexOf(current);
        return i > 0 ? versions.get(i - 1) : "";
    }
}
