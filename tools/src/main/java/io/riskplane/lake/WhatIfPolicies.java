package io.riskplane.lake;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.ingest.EnvelopeDecoder;
import io.riskplane.model.Decoded;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.RiskPolicy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * `replay --policies FILE`: policy versions a risk manager wants to try on history, one RiskPolicy per line in its
 * JSON form (as `riskplane produce` takes it), in force from a given time. Each is checked as the plane checks a
 * policy on its topic (decoded and validated by the same decoder: a NaN or negative limit is refused here, with its
 * line). From that time on it replaces the archived versions of its policy_id: the archive's later versions of that
 * policy are left out, so that the what-if holds for the whole range. A version of 0 (or none) becomes the next
 * after the archived versions in force at that time; a version given must be above them.
 */
public final class WhatIfPolicies {
    /** The source of a what-if policy's envelope, and the topic name its records carry. */
    public static final String SOURCE = "riskplane-what-if";

    private WhatIfPolicies() {}

    /** A what-if policy file the replay refuses, with the file's line and why. */
    public static final class Refused extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }

        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The what-if: its records (in the merge they are a partition of their own, -1) and the policy ids replaced. */
    public record Plan(List<ArchivedRecord> records, Set<String> policyIds, List<String> described) {}

    /**
     * The what-if of a file's lines, checked against the archived policies (their versions in force at
     * {@code fromMillis}); {@code file} names it in messages.
     */
    public static Plan read(
            String file,
            List<String> lines,
            long fromMillis,
            List<ArchivedRecord> archivedPolicies,
            EnvelopeDecoder decoder) {
        List<ArchivedRecord> records = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        List<String> described = new ArrayList<>();
        for (int n = 1; n <= lines.size(); n++) {
            String line = lines.get(n - 1).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + ":" + n + ": ";
            RiskPolicy.Builder p = RiskPolicy.newBuilder();
            try {
                JsonFormat.parser().merge(line, p);
            } catch (InvalidProtocolBufferException e) {
                throw new Refused(where + "not a RiskPolicy in JSON: " + e.getMessage(), e);
            }
            if (p.getPolicyId().isEmpty()) {
                throw new Refused(where + "policy_id is missing");
            }
            if (!ids.add(p.getPolicyId())) {
                throw new Refused(where + "policy " + p.getPolicyId() + " twice in the file");
            }
            long inForce = archivedPolicies.stream()
                    .filter(r -> r.eventTimeMillis() <= fromMillis)
                    .map(WhatIfPolicies::policy)
                    .filter(a -> a != null && a.getPolicyId().equals(p.getPolicyId()))
                    .mapToLong(RiskPolicy::getVersion)
                    .max()
                    .orElse(0);
            if (p.getVersion() == 0) {
                p.setVersion(inForce + 1);
            } else if (p.getVersion() <= inForce) {
                throw new Refused(where + "policy " + p.getPolicyId() + " version " + p.getVersion()
                        + " is not above version " + inForce + ", archived and in force at "
                        + java.time.Instant.ofEpochMilli(fromMillis) + " (give a higher one, or 0 for the next)");
            }
            Envelope e = Envelope.newBuilder()
                    .setEventId(SOURCE + "-" + p.getPolicyId() + "-v" + p.getVersion())
                    .setSource(SOURCE)
                    .setEventTime(ProtoTime.fromMillis(fromMillis))
                    .setRiskPolicy(p)
                    .build();
            byte[] value = e.toByteArray();
            Decoded d = decoder.decode(value, false, Topics.POLICIES, -1, n, fromMillis, fromMillis);
            if (d.isDeadLetter()) {
                throw new Refused(where + "refused as the plane would refuse it on " + Topics.POLICIES + ": "
                        + d.deadLetter().reasonCode() + " " + d.deadLetter().detail());
            }
            records.add(
                    new ArchivedRecord(Topics.POLICIES, -1, n, fromMillis, fromMillis, LakeInput.POLICY_KIND, value));
            described.add(p.getPolicyId() + " v" + p.getVersion() + " (in force before: v" + inForce + ")");
        }
        if (records.isEmpty()) {
            throw new Refused(file + ": no policy");
        }
        return new Plan(records, ids, described);
    }

    /** Whether an archived record is a version of a replaced policy that the what-if leaves out. */
    public static boolean replaced(ArchivedRecord r, Plan plan, long fromMillis) {
        if (!LakeInput.POLICY_KIND.equals(r.kind()) || r.eventTimeMillis() < fromMillis || r.partition() < 0) {
            return false;
        }
        RiskPolicy p = policy(r);
        return p != null && plan.policyIds().contains(p.getPolicyId());
    }

    static RiskPolicy policy(ArchivedRecord r) {
        if (r.value() == null) {
            return null;
        }
        try {
            Envelope e = Envelope.parseFrom(r.value());
            return e.hasRiskPolicy() ? e.getRiskPolicy() : null;
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }
}
