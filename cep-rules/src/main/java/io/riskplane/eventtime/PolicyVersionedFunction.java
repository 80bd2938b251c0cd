package io.riskplane.eventtime;

import io.riskplane.model.OperatorDirective;
import io.riskplane.model.PolicyRecord;
import io.riskplane.model.RuleDirective;
import java.util.Comparator;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A keyed function that judges its input against risk policies arriving on a broadcast stream. Every policy version is
 * kept (keyed policyId@version), so a subclass looks up the version in force at each input's event time: a new version
 * takes effect from its own event time without a restart, and a replay applies exactly the versions that were in
 * force. Inputs wait for the watermark so that a policy and an input racing on different channels are always applied
 * in event-time order; an input already behind the watermark is judged on arrival and counted in late_events.
 *
 * <p>Operators' accepted commands arrive on the same channel ({@link RuleDirective}). A function given a resumes
 * descriptor keeps the resumes that lift any of its rules ({@link OperatorResumes}) and looks them up with
 * {@link #lastResume} while it judges; the others ignore commands.
 *
 * <p>A function that {@linkplain #forgetsQuietScopes forgets quiet scopes} is called back ({@link #forgetQuietScope})
 * once its key has had no input for {@link #QUIET_SCOPE_MILLIS} of event time: longer than any window, cooldown or
 * trip window a policy may set ({@link PolicyThresholds} caps them at a week), so what it forgets could no longer
 * change a decision. It never forgets a halt. The callback's timer is one per day of the key's activity (at the day
 * boundary after the deadline), so an active key holds at most nine.
 */
public abstract class PolicyVersionedFunction<I, O> extends KeyedBroadcastProcessFunction<String, I, RuleDirective, O> {
    private static final long serialVersionUID = 1L;

    /** Among policies that could apply, the later effective time wins, then the higher version, then the policy id. */
    public static final Comparator<PolicyRecord> RECENCY = Comparator.comparingLong(PolicyRecord::effectiveMillis)
            .thenComparingLong(PolicyRecord::version)
            .thenComparing(PolicyRecord::policyId);

    private final MapStateDescriptor<String, PolicyRecord> policiesDescriptor;
    private final MapStateDescriptor<String, OperatorDirective> resumesDescriptor;
    /** The rules whose halts a kept resume must lift (OperatorResumes#liftsAny); none without a resumes descriptor. */
    private final String[] resumeRules;

    /** How long a key must be quiet before {@link #forgetQuietScope}: a week and a day. */
    public static final long QUIET_SCOPE_MILLIS = 8L * 24 * 3_600_000L;

    private static final long DAY_MILLIS = 24 * 3_600_000L;

    private final EventTimeBuffer<I> buffer;
    /**
     * The day boundary after the key will have been quiet long enough, where its timer is (only for a function that
     * forgets quiet scopes).
     */
    private transient ValueState<Long> quietUntil;

    private transient Counter policyVersions;
    private transient Counter lateInputs;
    /** The resumes while {@link #judge} runs (null for a function that keeps none). */
    private transient Iterable<Map.Entry<String, OperatorDirective>> resumes;

    protected PolicyVersionedFunction(
            MapStateDescriptor<String, PolicyRecord> policiesDescriptor,
            TypeInformation<I> inputType,
            OrderWithinTimestamp<I> orderWithinTimestamp) {
        this(policiesDescriptor, null, new String[0], inputType, orderWithinTimestamp);
    }

    /**
     * @param resumesDescriptor where operators' resumes are kept, or null to ignore operator commands
     * @param resumeRules the rules whose halts a kept resume lifts: a resume that lifts none of them is not kept
     */
    protected PolicyVersionedFunction(
            MapStateDescriptor<String, PolicyRecord> policiesDescriptor,
            MapStateDescriptor<String, OperatorDirective> resumesDescriptor,
            String[] resumeRules,
            TypeInformation<I> inputType,
            OrderWithinTimestamp<I> orderWithinTimestamp) {
        this.policiesDescriptor = policiesDescriptor;
        this.resumesDescriptor = resumesDescriptor;
        this.resumeRules = resumeRules.clone();
        this.buffer = new EventTimeBuffer<>("inputs-by-event-time", inputType, orderWithinTimestamp);
    }

    /**
     * While judging: the time of the latest operator resume of exactly {@code scopeKey} at or before {@code at} that
     * lifts any of {@code rules}; Long.MIN_VALUE when none (or when this function keeps none).
     */
    protected long lastResume(String scopeKey, long at, String... rules) {
        return resumes == null ? Long.MIN_VALUE : OperatorResumes.last(resumes, scopeKey, at, rules);
    }

    /** The descriptor of the broadcast state that holds every policy version. */
    public static MapStateDescriptor<String, PolicyRecord> policiesDescriptor(String name) {
        return new MapStateDescriptor<>(name, Types.STRING, TypeInformation.of(PolicyRecord.class));
    }

    /** The broadcast-state key of one policy version: every version is kept. */
    public static String versionKey(PolicyRecord policy) {
        return policy.policyId() + "@" + policy.version();
    }

    /**
     * Stores a policy version unless that version is already stored: the first copy stays in force (upstream,
     * PolicyVersionGate dead-letters a copy with other content; this also holds for state restored from before it).
     */
    public static boolean keepFirst(
            org.apache.flink.api.common.state.BroadcastState<String, PolicyRecord> state, PolicyRecord policy)
            throws Exception {
        String key = versionKey(policy);
        if (state.contains(key)) {
            return false;
        }
        state.put(key, policy);
        return true;
    }

    protected abstract long timestampOf(I input);

    /** Whether this function forgets a scope quiet for {@link #QUIET_SCOPE_MILLIS}; off by default. */
    protected boolean forgetsQuietScopes() {
        return false;
    }

    /**
     * The key has had no input for {@link #QUIET_SCOPE_MILLIS}: clear the state that could no longer change a decision
     * (never a halt, which stays until it is lifted).
     */
    protected void forgetQuietScope() throws Exception {}

    /** Judges one input, in event-time order, with every policy version received so far. */
    protected abstract void judge(I input, Iterable<Map.Entry<String, PolicyRecord>> policies, Collector<O> out)
            throws Exception;

    @Override
    public void open(OpenContext openContext) throws Exception {
        buffer.open(getRuntimeContext());
        if (forgetsQuietScopes()) {
            quietUntil = getRuntimeContext().getState(new ValueStateDescriptor<>("quiet-scope-until", Types.LONG));
        }
        policyVersions = getRuntimeContext().getMetricGroup().counter("policy_versions_received");
        lateInputs = getRuntimeContext().getMetricGroup().counter("late_events");
    }

    @Override
    public void processBroadcastElement(RuleDirective d, Context ctx, Collector<O> out) throws Exception {
        if (d.policy() != null) {
            if (keepFirst(ctx.getBroadcastState(policiesDescriptor), d.policy())) {
                policyVersions.inc();
            }
        } else if (resumesDescriptor != null && OperatorResumes.liftsAny(d.command(), resumeRules)) {
            OperatorResumes.keep(ctx.getBroadcastState(resumesDescriptor), d.command(), ctx.currentWatermark());
        }
    }

    @Override
    public void processElement(I input, ReadOnlyContext ctx, Collector<O> out) throws Exception {
        long ts = timestampOf(input);
        if (ts <= ctx.timerService().currentWatermark()) {
            lateInputs.inc();
            resumes = resumesDescriptor == null
                    ? null
                    : ctx.getBroadcastState(resumesDescriptor).immutableEntries();
            judge(input, ctx.getBroadcastState(policiesDescriptor).immutableEntries(), out);
            touch(ts, ctx.timerService());
        } else {
            buffer.add(ts, input, ctx.timerService());
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<O> out) throws Exception {
        resumes = resumesDescriptor == null
                ? null
                : ctx.getBroadcastState(resumesDescriptor).immutableEntries();
        for (I input : buffer.drain(timestamp)) {
            judge(input, ctx.getBroadcastState(policiesDescriptor).immutableEntries(), out);
            touch(timestamp, ctx.timerService());
        }
        if (quietUntil != null && (timestamp % DAY_MILLIS == 0 || timestamp == Long.MAX_VALUE)) {
            // A quiet-scope timer (dayAfter): the others are the buffer's.
            Long until = quietUntil.value();
            if (until != null && timestamp >= until) {
                forgetQuietScope();
                quietUntil.clear();
            }
        }
    }

    /**
     * Input at ts: the key is quiet from ts + QUIET_SCOPE_MILLIS, checked at the day boundary after that. Kept at that
     * boundary, so the state and the timer change once a day of activity, not on every input.
     */
    private void touch(long ts, TimerService timers) throws Exception {
        if (quietUntil == null) {
            return;
        }
        long until = dayAfter(ts > Long.MAX_VALUE - QUIET_SCOPE_MILLIS ? Long.MAX_VALUE : ts + QUIET_SCOPE_MILLIS);
        Long old = quietUntil.value();
        if (old == null || until > old) {
            timers.registerEventTimeTimer(until);
            quietUntil.update(until);
        }
    }

    private static long dayAfter(long t) {
        return t > Long.MAX_VALUE - DAY_MILLIS
                ? Long.MAX_VALUE
                : Math.floorDiv(t, DAY_MILLIS) * DAY_MILLIS + DAY_MILLIS;
    }
}
