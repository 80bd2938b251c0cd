package io.riskplane.archive;

import io.riskplane.contract.DeterministicId;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.Decoded;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.util.Collector;

/**
 * The offsets of an input partition that hold no record the consumer could read: a transaction's commit marker,
 * the records of an aborted transaction, a record compacted away. A read_committed consumer (the live plane's as the
 * archive's) passes over them, so they are no loss; the archive records each as a rejected_inputs row with reason
 * {@value #NO_RECORD} and no value, so that a replay from the lake finds every offset accounted for and does not
 * refuse the range as a gap (io.riskplane.lake.ArchiveContinuity). Chained to the archive's source: each partition is
 * read by one source reader, in offset order. The last offset of each partition is kept in union operator state, so
 * that the first record after a restore, or after a partition moved to another reader, is compared too.
 */
public final class SkippedOffsets extends RichFlatMapFunction<Decoded, Decoded> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    /** reason_code of an offset without a record. */
    public static final String NO_RECORD = "NO_RECORD";
    /**
     * More offsets than this passed over at once are not recorded: a jump that long is no marker (an aborted
     * transaction that large, or records removed from the topic before the archive read them), and the gap check
     * then sees a hole and refuses the range.
     */
    static final long MAX_ROWS_PER_SKIP = 10_000;

    private transient Map<String, Long> lastOffsets;
    private transient ListState<Tuple2<String, Long>> state;

    /** The previous record's partition and its key: records come in runs of one partition (a fetch's batch). */
    private transient String previousTopic;

    private transient int previousPartition;
    private transient String previousKey;

    @Override
    public void flatMap(Decoded d, Collector<Decoded> out) {
        if (previousKey == null
                || d.partition() != previousPartition
                || !d.topic().equals(previousTopic)) {
            previousTopic = d.topic();
            previousPartition = d.partition();
            previousKey = d.topic() + "/" + d.partition();
        }
        String partition = previousKey;
        Long last = lastOffsets.get(partition);
        if (last != null && d.offset() > last + 1) {
            long skipped = d.offset() - last - 1;
            if (skipped <= MAX_ROWS_PER_SKIP) {
                for (long o = last + 1; o < d.offset(); o++) {
                    out.collect(noRecord(d, o));
                }
            }
        }
        if (last == null || d.offset() > last) {
            lastOffsets.put(partition, d.offset());
        }
        out.collect(d);
    }

    /** A row for one offset without a record, stamped with the broker timestamp of the record after it. */
    static Decoded noRecord(Decoded next, long offset) {
        String id = DeterministicId.ofBytes("dl-", new byte[0], next.topic(), next.partition(), offset, NO_RECORD);
        DeadLetterRecord dl = new DeadLetterRecord(
                id,
                NO_RECORD,
                "offset " + offset + " holds no record the "
                        + "consumer could read (a transaction marker, an aborted or a compacted record)",
                null,
                next.topic(),
                next.partition(),
                offset,
                "",
                next.ingestMillis());
        return new Decoded(
                Decoded.DEAD_LETTER_KIND,
                id,
                "",
                next.ingestMillis(),
                next.topic(),
                next.partition(),
                offset,
                next.ingestMillis(),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                dl);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        state.clear();
        for (Map.Entry<String, Long> e : lastOffsets.entrySet()) {
            state.add(Tuple2.of(e.getKey(), e.getValue()));
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        state = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>("last-offsets", Types.TUPLE(Types.STRING, Types.LONG)));
        lastOffsets = new HashMap<>();
        // Union state: every reader gets every partition's last offset back, whichever partitions it now reads.
        for (Tuple2<String, Long> e : state.get()) {
            lastOffsets.merge(e.f0, e.f1, Math::max);
        }
    }
}
