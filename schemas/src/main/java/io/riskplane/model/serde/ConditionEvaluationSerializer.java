package io.riskplane.model.serde;

import static io.riskplane.model.serde.CompactIO.readString;
import static io.riskplane.model.serde.CompactIO.readStringArray;
import static io.riskplane.model.serde.CompactIO.writeString;
import static io.riskplane.model.serde.CompactIO.writeStringArray;

import io.riskplane.model.ConditionEvaluation;
import io.riskplane.model.ConditionSample;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link ConditionEvaluation}, every field in declaration order (the sample in place). An output: it only crosses
 * exchanges, never lives in keyed state, and exchanges are not in savepoints, so there is no POJO state to migrate.
 */
public final class ConditionEvaluationSerializer extends CompactSerializer<ConditionEvaluation> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;

    public static final ConditionEvaluationSerializer INSTANCE = new ConditionEvaluationSerializer();

    @Override
    public void serialize(ConditionEvaluation r, DataOutputView out) throws IOException {
        writeString(out, r.evaluationId());
        writeSample(out, r.sample());
        writeString(out, r.status());
        writeString(out, r.limitName());
        out.writeDouble(r.limit());
        writeString(out, r.durationName());
        out.writeLong(r.durationMillis());
        out.writeLong(r.minSamples());
        out.writeLong(r.breachSinceMillis());
        out.writeBoolean(r.triggered());
        out.writeBoolean(r.entersTrigger());
        writeString(out, r.policyId());
        out.writeLong(r.policyVersion());
        writeStringArray(out, r.runSampleIds());
    }

    @Override
    public ConditionEvaluation deserialize(DataInputView in) throws IOException {
        return new ConditionEvaluation(
                readString(in),
                readSample(in),
                readString(in),
                readString(in),
                in.readDouble(),
                readString(in),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readBoolean(),
                in.readBoolean(),
                readString(in),
                in.readLong(),
                readStringArray(in));
    }

    /**
     * The ConditionSample in place, behind a presence byte: a serializer registered on ConditionSample itself would
     * change the evaluator's buffered state (its EventTimeBuffer) too, which this change leaves alone.
     */
    static void writeSample(DataOutputView out, ConditionSample s) throws IOException {
        out.writeBoolean(s != null);
        if (s == null) {
            return;
        }
        writeString(out, s.sampleId());
        writeString(out, s.condition());
        writeString(out, s.org());
        writeString(out, s.strategy());
        writeString(out, s.adapter());
        writeString(out, s.lane());
        writeString(out, s.source());
        out.writeLong(s.atMillis());
        out.writeLong(s.windowStartMillis());
        out.writeDouble(s.value());
        out.writeLong(s.samples());
        writeString(out, s.detail());
        writeStringArray(out, s.triggerEventIds());
    }

    static ConditionSample readSample(DataInputView in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        return new ConditionSample(
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                in.readLong(),
                in.readLong(),
                in.readDouble(),
                in.readLong(),
                readString(in),
                readStringArray(in));
    }

    @Override
    public ConditionEvaluation createInstance() {
        return new ConditionEvaluation("", null, "", "", 0, "", 0, 0, 0, false, false, "", 0, new String[0]);
    }

    @Override
    public TypeSerializerSnapshot<ConditionEvaluation> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<ConditionEvaluation> {
        public Snapshot() {
            super(VERSION, INSTANCE);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<ConditionEvaluation> {
        public Factory() {
            super(ConditionEvaluation.class, INSTANCE);
        }
    }
}
