package io.riskplane.lake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.riskplane.contract.OutputBounds;
import io.riskplane.ingest.EnvelopeDecoder;
import io.riskplane.ingest.RecordFileFormat;
import io.riskplane.model.Decoded;
import io.riskplane.plane.PlaneInput;
import io.riskplane.plane.PlaneOptions;
import io.riskplane.replay.Replay;
import io.riskplane.sinks.iceberg.IcebergLakehouse;
import io.riskplane.v1.Envelope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.SerializedThrowable;

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
    public record Request(
            LakeInput.Range range, Map<String, String> scope, Path policies, Long policiesFromMillis, Path keepInput) {}

    /** A replay refused because the archive misses records of the range. */
    public static final class IncompleteArchive extends Exception {
        private static final long serialVersionUID = 1L;

        IncompleteArchive(ArchiveContinuity.Report report) {
            this("the archive misses records of this range, so a replay would silently differ from what the plane "
                    + "decided:\n  "
                    + String.join(
                            "\n  ",
                            report.gaps().stream()
                                    .map(ArchiveContinuity.Gap::describe)
                                    .toList()));
        }

        IncompleteArchive(String message) {
            super(message);
        }
    }

    /**
     * What a lake replay read and wrote: the replay's files, the records replayed, the policies from before the range,
     * the records left out (scope, what-if), the notes on partitions whose archive begins or ends in the range, the
     * what-if policies, and the time spent reading the lake and putting it in order.
     */
    public record Outcome(
            Replay.Result result,
            long records,
            long policiesBefore,
            long leftOut,
            List<String> notes,
            List<String> whatIf,
            double readSeconds,
            double orderSeconds) {}

    /** Lake reads at parallelism 2 at least: reading Parquet is the part of a lake replay a file replay has not. */
    static final int MIN_READ_PARALLELISM = 2;

    public static Outcome run(
            IcebergLakehouse lake,
            Request request,
            Path out,
            int parallelism,
            PlaneOptions options,
            Consumer<String> progress)
            throws Exception {
        LakeInput input = new LakeInput(lake);
        LakeInput.Range range = request.range();
        LakeInput.Snapshots snapshots = input.snapshots(range);
        long whatIfFrom = request.policiesFromMillis() != null ? request.policiesFromMillis() : range.fromMillis();
        List<String> whatIfLines = null;
        if (request.policies() != null) {
            whatIfLines = Files.readAllLines(request.policies(), java.nio.charset.StandardCharsets.UTF_8);
            // Refused before anything runs when the plane would refuse one; versions are checked in the job, against
            // the archived ones.
            WhatIfPolicies.read(
                    request.policies().toString(),
                    whatIfLines,
                    whatIfFrom,
                    List.of(),
                    new EnvelopeDecoder(options.maxFutureSkew().toMillis()));
        }
        if (request.keepInput() != null && !RecordFileFormat.isRecordFile(request.keepInput())) {
            throw new IllegalArgumentException(
                    "--keep-input must end in " + RecordFileFormat.EXTENSION + ": " + request.keepInput());
        }
        ArchiveOrder order = new ArchiveOrder(
                lake,
                range,
                snapshots,
                request.scope(),
                request.policies() == null ? null : request.policies().toString(),
                whatIfLines,
                whatIfFrom,
                request.keepInput() == null
                        ? null
                        : request.keepInput().toAbsolutePath().toString(),
                options.maxFutureSkew().toMillis());
        int readParallelism = Math.max(MIN_READ_PARALLELISM, parallelism);
        PlaneInput lakeInput = (env, watermarks) -> {
            DataStream<Decoded> ordered = input.stream(env, range, snapshots, readParallelism)
                    .transform("the lake in the order the plane read it", TypeInformation.of(Decoded.class), order)
                    .setParallelism(1)
                    .setMaxParallelism(1)
                    .uid("lake-order")
                    .assignTimestampsAndWatermarks(watermarks)
                    .setParallelism(1)
                    .name("riskplane input")
                    .uid("input");
            // Each input partition to one subtask of the graph, in order, as a live source reader reads it: the
            // round robin to a wider graph would reorder a partition's orders before the early decisions. (At
            // parallelism 1 the graph's first operator is chained to this one instead.)
            return parallelism == 1
                    ? ordered
                    : ordered.partitionCustom(new ByInputPartition(), d -> d.topic() + "/" + d.partition());
        };
        Replay.Result result;
        try {
            result = Replay.run(
                    lakeInput,
                    "from the lake, " + Instant.ofEpochMilli(range.fromMillis()) + " to "
                            + Instant.ofEpochMilli(range.toMillis()),
                    out,
                    parallelism,
                    options,
                    progress);
        } catch (Exception e) {
            throw refusal(e);
        }
        Map<String, Object> acc = result.accumulators();
        Outcome outcome = new Outcome(
                result,
                count(acc, ArchiveOrder.RECORDS),
                count(acc, ArchiveOrder.POLICIES_BEFORE),
                count(acc, ArchiveOrder.LEFT_OUT),
                list(acc, ArchiveOrder.NOTES),
                list(acc, ArchiveOrder.WHAT_IF),
                count(acc, ArchiveOrder.READ_MS) / 1000.0,
                count(acc, ArchiveOrder.ORDER_MS) / 1000.0);
        outcome.notes().stream().limit(3).forEach(n -> progress.accept("  note: " + n));
        if (outcome.notes().size() > 3) {
            progress.accept("  note: ... and " + (outcome.notes().size() - 3) + " more (" + MANIFEST + ")");
        }
        writeManifest(out.resolve(MANIFEST), request, snapshots, outcome, whatIfFrom);
        return outcome;
    }

    /** An input partition's records all to one channel. */
    static final class ByInputPartition implements org.apache.flink.api.common.functions.Partitioner<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public int partition(String inputPartition, int channels) {
            return Math.floorMod(inputPartition.hashCode(), channels);
        }
    }

    private static long count(Map<String, Object> acc, String name) {
        Object v = acc.get(name);
        return v instanceof Number n ? n.longValue() : 0;
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(Map<String, Object> acc, String name) {
        Object v = acc.get(name);
        return v instanceof List<?> l ? List.copyOf((List<String>) l) : List.of();
    }

    /**
     * The refusal a failed lake replay carries (a gap, a what-if policy refused, both thrown in the job), else the
     * failure as it is.
     */
    private static Exception refusal(Exception failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            Throwable original =
                    t instanceof SerializedThrowable st ? st.deserializeError(LakeReplay.class.getClassLoader()) : t;
            if (original instanceof IncompleteArchive || original instanceof WhatIfPolicies.Refused) {
                return (Exception) original;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return failure;
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
                .filter(e::hasField)
                .findFirst()
                .orElse(null);
        if (payloadField == null || payloadField.getType() != FieldDescriptor.Type.MESSAGE) {
            return true;
        }
        Message payload = (Message) e.getField(payloadField);
        FieldDescriptor scopeField = payload.getDescriptorForType().findFieldByName("scope");
        Message nested = scopeField != null
                        && scopeField.getType() == FieldDescriptor.Type.MESSAGE
                        && payload.hasField(scopeField)
                ? (Message) payload.getField(scopeField)
                : null;
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

    private static void writeManifest(
            Path file, Request request, LakeInput.Snapshots snapshots, Outcome outcome, long whatIfFrom)
            throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("what_if", !outcome.whatIf().isEmpty());
        m.put("source", "lake");
        m.put("from", Instant.ofEpochMilli(request.range().fromMillis()).toString());
        m.put("to", Instant.ofEpochMilli(request.range().toMillis()).toString());
        m.put("scope", request.scope());
        m.put("raw_events_snapshot_id", snapshots.rawEvents());
        m.put("rejected_inputs_snapshot_id", snapshots.rejectedInputs());
        m.put("records", outcome.records());
        m.put("policies_before_range", outcome.policiesBefore());
        m.put("left_out", outcome.leftOut());
        m.put("read_from_envelope_json", snapshots.fromJson());
        m.put("notes", outcome.notes());
        if (!outcome.whatIf().isEmpty()) {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("policies_file", request.policies().toString());
            w.put("policies_sha256", OutputBounds.sha256Hex(Files.readAllBytes(request.policies())));
            w.put("in_force_from", Instant.ofEpochMilli(whatIfFrom).toString());
            w.put("policies", outcome.whatIf());
            m.put("what_if_policies", w);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), m);
    }
}
