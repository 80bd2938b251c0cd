package io.riskplane.model.serde;

import static io.riskplane.model.serde.CompactIO.readString;
import static io.riskplane.model.serde.CompactIO.readStringArray;
import static io.riskplane.model.serde.CompactIO.writeString;
import static io.riskplane.model.serde.CompactIO.writeStringArray;

import io.riskplane.model.LaneRunEvaluation;
import io.riskplane.model.LaneRunRecord;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link LaneRunEvaluation}, every field in declaration order (the run in place). An output: it only crosses exchanges,
 * never lives in keyed state, and exchanges are not in savepoints, so there is no POJO state to migrate.
 */
public final class LaneRunEvaluationSerializer extends CompactSerializer<LaneRunEvaluation> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;

    public static final LaneRunEvaluationSerializer INSTANCE = new LaneRunEvaluationSerializer();

    @Override
    public void serialize(LaneRunEvaluation r, DataOutputView out) throws IOException {
        writeString(out, r.evaluationId());
        writeRun(out, r.run());
        out.writeInt(r.failures());
        out.writeInt(r.maxFailures());
        out.writeLong(r.windowMillis());
        out.writeLong(r.windowStartMillis());
        out.writeBoolean(r.entersRollback());
        writeString(out, r.rollbackTarget());
        writeString(out, r.policyId());
        out.writeLong(r.policyVersion());
        writeStringArray(out, r.failedRunEventIds());
    }

    @Override
    public LaneRunEvaluation deserialize(DataInputView in) throws IOException {
        return new LaneRunEvaluation(
                readString(in),
                readRun(in),
                in.readInt(),
                in.readInt(),
                in.readLong(),
                in.readLong(),
                in.readBoolean(),
                readString(in),
                readString(in),
                in.readLong(),
                readStringArray(in));
    }

    /**
     * The LaneRunRecord in place, behind a presence byte: a serializer registered on LaneRunRecord itself would
     * change the evaluator's buffered state (its EventTimeBuffer) too, which this change leaves alone.
     */
    static void writeRun(DataOutputView out, LaneRunRecord run) throws IOException {
        out.writeBoolean(run != null);
        if (run == null) {
            return;
        }
        writeString(out, run.eventId());
        out.writeLong(run.eventTimeMillis());
        writeString(out, run.lane());
        writeString(out, run.runId());
        writeString(out, run.outcome());
        writeString(out, run.policyVersion());
        writeString(out, run.org());
        writeString(out, run.strategy());
        writeStringList(out, run.failedGates());
    }

    static LaneRunRecord readRun(DataInputView in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        return new LaneRunRecord(
                readString(in),
                in.readLong(),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readStringList(in));
    }

    /** Count + items, null distinct from empty; read back as an ArrayList. */
    static void writeStringList(DataOutputView out, java.util.List<String> l) throws IOException {
        writeStringArray(out, l == null ? null : l.toArray(new String[0]));
    }

    static java.util.List<String> readStringList(DataInputView in) throws IOException {
        String[] a = readStringArray(in);
        return a == null ? null : new java.util.ArrayList<>(java.util.Arrays.asList(a));
    }

    @Override
    public LaneRunEvaluation createInstance() {
        return new LaneRunEvaluation("", null, 0, 0, 0, 0, false, "", "", 0, new String[0]);
    }

    @Override
    public TypeSerializerSnapshot<LaneRunEvaluation> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<LaneRunEvaluation> {
        public Snapshot() {
            super(VERSION, INSTANCE);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<LaneRunEvaluation> {
        public Factory() {
            super(LaneRunEvaluation.class, INSTANCE);
        }
    }
}
