package io.riskplane.model.serde;

import static io.riskplane.model.serde.CompactIO.readDoubleMap;
import static io.riskplane.model.serde.CompactIO.readString;
import static io.riskplane.model.serde.CompactIO.readStringArray;
import static io.riskplane.model.serde.CompactIO.writeDoubleMap;
import static io.riskplane.model.serde.CompactIO.writeString;
import static io.riskplane.model.serde.CompactIO.writeStringArray;

import io.riskplane.model.SloEvaluation;
import io.riskplane.model.SloMeasurement;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link SloEvaluation}, every field in declaration order (the measurement with its own serializer). An output: it only
 * crosses exchanges, never lives in keyed state, and exchanges are not in savepoints, so there is no POJO state to
 * migrate.
 */
public final class SloEvaluationSerializer extends CompactSerializer<SloEvaluation> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;

    public static final SloEvaluationSerializer INSTANCE = new SloEvaluationSerializer();

    @Override
    public void serialize(SloEvaluation r, DataOutputView out) throws IOException {
        writeString(out, r.evaluationId());
        writeMeasurement(out, r.measurement());
        writeString(out, r.status());
        writeString(out, r.thresholdName());
        out.writeDouble(r.threshold());
        out.writeInt(r.breachStreak());
        out.writeInt(r.healthyStreak());
        out.writeBoolean(r.halted());
        out.writeBoolean(r.entersHalt());
        out.writeBoolean(r.entersResume());
        writeString(out, r.policyId());
        out.writeLong(r.policyVersion());
        out.writeInt(r.confirmEvaluations());
        out.writeInt(r.resumeEvaluations());
        out.writeBoolean(r.autoResume());
        writeDoubleMap(out, r.derived());
        writeStringArray(out, r.streakMeasurementIds());
        writeString(out, r.storeReason());
    }

    @Override
    public SloEvaluation deserialize(DataInputView in) throws IOException {
        return new SloEvaluation(
                readString(in),
                readMeasurement(in),
                readString(in),
                readString(in),
                in.readDouble(),
                in.readInt(),
                in.readInt(),
                in.readBoolean(),
                in.readBoolean(),
                in.readBoolean(),
                readString(in),
                in.readLong(),
                in.readInt(),
                in.readInt(),
                in.readBoolean(),
                readDoubleMap(in),
                readStringArray(in),
                readString(in));
    }

    /** The measurement with its own compact serializer, behind a presence byte. */
    static void writeMeasurement(DataOutputView out, SloMeasurement m) throws IOException {
        out.writeBoolean(m != null);
        if (m != null) {
            SloMeasurementSerializer.INSTANCE.serialize(m, out);
        }
    }

    static SloMeasurement readMeasurement(DataInputView in) throws IOException {
        return in.readBoolean() ? SloMeasurementSerializer.INSTANCE.deserialize(in) : null;
    }

    @Override
    public SloEvaluation createInstance() {
        return new SloEvaluation(
                "", null, "", "", 0, 0, 0, false, false, false, "", 0, 0, 0, false, null, new String[0], "");
    }

    @Override
    public TypeSerializerSnapshot<SloEvaluation> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<SloEvaluation> {
        public Snapshot() {
            super(VERSION, INSTANCE);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<SloEvaluation> {
        public Factory() {
            super(SloEvaluation.class, INSTANCE);
        }
    }
}
