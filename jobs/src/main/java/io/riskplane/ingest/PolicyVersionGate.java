package io.riskplane.ingest;

import io.riskplane.eventtime.PolicyVersionedFunction;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.Decoded;
import io.riskplane.model.PolicyRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * A policy id and version, once seen, cannot change content. Keyed by {@link PolicyVersionedFunction#versionKey}, it
 * passes on the first copy of each version; an identical copy (a producer retry, a re-publication) is dropped and
 * counted ({@code policy_copies_ignored}); a copy with other content (other limits, scope or effective time) is
 * dead-lettered CONFLICTING_VERSION and counted, and never replaces the version in force: whoever can write the policy
 * topic cannot loosen a limit by re-publishing its version (docs/security.md). Changing a policy takes a new version.
 * Versions are kept for as long as the rules keep them (every version, in broadcast state), so this state is one small
 * record per version.
 */
public class PolicyVersionGate extends KeyedProcessFunction<String, Decoded, PolicyRecord> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetterRecord> CONFLICTS =
            new OutputTag<>("conflicting-policy-versions", TypeInformation.of(DeadLetterRecord.class));

    private transient ValueState<PolicyRecord> first;
    private transient Counter conflicts;
    private transient Counter copies;

    public static String key(Decoded d) {
        return PolicyVersionedFunction.versionKey(d.policy());
    }

    @Override
    public void open(OpenContext openContext) {
        first = getRuntimeContext().getState(new ValueStateDescriptor<>("first-copy",
                TypeInformation.of(PolicyRecord.class)));
        conflicts = getRuntimeContext().getMetricGroup().addGroup("reason", DeadLetterReason.CONFLICTING_VERSION)
                .counter("dead_letters");
        copies = getRuntimeContext().getMetricGroup().counter("policy_copies_ignored");
    }

    @Override
    public void processElement(Decoded d, Context ctx, Collector<PolicyRecord> out) throws Exception {
        PolicyRecord p = d.policy();
        PolicyRecord seen = first.value();
        if (seen == null) {
            first.update(p);
            out.collect(p);
        } else if (sameContent(seen, p)) {
            copies.inc();
        } else {
            conflicts.inc();
            ctx.output(CONFLICTS, conflict(d, seen));
        }
    }

    /** Everything but the event id: limits, scope, currency, auto-resume and the effective time. */
    static boolean sameContent(PolicyRecord a, PolicyRecord b) {
        return a.equals(new PolicyRecord(b.policyId(), b.version(), b.org(), b.strategy(), b.venue(), b.adapter(),
                b.lane(), b.currency(), b.maxDrawdown(), b.maxDrawdownFraction(), b.maxDailyLoss(), b.capitalBase(),
                b.autoResume(), b.effectiveMillis(), a.eventId(), b.thresholds()));
    }

    private static DeadLetterRecord conflict(Decoded d, PolicyRecord seen) {
        return DeadLetterRecord.of(d, DeadLetterReason.CONFLICTING_VERSION, "risk policy " + seen.policyId()
                + " version " + seen.version() + " was already received with other content (event " + seen.eventId()
                + "); that first copy stays in force. A change needs a new version.");
    }
}
