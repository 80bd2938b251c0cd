package io.riskplane.lake;

import io.riskplane.ingest.EnvelopeDecoder;
import io.riskplane.ingest.RecordFileFormat;
import io.riskplane.model.Decoded;
import io.riskplane.sinks.iceberg.IcebergLakehouse;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.accumulators.ListAccumulator;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The order a lake replay feeds the plane (one instance): it takes every row the lake's sources read, and when they
 * are all in, checks that the archive holds every offset of the range (ArchiveContinuity; a gap fails the replay
 * before the plane sees a record), adds the refused records that belong to the range, applies the what-if
 * policies and the scope, puts the records in the order the live plane read them (PartitionMerge) and decodes each
 * as the live plane did (its topic, partition, offset and broker timestamp). What it did goes to the job's
 * accumulators ({@link #ACCUMULATORS}), which the replay's replay.json reports.
 */
final class ArchiveOrder extends AbstractStreamOperator<Decoded>
        implements OneInputStreamOperator<ArchivedRecord, Decoded>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    static final String RECORDS = "lake_records";
    static final String POLICIES_BEFORE = "lake_policies_before";
    static final String LEFT_OUT = "lake_left_out";
    static final String NOTES = "lake_notes";
    static final String WHAT_IF = "lake_what_if";
    static final String READ_MS = "lake_read_ms";
    static final String ORDER_MS = "lake_order_ms";
    static final List<String> ACCUMULATORS =
            List.of(RECORDS, POLICIES_BEFORE, LEFT_OUT, NOTES, WHAT_IF, READ_MS, ORDER_MS);

    private final IcebergLakehouse lake;
    private final LakeInput.Range range;
    private final LakeInput.Snapshots snapshots;
    private final Map<String, String> scope;
    private final String whatIfFile;
    private final List<String> whatIfLines;
    private final long whatIfFrom;
    private final String keepInput;
    private final long maxFutureSkewMillis;

    private transient List<ArchivedRecord> inRange;
    private transient List<ArchivedRecord> before;
    private transient long openedNanos;
    private transient LongCounter records;
    private transient LongCounter policiesBefore;
    private transient LongCounter leftOut;
    private transient ListAccumulator<String> notes;
    private transient ListAccumulator<String> whatIf;
    private transient LongCounter readMs;
    private transient LongCounter orderMs;

    ArchiveOrder(
            IcebergLakehouse lake,
            LakeInput.Range range,
            LakeInput.Snapshots snapshots,
            Map<String, String> scope,
            String whatIfFile,
            List<String> whatIfLines,
            long whatIfFrom,
            String keepInput,
            long maxFutureSkewMillis) {
        this.lake = lake;
        this.range = range;
        this.snapshots = snapshots;
        this.scope = Map.copyOf(scope);
        this.whatIfFile = whatIfFile;
        this.whatIfLines = whatIfLines == null ? null : List.copyOf(whatIfLines);
        this.whatIfFrom = whatIfFrom;
        this.keepInput = keepInput;
        this.maxFutureSkewMillis = maxFutureSkewMillis;
    }

    @Override
    public void open() throws Exception {
        super.open();
        inRange = new ArrayList<>();
        before = new ArrayList<>();
        openedNanos = System.nanoTime();
        var ctx = getRuntimeContext();
        ctx.addAccumulator(RECORDS, records = new LongCounter());
        ctx.addAccumulator(POLICIES_BEFORE, policiesBefore = new LongCounter());
        ctx.addAccumulator(LEFT_OUT, leftOut = new LongCounter());
        ctx.addAccumulator(NOTES, notes = new ListAccumulator<>());
        ctx.addAccumulator(WHAT_IF, whatIf = new ListAccumulator<>());
        ctx.addAccumulator(READ_MS, readMs = new LongCounter());
        ctx.addAccumulator(ORDER_MS, orderMs = new LongCounter());
    }

    @Override
    public void processElement(StreamRecord<ArchivedRecord> element) {
        ArchivedRecord r = element.getValue();
        if (r.offset() < 0) {
            return; // a row the read did not ask for (LakeInput.RawRow)
        }
        (range.contains(r.eventTimeMillis()) ? inRange : before).add(r);
    }

    /**
     * Held: the lake's sources end with the final watermark before this operator has sent a record; passed on, it
     * would make every record late. Sent after the records (endInput).
     */
    @Override
    public void processWatermark(Watermark mark) {}

    @Override
    public void endInput() throws Exception {
        long t0 = System.nanoTime();
        readMs.add((t0 - openedNanos) / 1_000_000);
        Map<String, List<ArchivedRecord>> partitions = PartitionMerge.byPartition(inRange);
        if (partitions.isEmpty()) {
            // Not "nothing happened": a day the archive does not hold would replay into no halt at all.
            throw new LakeReplay.IncompleteArchive("the archive holds no event between "
                    + java.time.Instant.ofEpochMilli(range.fromMillis()) + " and "
                    + java.time.Instant.ofEpochMilli(range.toMillis()) + " (not archived, or expired from the lake)");
        }
        LakeOffsets offsets = new LakeOffsets(lake, partitions, snapshots);
        ArchiveContinuity.Report continuity = ArchiveContinuity.check(partitions, offsets);
        if (!continuity.complete()) {
            throw new LakeReplay.IncompleteArchive(continuity);
        }
        continuity.notes().forEach(notes::add);
        for (List<ArchivedRecord> partition : partitions.values()) {
            offsets.refusedWithin(partition).stream()
                    .filter(r -> !ArchivedRecord.NO_RECORD.equals(r.kind())) // a marker: nothing was read there
                    .forEach(inRange::add);
        }

        EnvelopeDecoder decoder = new EnvelopeDecoder(maxFutureSkewMillis);
        List<ArchivedRecord> archivedPolicies = new ArrayList<>(before);
        inRange.stream().filter(r -> LakeInput.POLICY_KIND.equals(r.kind())).forEach(archivedPolicies::add);
        WhatIfPolicies.Plan plan = whatIfLines == null
                ? null
                : WhatIfPolicies.read(whatIfFile, whatIfLines, whatIfFrom, archivedPolicies, decoder);
        List<ArchivedRecord> kept = new ArrayList<>(before.size() + inRange.size());
        for (List<ArchivedRecord> part : List.of(before, inRange)) {
            for (ArchivedRecord r : part) {
                if ((plan != null && WhatIfPolicies.replaced(r, plan, whatIfFrom)) || !LakeReplay.inScope(r, scope)) {
                    leftOut.add(1L);
                } else {
                    kept.add(r);
                }
            }
        }
        if (plan != null) {
            kept.addAll(plan.records());
            plan.described().forEach(whatIf::add);
        }
        policiesBefore.add((long) before.size());
        inRange = null;
        before = null;
        List<ArchivedRecord> ordered = PartitionMerge.merge(PartitionMerge.byPartition(kept));
        records.add((long) ordered.size());
        if (keepInput != null) {
            try (DataOutputStream w = new DataOutputStream(
                    new BufferedOutputStream(Files.newOutputStream(Path.of(keepInput)), 1 << 16))) {
                RecordFileFormat.writeHeader(w);
                for (ArchivedRecord r : ordered) {
                    RecordFileFormat.write(w, r.topic(), r.partition(), r.offset(), r.timestampMillis(), r.value());
                }
            }
        }
        orderMs.add((System.nanoTime() - t0) / 1_000_000);
        StreamRecord<Decoded> reuse = new StreamRecord<>(null);
        for (int i = 0; i < ordered.size(); i++) {
            ArchivedRecord r = ordered.get(i);
            ordered.set(i, null); // let the decoded ones go as they are sent
            output.collect(reuse.replace(RecordFileFormat.decode(
                    decoder, r.topic(), r.partition(), r.offset(), r.timestampMillis(), r.value())));
        }
        output.emitWatermark(Watermark.MAX_WATERMARK);
    }
}
