package io.riskplane.model.serde;

import static io.riskplane.model.serde.CompactIO.*;

import io.riskplane.model.HaltStateRecord;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** {@link HaltStateRecord}, every field in declaration order. */
public final class HaltStateRecordSerializer extends CompactSerializer<HaltStateRecord> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;

    public static final HaltStateRecordSerializer INSTANCE = new HaltStateRecordSerializer();

    @Override
    public void serialize(HaltStateRecord r, DataOutputView out) throws IOException {
        writeString(out, r.stateId());
        writeString(out, r.scopeKey());
        out.writeLong(r.updatedAtMillis());
        writeBytes(out, r.envelope());
    }

    @Override
    public HaltStateRecord deserialize(DataInputView in) throws IOException {
        return new HaltStateRecord(readString(in), readString(in), in.readLong(), readBytes(in));
    }

    @Override
    public HaltStateRecord createInstance() {
        return new HaltStateRecord("", "", 0, new byte[0]);
    }

    @Override
    public TypeSerializerSnapshot<HaltStateRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<HaltStateRecord> {
        public Snapshot() {
            super(VERSION, INSTANCE);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<HaltStateRecord> {
        public Factory() {
            super(HaltStateRecord.class, INSTANCE);
        }
    }
}
