package io.riskplane.rules.sustained;

import io.riskplane.contract.DeterministicId;
import io.riskplane.eventtime.OperatorResumes;
import io.riskplane.eventtime.PolicyScopes;
import io.riskplane.eventtime.PolicyVersionedFunction;
import io.riskplane.model.ConditionEvaluation;
import io.riskplane.model.ConditionSample;
import io.riskplane.model.OperatorDirective;
import io.riskplane.model.PolicyRecord;
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
 * Judges condition samples (keyed by condition and scope) against the policy in force at their event time and fires
 * once a breach has lasted, without a healthy sample in between, for the policy's duration: "value over the limit
 * for T". A healthy sample ends the run; a sample below the sample minimum neither extends nor ends it. Which
 * thresholds and which policies apply to each condition is in {@link SustainedCondition}.
 *
 * <p>A breach that fired latches (docs/rules.md, "Lifecycle of a halt"): its rule halts the route or lane until an
 * operator resumes it, so a later run of the same scope reports its breach (triggered) but fires nothing
 * ({@code enters_trigger} false) until an operator's resume of exactly that scope, lifting this rule or every rule,
 * decided at or after the halt; from then on the rule is armed again.
 */
public class SustainedBreachEvaluator extends PolicyVersionedFunction<ConditionSample, ConditionEvaluation> {
    private static final long serialVersionUID = 1L;

    public static final MapStateDescriptor<String, PolicyRecord> POLICIES =
            PolicyVersionedFunction.policiesDescriptor("sustained-breach-policies");
    /** Operators' accepted resumes that lift a sustained-breach rule (OperatorResumes). */
    public static final MapStateDescriptor<String, OperatorDirective> RESUMES =
            OperatorResumes.descriptor("sustained-breach-operator-resumes");

    static final String[] RULES = {SustainedBreachRule.ROUTE_RULE_ID, SustainedBreachRule.SIGNAL_LAG_RULE_ID};

    /** Run ids kept as evidence: the first and the latest samples of a run. */
    static final int EVIDENCE_SAMPLES = 12;

    /** The current breach run of one scope. */
    public record Run(long since, boolean triggered, List<String> sampleIds) {}

    private transient ValueState<Run> run;
    /** While the scope's halt is in force: from when a resume lifts it (OperatorResumes.resumableFrom). */
    private transient ValueState<Long> latchedFrom;

    public SustainedBreachEvaluator() {
        super(POLICIES, RESUMES, RULES, TypeInformation.of(ConditionSample.class), (a, b) -> a.sampleId()
                .compareTo(b.sampleId()));
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        run = getRuntimeContext().getState(new ValueStateDescriptor<>("breach-run", TypeInformation.of(Run.class)));
        latchedFrom = getRuntimeContext().getState(new ValueStateDescriptor<>("breach-latched-from", Types.LONG));
    }

    @Override
    protected long timestampOf(ConditionSample s) {
        return s.atMillis();
    }

    @Override
    protected void judge(
            ConditionSample s, Iterable<Map.Entry<String, PolicyRecord>> policies, Collector<ConditionEvaluation> out)
            throws Exception {
        SustainedCondition c = SustainedCondition.of(s.condition());
        PolicyRecord p = PolicyScopes.inForce(policies, s.atMillis(), c.limitName(), pol -> c.rank(pol, s));
        double limit = p == null ? Double.NaN : p.threshold(c.limitName(), Double.NaN);
        long duration = p == null ? 0 : (long) (p.threshold(c.durationName(), c.defaultDurationSeconds()) * 1000);
        long minSamples = p == null ? 0 : (long) p.threshold(c.minSamplesName(), c.defaultMinSamples());
        String status = p == null
                ? ConditionEvaluation.NO_POLICY
                : Double.isNaN(s.value()) || s.samples() < minSamples
                        ? ConditionEvaluation.INSUFFICIENT_DATA
                        : s.value() > limit ? ConditionEvaluation.BREACH : ConditionEvaluation.HEALTHY;
        Run before = run.value();
        Long latched = latchedFrom.value();
        long rearmedAt = Long.MIN_VALUE;
        if (latched != null) {
            String rule = c == SustainedCondition.ROUTE_FALLBACK
                    ? SustainedBreachRule.ROUTE_RULE_ID
                    : SustainedBreachRule.SIGNAL_LAG_RULE_ID;
            long resumed = lastResume(scopeKey(c, s), s.atMillis(), rule);
            if (OperatorResumes.lifts(resumed, latched)) {
                // Resumed: armed again, and a breach that goes on must last the policy's duration anew.
                latched = null;
                latchedFrom.clear();
                rearmedAt = resumed;
                before = null;
            }
        }
        Run after = step(before, status, s.atMillis(), s.sampleId(), duration);
        if (after == null) {
            run.clear();
        } else {
            run.update(after);
        }
        boolean enters =
                latched == null && after != null && after.triggered() && (before == null || !before.triggered());
        if (enters) {
            latchedFrom.update(OperatorResumes.resumableFrom(s.atMillis(), rearmedAt));
        }
        out.collect(new ConditionEvaluation(
                DeterministicId.of("cev-", s.sampleId()),
                s,
                status,
                c.limitName(),
                limit,
                c.durationName(),
                duration,
                minSamples,
                after == null ? 0 : after.since(),
                after != null && after.triggered(),
                enters,
                p == null ? "" : p.policyId(),
                p == null ? 0 : p.version(),
                after == null ? new String[0] : after.sampleIds().toArray(new String[0])));
    }

    /** The key of the scope the rule halts (SustainedControlEvents): the adapter, or the lane with its org and strategy. */
    static String scopeKey(SustainedCondition c, ConditionSample s) {
        return c == SustainedCondition.ROUTE_FALLBACK
                ? OperatorDirective.scopeKey("", "", "", "", s.adapter(), "")
                : OperatorDirective.scopeKey(s.org(), s.strategy(), "", "", "", s.lane());
    }

    /** One step of the run: null when no breach run is open. */
    static Run step(Run r, String status, long at, String sampleId, long durationMillis) {
        switch (status) {
            case ConditionEvaluation.BREACH: {
                long since = r == null ? at : r.since();
                List<String> ids = new ArrayList<>(r == null ? List.of() : r.sampleIds());
                if (ids.size() >= EVIDENCE_SAMPLES) {
                    ids.remove(1); // keep the first sample of the run and the latest ones
                }
                ids.add(sampleId);
                boolean triggered = (r != null && r.triggered()) || at - since >= durationMillis;
                return new Run(since, triggered, List.copyOf(ids));
            }
            case ConditionEvaluation.INSUFFICIENT_DATA:
                return r;
            default:
                return null;
        }
    }
}
