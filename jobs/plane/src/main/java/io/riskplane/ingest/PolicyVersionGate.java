package io.riskplane.ingest;

import io.riskplane.eventtime.PolicyVersionedFunction;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.Decoded;
import io.riskplane.model.PolicyRecord;
import io.riskplane.v1.Envelope;
import io.riskplane.verify.ControlSigner;
import io.riskplane.verify.SignedPayloads;
import io.riskplane.verify.SigningKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The gate every risk policy passes before any rule sees it, in both graphs (the main one and the early decisions).
 *
 * <p>First the risk desk's signature ({@link SignedPayloads#RISK_POLICY}; keys from {@code security.policy_keys},
 * read in {@link #open} on the task manager, so the key material is never part of the job graph). A policy that is
 * signed is verified: a signature that does not verify under its signer's key is dead-lettered BAD_POLICY_SIGNATURE.
 * When signatures are required ({@code security.require_signed_policies}), an unsigned policy is dead-lettered
 * UNSIGNED_POLICY and one whose signer has no key here UNKNOWN_POLICY_SIGNER; when they are not, such a policy passes
 * and is counted ({@code policies_unverified}). A refused policy is never applied and takes no version: the
 * genuine copy of that version, arriving later, passes.
 *
 * <p>Then the version: a policy id and version, once seen, cannot change content. Keyed by
 * {@link PolicyVersionedFunction#versionKey}, it passes on the first copy of each version; an identical copy (a
 * producer retry, a re-publication) is dropped and counted ({@code policy_copies_ignored}); a copy with other content
 * (other limits, scope or effective time) is dead-lettered CONFLICTING_VERSION and counted, and never replaces the
 * version in force: whoever can write the policy topic cannot loosen a limit by re-publishing its version
 * (docs/security.md). Changing a policy takes a new version. Versions are kept for as long as the rules keep them
 * (every version, in broadcast state), so this state is one small record per version.
 */
public class PolicyVersionGate extends KeyedProcessFunction<String, Decoded, PolicyRecord> {
    private static final long serialVersionUID = 1L;

    /** The refused policies: conflicting versions and signatures that do not verify (or are missing, if required). */
    public static final OutputTag<DeadLetterRecord> REFUSED =
            new OutputTag<>("refused-policy-versions", TypeInformation.of(DeadLetterRecord.class));

    private final List<SigningKey> policyKeys;
    private final boolean requireSigned;
    private transient Map<String, ControlSigner> keys;
    private transient ValueState<PolicyRecord> first;
    private transient Counter conflicts;
    private transient Counter copies;
    private transient Counter unverified;
    private transient Map<String, Counter> refusedByReason;

    /** Without policy keys and without requiring signatures (replay, tests): no policy is refused for its signature. */
    public PolicyVersionGate() {
        this(List.of(), false);
    }

    /**
     * @param policyKeys the risk desk's keys (key id = a policy's signer_id)
     * @param requireSigned whether a policy must verify under one of them to pass
     */
    public PolicyVersionGate(List<SigningKey> policyKeys, boolean requireSigned) {
        this.policyKeys = List.copyOf(policyKeys);
        this.requireSigned = requireSigned;
    }

    public static String key(Decoded d) {
        return PolicyVersionedFunction.versionKey(d.policy());
    }

    @Override
    public void open(OpenContext openContext) {
        keys = new TreeMap<>();
        for (SigningKey k : policyKeys) {
            keys.put(k.keyId(), k.load());
        }
        first = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("first-copy", TypeInformation.of(PolicyRecord.class)));
        conflicts = getRuntimeContext()
                .getMetricGroup()
                .addGroup("reason", DeadLetterReason.CONFLICTING_VERSION)
                .counter("dead_letters");
        copies = getRuntimeContext().getMetricGroup().counter("policy_copies_ignored");
        unverified = getRuntimeContext().getMetricGroup().counter("policies_unverified");
        refusedByReason = new HashMap<>();
    }

    @Override
    public void processElement(Decoded d, Context ctx, Collector<PolicyRecord> out) throws Exception {
        Envelope e = Envelope.parseFrom(d.envelope());
        String refusal = signatureRefusal(e);
        if (refusal != null) {
            refusedByReason
                    .computeIfAbsent(refusal, r -> getRuntimeContext()
                            .getMetricGroup()
                            .addGroup("reason", r)
                            .counter("dead_letters"))
                    .inc();
            ctx.output(REFUSED, refused(d, e, refusal));
            return;
        }
        PolicyRecord p = d.policy();
        PolicyRecord seen = first.value();
        if (seen == null) {
            first.update(p);
            out.collect(p);
        } else if (sameContent(seen, p)) {
            copies.inc();
        } else {
            conflicts.inc();
            ctx.output(REFUSED, conflict(d, seen));
        }
    }

    /**
     * Why the signature of this policy refuses it (a DeadLetterReason), or null when it may pass: it verifies, or it
     * is unsigned or of a signer without a key here while signatures are not required (counted as unverified).
     */
    private String signatureRefusal(Envelope e) {
        switch (SignedPayloads.RISK_POLICY.verify(e, keys)) {
            case ACCEPTED:
                return null;
            case BAD_SIGNATURE:
                return DeadLetterReason.BAD_POLICY_SIGNATURE;
            case UNSIGNED:
                if (requireSigned) {
                    return DeadLetterReason.UNSIGNED_POLICY;
                }
                break;
            case UNKNOWN_SIGNER:
                if (requireSigned) {
                    return DeadLetterReason.UNKNOWN_POLICY_SIGNER;
                }
                break;
            default:
                throw new IllegalStateException();
        }
        unverified.inc();
        return null;
    }

    private static DeadLetterRecord refused(Decoded d, Envelope e, String reason) {
        io.riskplane.v1.RiskPolicy p = e.getRiskPolicy();
        String policy = "risk policy " + p.getPolicyId() + " version " + p.getVersion();
        String detail =
                switch (reason) {
                    case DeadLetterReason.UNSIGNED_POLICY ->
                        policy + " carries no signature, and the plane requires the risk "
                                + "desk's (security.require_signed_policies)";
                    case DeadLetterReason.UNKNOWN_POLICY_SIGNER ->
                        policy + " is signed by '" + p.getSignerId()
                                + "', for whom the plane has no key (security.policy_keys)";
                    default ->
                        policy + " does not verify under the key of signer '" + p.getSignerId()
                                + "': forged or altered";
                };
        return DeadLetterRecord.of(d, reason, detail + "; not applied, and the version stays free for the signed copy");
    }

    /** Everything but the event id: limits, scope, currency, auto-resume and the effective time. */
    static boolean sameContent(PolicyRecord a, PolicyRecord b) {
        return a.equals(new PolicyRecord(
                b.policyId(),
                b.version(),
                b.org(),
                b.strategy(),
                b.venue(),
                b.adapter(),
                b.lane(),
                b.currency(),
                b.maxDrawdown(),
                b.maxDrawdownFraction(),
                b.maxDailyLoss(),
                b.capitalBase(),
                b.autoResume(),
                b.effectiveMillis(),
                a.eventId(),
                b.thresholds()));
    }

    private static DeadLetterRecord conflict(Decoded d, PolicyRecord seen) {
        return DeadLetterRecord.of(
                d,
                DeadLetterReason.CONFLICTING_VERSION,
                "risk policy " + seen.policyId()
                        + " version " + seen.version() + " was already received with other content (event "
                        + seen.eventId()
                        + "); that first copy stays in force. A change needs a new version.");
    }
}
