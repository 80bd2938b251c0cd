package io.riskplane.lake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.riskplane.ingest.EnvelopeDecoder;
import io.riskplane.ingest.RecordFileFormat;
import io.riskplane.plane.LocalFlink;
import io.riskplane.plane.PlaneConfig;
import io.riskplane.plane.PlaneOptions;
import io.riskplane.plane.PlaneRuntime;
import io.riskplane.plane.Replay;
import io.riskplane.sinks.iceberg.IcebergLakehouse;
import io.riskplane.v1.Envelope;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * `riskplane replay --from-lake`: a range of the archive (LakeInput), checked for gaps (ArchiveContinuity), put in
 * the order the live plane read it (PartitionMerge), narrowed to a scope and given what-if policies when asked, then
 * run through the same job graph as any replay, each record decoded as the live plane decoded it (RecordFileFormat).
 * The output directory gets {@value #MANIFEST} beside the replay's files: what was read, from which snapshots, and
 * whether it is a what-if.
 */
public final class LakeReplay {
    /** The file that says what a lake replay read and whether it is a what-if. */
    public static final String MANIFEST = "replay.json";
    /** Scope fields a replay may be narrowed to. */
    public static final List<String> SCOPE_FIELDS = List.of("org", "strategy", "instrument", "venue");

    private LakeReplay() {}

    /**
     * @param scope field (SCOPE_FIELDS) to value: an event that names another value in one of them is left out; one
     *     that names none (a quote has no strategy), or "" or "*" (a policy's org-wide or default scope), is kept
     * @param policies what-if policies (WhatIfPolicies), or null
     * @param policiesFromMillis when they take force (null: the range's start)
     * @param keepInput where to keep the records replayed (a .records file), or null
     */
    public record Request(LakeInput.Range range, Map<String, String> scope, Path policies, Long policiesFromMillis,
            Path keepInput) {}

    /** A replay refused because the archive misses records of the range. */
    public static final class IncompleteArchive extends Exception {
        private static final long serialVersionUID = 1L;
        public final transient ArchiveContinuity.Report report;

        IncompleteArchive(ArchiveContinuity.Report report) {
            super("the archive misses records of this range, so a replay would silently differ from what the plane "
                    + "decided:\n  " + String.join("\n  ", report.gaps().stream().map(ArchiveContinuity.Gap::describe)
                    .toList()));
            this.report = report;
        }
    }

    /** What a lake replay read and wrote. */
    public record Outcome(Replay.Result result, long records, long policiesBefore, long leftOutByScope,
            ArchiveContinuity.Report continuity, WhatIfPolicies.Plan whatIf, double readSeconds) {}

    public static Outcome run(IcebergLakehouse lake, Request request, Path out, int parallelism, PlaneOptions options,
            Consumer<String> progress) throws Exception {
        long t0 = System.nanoTime();
        LakeInput input = new LakeInput(lake);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (env instanceof org.apache.flink.streaming.api.environment.LocalStreamEnvironment) {
            env = LocalFlink.environment(PlaneRuntime.localExposure(new org.apache.flink.configuration.Configuration(),
                    new PlaneConfig.Flink(null, null, null, null, null, null, null), false));
        }
        env.setParallelism(parallelism);
        LakeInput.Read read = input.read(env, request.range());
        Map<String, List<ArchivedRecord>> partitions = PartitionMerge.byPartition(read.inRange());
        ArchiveContinuity.Report continuity = ArchiveContinuity.check(partitions, input.offsetIndex());
        if (!continuity.complete()) {
            throw new IncompleteArchive(continuity);
        }
        continuity.notes().stream().limit(3).forEach(n -> progress.accept("  note: " + n));
        if (continuity.notes().size() > 3) {
            progress.accept("  note: ... and " + (continuity.notes().size() - 3) + " more (" + MANIFEST + ")");
        }

        EnvelopeDecoder decoder = new EnvelopeDecoder(options.maxFutureSkew().toMillis());
        long whatIfFrom = request.policiesFromMillis() != null ? request.policiesFromMillis()
                : request.range().fromMillis();
        List<ArchivedRecord> archivedPolicies = new ArrayList<>(read.policiesBefore());
        read.inRange().stream().filter(r -> LakeInput.POLICY_KIND.equals(r.kind())).forEach(archivedPolicies::add);
        WhatIfPolicies.Plan whatIf = request.policies() == null ? null
                : WhatIfPolicies.read(request.policies(), whatIfFrom, archivedPolicies, decoder);

        List<ArchivedRecord> all = new ArrayList<>(read.policiesBefore().size() + read.inRange().size());
        all.addAll(read.policiesBefore());
        all.addAll(read.inRange());
        long leftOut = 0;
        List<ArchivedRecord> kept = new ArrayList<>(all.size());
        for (ArchivedRecord r : all) {
            if ((whatIf != null && WhatIfPolicies.replaced(r, whatIf, whatIfFrom))
                    || !inScope(r, request.scope())) {
                leftOut++;
            } else {
                kept.add(r);
            }
        }
        if (whatIf != null) {
            kept.addAll(whatIf.records());
        }
        List<ArchivedRecord> ordered = PartitionMerge.merge(PartitionMerge.byPartition(kept));

        Files.createDirectories(out);
        Path file = request.keepInput() != null ? request.keepInput()
                : Files.createTempFile(out, "lake-input-", RecordFileFormat.EXTENSION); // not hidden: FileSource skips those
        if (!RecordFileFormat.isRecordFile(file)) {
            throw new IllegalArgumentException("--keep-input must end in " + RecordFileFormat.EXTENSION + ": " + file);
        }
        try (DataOutputStream w = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file),
                1 << 16))) {
            RecordFileFormat.writeHeader(w);
            for (ArchivedRecord r : ordered) {
                RecordFileFormat.write(w, r.topic(), r.partition(), r.offset(), r.timestampMillis(), r.value());
            }
        }
        double readSeconds = (System.nanoTime() - t0) / 1e9;
        progress.accept(String.format("  %,d records read from the lake in %.1f s (%,d policies from before the range"
                + "%s)", ordered.size(), readSeconds, read.policiesBefore().size(),
                leftOut > 0 ? ", " + leftOut + " left out" : ""));
        Replay.Result result;
        try {
            result = Replay.run(file, out, parallelism, options, progress);
        } finally {
            if (request.keepInput() == null) {
                Files.deleteIfExists(file);
            }
        }
        Outcome outcome = new Outcome(result, ordered.size(), read.policiesBefore().size(), leftOut, continuity,
                whatIf, readSeconds);
        writeManifest(out.resolve(MANIFEST), request, read, outcome);
        return outcome;
    }

    /** Whether a record stays in a replay narrowed to {@code scope} (see Request). */
    static boolean inScope(ArchivedRecord r, Map<String, String> scope) {
        if (scope.isEmpty() || r.rejected() || r.value() == null) {
            return true;
        }
        Envelope e;
        try {
            e = Envelope.parseFrom(r.value());
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
            return true;
        }
        FieldDescriptor payloadField = e.getDescriptorForType().getOneofs().get(0).getFields().stream()
                .filter(e::hasField).findFirst().orElse(null);
        if (payloadField == null || payloadField.getType() != FieldDescriptor.Type.MESSAGE) {
            return true;
        }
        Message payload = (Message) e.getField(payloadField);
        FieldDescriptor scopeField = payload.getDescriptorForType().findFieldByName("scope");
        Message nested = scopeField != null && scopeField.getType() == FieldDescriptor.Type.MESSAGE
                && payload.hasField(scopeField) ? (Message) payload.getField(scopeField) : null;
        for (Map.Entry<String, String> want : scope.entrySet()) {
            String have = field(payload, want.getKey());
            if (have == null && nested != null) {
                have = field(nested, want.getKey());
            }
            if (have != null && !have.isEmpty() && !"*".equals(have) && !have.equals(want.getValue())) {
                return false;
            }
        }
        return true;
    }

    private static String field(Message m, String name) {
        FieldDescriptor f = m.getDescriptorForType().findFieldByName(name);
        return f == null || f.getType() != FieldDescriptor.Type.STRING ? null : (String) m.getField(f);
    }

    private static void writeManifest(Path file, Request request, LakeInput.Read read, Outcome outcome)
            throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("what_if", outcome.whatIf() != null);
        m.put("source", "lake");
        m.put("from", Instant.ofEpochMilli(request.range().fromMillis()).toString());
        m.put("to", Instant.ofEpochMilli(request.range().toMillis()).toString());
        m.put("scope", request.scope());
        m.put("raw_events_snapshot_id", read.rawSnapshotId());
        m.put("rejected_inputs_snapshot_id", read.rejectedSnapshotId());
        m.put("records", outcome.records());
        m.put("policies_before_range", outcome.policiesBefore());
        m.put("left_out", outcome.leftOutByScope());
        m.put("read_from_envelope_json", read.fromJson());
        m.put("notes", outcome.continuity().notes());
        if (outcome.whatIf() != null) {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("policies_file", request.policies().toString());
            w.put("policies_sha256", sha256(request.policies()));
            w.put("in_force_from", Instant.ofEpochMilli(request.policiesFromMillis() != null
                    ? request.policiesFromMillis() : request.range().fromMillis()).toString());
            w.put("policies", outcome.whatIf().described());
            m.put("what_if_policies", w);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), m);
    }

    private static String sha256(Path file) throws IOException {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
