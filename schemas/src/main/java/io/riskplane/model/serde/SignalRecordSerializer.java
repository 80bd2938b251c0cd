package io.riskplane.model.serde;

import static io.riskplane.model.serde.CompactIO.*;

import io.riskplane.model.SignalRecord;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** {@link SignalRecord}, every field in declaration order. */
public final class SignalRecordSerializer extends CompactSerializer<SignalRecord> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;

    public static final SignalRecordSerializer INSTANCE = new SignalRecordSerializer();

    @Override
    public void serialize(SignalRecord r, DataOutputView out) throws IOException {
        writeString(out, r.eventId());
        out.writeLong(r.eventTimeMillis());
        writeString(out, r.source());
        out.writeLong(r.sequence());
        out.writeLong(r.signalTimeMillis());
        out.writeDouble(r.confidence());
        writeString(out, r.instrument());
        writeString(out, r.strategy());
        writeString(out, r.lane());
    }

    @Override
    public SignalRecord deserialize(DataInputView in) throws IOException {
        return new SignalRecord(
                readString(in),
                in.readLong(),
                readString(in),
                in.readLong(),
                in.readLong(),
                in.readDouble(),
                readString(in),
                readString(in),
                readString(in));
    }

    @Override
    public SignalRecord createInstance() {
        return new SignalRecord("", 0, "", 0, 0, 0, "", "", "");
    }

    @Override
    public TypeSerializerSnapshot<SignalRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<SignalRecord> {
        public Snapshot() {
            super(VERSION, INSTANCE);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<SignalRecord> {
        public Factory() {
            super(SignalRecord.class, INSTANCE);
        }
    }
}
