package io.riskplane.model.serde;

import static io.riskplane.model.serde.CompactIO.*;

import io.riskplane.model.ControlRecord;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** {@link ControlRecord}, every field in declaration order. */
public final class ControlRecordSerializer extends CompactSerializer<ControlRecord> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;

    public static final ControlRecordSerializer INSTANCE = new ControlRecordSerializer();

    @Override
    public void serialize(ControlRecord r, DataOutputView out) throws IOException {
        writeString(out, r.controlId());
        writeString(out, r.scopeKey());
        out.writeLong(r.decidedAtMillis());
        writeString(out, r.ruleId());
        writeBytes(out, r.envelope());
    }

    @Override
    public ControlRecord deserialize(DataInputView in) throws IOException {
        return new ControlRecord(readString(in), readString(in), in.readLong(), readString(in), readBytes(in));
    }

    @Override
    public ControlRecord createInstance() {
        return new ControlRecord("", "", 0, "", new byte[0]);
    }

    @Override
    public TypeSerializerSnapshot<ControlRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<ControlRecord> {
        public Snapshot() {
            super(VERSION, INSTANCE);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<ControlRecord> {
        public Factory() {
            super(ControlRecord.class, INSTANCE);
        }
    }
}
