package io.riskplane.model.serde;

import static io.riskplane.model.serde.CompactIO.readBytes;
import static io.riskplane.model.serde.CompactIO.readString;
import static io.riskplane.model.serde.CompactIO.writeBytes;
import static io.riskplane.model.serde.CompactIO.writeString;

import io.riskplane.model.DeadLetterRecord;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link DeadLetterRecord}, every field in declaration order. Read back through the canonical constructor, as
 * Flink's POJO serializer did: its bounds are already met, so it changes nothing. An output: it only crosses
 * exchanges, never lives in keyed state, and exchanges are not in savepoints, so there is no POJO state to migrate.
 */
public final class DeadLetterRecordSerializer extends CompactSerializer<DeadLetterRecord> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;

    public static final DeadLetterRecordSerializer INSTANCE = new DeadLetterRecordSerializer();

    @Override
    public void serialize(DeadLetterRecord r, DataOutputView out) throws IOException {
        writeString(out, r.id());
        writeString(out, r.reasonCode());
        writeString(out, r.detail());
        writeBytes(out, r.original());
        writeString(out, r.sourceTopic());
        out.writeInt(r.sourcePartition());
        out.writeLong(r.sourceOffset());
        writeString(out, r.originalEventId());
        out.writeLong(r.observedMillis());
    }

    @Override
    public DeadLetterRecord deserialize(DataInputView in) throws IOException {
        return new DeadLetterRecord(
                readString(in),
                readString(in),
                readString(in),
                readBytes(in),
                readString(in),
                in.readInt(),
                in.readLong(),
                readString(in),
                in.readLong());
    }

    @Override
    public DeadLetterRecord createInstance() {
        return new DeadLetterRecord("", "", "", new byte[0], "", 0, 0, "", 0);
    }

    @Override
    public TypeSerializerSnapshot<DeadLetterRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<DeadLetterRecord> {
        public Snapshot() {
            super(VERSION, INSTANCE);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<DeadLetterRecord> {
        public Factory() {
            super(DeadLetterRecord.class, INSTANCE);
        }
    }
}
