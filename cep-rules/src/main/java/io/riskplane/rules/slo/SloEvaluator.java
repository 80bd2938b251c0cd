package io.riskplane.rules.slo;

import io.riskplane.contract.DeterministicId;
import io.riskplane.eventtime.OperatorResumes;
import io.riskplane.eventtime.PolicyScopes;
import io.riskplane.eventtime.PolicyVersionedFunction;
import io.riskplane.eventtime.StoreOnChange;
import io.riskplane.model.OperatorDirective;
import io.riskplane.model.PolicyRecord;
import io.riskplane.model.SloEvaluation;
import io.riskplane.model.SloMeasurement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * Judges SLO measurements (keyed by SLO and scope) against the policy in force at their event time and keeps the
 * halt state machine: N consecutive breaches (confirm_evaluations) halt the scope; while halted, M consecutive healthy
 * evaluations (resume_evaluations) resume it, but only when the policy allows auto-resume. A single bad tick never
 * halts anything, and an INSUFFICIENT_DATA evaluation neither confirms nor clears.
 */
public class SloEvaluator extends PolicyVersionedFunction<SloMeasurement, SloEvaluation> {
    private static final long serialVersionUID = 1L;

    public static final MapStateDescriptor<String, PolicyRecord> POLICIES =
            PolicyVersionedFunction.policiesDescriptor("slo-policies");
    /** Operators' accepted resumes that lift an SLO halt (OperatorResumes). */
    public static final MapStateDescriptor<String, OperatorDirective> RESUMES =
            OperatorResumes.descriptor("slo-operator-resumes");

    static final String HALT_RULE = "slo.breach.kill-switch";

    /** The running state of one scope. */
    public record Streaks(int breaches, int healthy, boolean halted, List<String> recentIds) {}

    private final long storePeriodMillis;
    private transient ValueState<Streaks> streaks;
    private transient ValueState<StoreOnChange.State> stored;
    /**
     * While halted: the earliest time of an operator's resume that lifts the halt (as DrawdownJudge's); absent for a
     * halt from before this state existed, which any resume lifts.
     */
    private transient ValueState<Long> resumableFrom;

    public SloEvaluator() {
        this(StoreOnChange.DEFAULT_PERIOD.toMillis());
    }

    /** @param storePeriodMillis one stored evaluation per scope per this much event time, besides status changes */
    public SloEvaluator(long storePeriodMillis) {
        super(
                POLICIES,
                RESUMES,
                new String[] {HALT_RULE},
                TypeInformation.of(SloMeasurement.class),
                (a, b) -> a.measurementId().compareTo(b.measurementId()));
        this.storePeriodMillis = storePeriodMillis;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        streaks = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("slo-streaks", TypeInformation.of(Streaks.class)));
        stored = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("slo-stored", TypeInformation.of(StoreOnChange.State.class)));
        resumableFrom = getRuntimeContext().getState(new ValueStateDescriptor<>("slo-resumable-from", Types.LONG));
    }

    @Override
    protected boolean forgetsQuietScopes() {
        return true;
    }

    /**
     * A scope not measured for over a week: its streaks are not consecutive with anything measured later, so they
     * start afresh (and the next evaluation is stored); a halted scope stays halted until it resumes.
     */
    @Override
    protected void forgetQuietScope() throws Exception {
        Streaks s = streaks.value();
        if (s == null || !s.halted()) {
            streaks.clear();
            stored.clear();
            resumableFrom.clear();
        }
    }

    @Override
    protected long timestampOf(SloMeasurement m) {
        return m.measuredAtMillis();
    }

    @Override
    protected void judge(
            SloMeasurement m, Iterable<Map.Entry<String, PolicyRecord>> policies, Collector<SloEvaluation> out)
            throws Exception {
        PolicyRecord p = policyInForce(m, policies);
        SloJudge.Verdict v = SloJudge.judge(m, p);
        Streaks s = streaks.value();
        long rearmedAt = Long.MIN_VALUE;
        if (s != null && s.halted()) {
            boolean venueScope = SloMeasurement.VENUE_INSTRUMENT.equals(m.scopeType());
            String scopeKey = venueScope
                    ? OperatorDirective.scopeKey("", "", m.instrument(), m.venue(), "", "")
                    : OperatorDirective.scopeKey("", "", "", "", m.adapter(), "");
            long resumed = lastResume(scopeKey, m.measuredAtMillis(), HALT_RULE);
            if (OperatorResumes.lifts(resumed, resumableFrom.value())) {
                // An operator resumed the scope after the halt: its streaks start afresh, and a breach that goes on
                // halts it again after confirm_evaluations (no slo.recovery.resume: the operator's event says it).
                s = null;
                resumableFrom.clear();
                rearmedAt = resumed;
            }
        }
        if (s == null) {
            s = new Streaks(0, 0, false, List.of());
        }
        int confirm = p == null
                ? SloJudge.DEFAULT_CONFIRM
                : (int) p.threshold(SloJudge.CONFIRM_EVALUATIONS, SloJudge.DEFAULT_CONFIRM);
        int resume = p == null
                ? SloJudge.DEFAULT_RESUME
                : (int) p.threshold(SloJudge.RESUME_EVALUATIONS, SloJudge.DEFAULT_RESUME);
        boolean autoResume = p != null && p.autoResume();
        Streaks next = step(s, v.status(), m.measurementId(), confirm, resume, autoResume);
        streaks.update(next);
        if (next.halted() && !s.halted()) {
            resumableFrom.update(OperatorResumes.resumableFrom(m.measuredAtMillis(), rearmedAt));
        } else if (!next.halted() && s.halted()) {
            resumableFrom.clear();
        }
        // Storage keeps a row when the status or the halt changes, and one per period (the rule sees every one).
        StoreOnChange.Decision store = StoreOnChange.decide(
                stored.value(), v.status() + (next.halted() ? "|halted" : ""), m.measuredAtMillis(), storePeriodMillis);
        stored.update(store.next());
        String name = SloJudge.thresholdName(m.slo());
        out.collect(new SloEvaluation(
                DeterministicId.of("sle-", m.measurementId()),
                m,
                v.status(),
                name,
                p == null ? Double.NaN : p.threshold(name, Double.NaN),
                next.breaches(),
                next.healthy(),
                next.halted(),
                next.halted() && !s.halted(),
                s.halted() && !next.halted(),
                p == null ? "" : p.policyId(),
                p == null ? 0 : p.version(),
                confirm,
                resume,
                autoResume,
                v.derived(),
                next.recentIds().toArray(new String[0]),
                store.reason()));
    }

    /** One step of the halt state machine; recentIds keeps the measurements of the current streak. */
    static Streaks step(Streaks s, String status, String id, int confirm, int resume, boolean autoResume) {
        int keep = Math.max(confirm, resume);
        switch (status) {
            case SloEvaluation.BREACH: {
                List<String> ids = s.breaches() > 0 ? append(s.recentIds(), id, keep) : List.of(id);
                int breaches = s.breaches() + 1;
                return new Streaks(breaches, 0, s.halted() || breaches >= confirm, ids);
            }
            case SloEvaluation.HEALTHY: {
                List<String> ids = s.healthy() > 0 ? append(s.recentIds(), id, keep) : List.of(id);
                int healthy = s.healthy() + 1;
                boolean halted = s.halted() && !(autoResume && healthy >= resume);
                return new Streaks(0, healthy, halted, ids);
            }
            case SloEvaluation.NO_POLICY:
                // Not monitored any more: forget the streaks, but a halt stays until resumed.
                return new Streaks(0, 0, s.halted(), List.of());
            default:
                return s;
        }
    }

    private static List<String> append(List<String> ids, String id, int keep) {
        List<String> out = new ArrayList<>(ids);
        out.add(id);
        return out.size() > keep ? List.copyOf(out.subList(out.size() - keep, out.size())) : out;
    }

    /**
     * The policy that monitors this SLO for this scope at the measurement's time: among policies effective by then
     * that set the SLO's threshold, one naming the venue (or adapter) beats one for "*"; then the latest effective,
     * the highest version, the policy id.
     */
    static PolicyRecord policyInForce(SloMeasurement m, Iterable<Map.Entry<String, PolicyRecord>> all) {
        boolean venueScope = SloMeasurement.VENUE_INSTRUMENT.equals(m.scopeType());
        return PolicyScopes.inForce(
                all,
                m.measuredAtMillis(),
                SloJudge.thresholdName(m.slo()),
                p -> PolicyScopes.named(venueScope ? p.venue() : p.adapter(), venueScope ? m.venue() : m.adapter()));
    }
}
