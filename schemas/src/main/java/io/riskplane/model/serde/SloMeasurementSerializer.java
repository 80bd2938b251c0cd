package io.riskplane.model.serde;

import static io.riskplane.model.serde.CompactIO.*;

import io.riskplane.model.SloMeasurement;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** {@link SloMeasurement}, every field in declaration order (the scope key is rebuilt, not written). */
public final class SloMeasurementSerializer extends CompactSerializer<SloMeasurement> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;

    public static final SloMeasurementSerializer INSTANCE = new SloMeasurementSerializer();

    @Override
    public void serialize(SloMeasurement r, DataOutputView out) throws IOException {
        writeString(out, r.measurementId());
        writeString(out, r.slo());
        writeString(out, r.scopeType());
        writeString(out, r.venue());
        writeString(out, r.instrument());
        writeString(out, r.adapter());
        out.writeLong(r.measuredAtMillis());
        out.writeLong(r.windowStartMillis());
        writeNullableDouble(out, r.value());
        out.writeLong(r.samples());
        writeDoubleMap(out, r.values());
        writeStringArray(out, r.triggerEventIds());
    }

    @Override
    public SloMeasurement deserialize(DataInputView in) throws IOException {
        return new SloMeasurement(
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                in.readLong(),
                in.readLong(),
                readNullableDouble(in),
                in.readLong(),
                readDoubleMap(in),
                readStringArray(in));
    }

    @Override
    public SloMeasurement createInstance() {
        return new SloMeasurement("", "", "", "", "", "", 0, 0, null, 0, new java.util.HashMap<>(), new String[0]);
    }

    @Override
    public TypeSerializerSnapshot<SloMeasurement> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<SloMeasurement> {
        public Snapshot() {
            super(VERSION, INSTANCE);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<SloMeasurement> {
        public Factory() {
            super(SloMeasurement.class, INSTANCE);
        }
    }
}
