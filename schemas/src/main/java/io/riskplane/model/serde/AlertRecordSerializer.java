package io.riskplane.model.serde;

import static io.riskplane.model.serde.CompactIO.readBytes;
import static io.riskplane.model.serde.CompactIO.readString;
import static io.riskplane.model.serde.CompactIO.writeBytes;
import static io.riskplane.model.serde.CompactIO.writeString;

import io.riskplane.model.AlertRecord;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link AlertRecord}, every field in declaration order. An output: it only crosses exchanges, never lives in keyed
 * state, and exchanges are not in savepoints, so there is no POJO state to migrate.
 */
public final class AlertRecordSerializer extends CompactSerializer<AlertRecord> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;

    public static final AlertRecordSerializer INSTANCE = new AlertRecordSerializer();

    @Override
    public void serialize(AlertRecord r, DataOutputView out) throws IOException {
        writeString(out, r.alertId());
        writeString(out, r.controlId());
        writeString(out, r.scopeKey());
        out.writeLong(r.raisedAtMillis());
        writeString(out, r.ruleId());
        writeString(out, r.severity());
        writeBytes(out, r.envelope());
    }

    @Override
    public AlertRecord deserialize(DataInputView in) throws IOException {
        return new AlertRecord(
                readString(in),
                readString(in),
                readString(in),
                in.readLong(),
                readString(in),
                readString(in),
                readBytes(in));
    }

    @Override
    public AlertRecord createInstance() {
        return new AlertRecord("", "", "", 0, "", "", new byte[0]);
    }

    @Override
    public TypeSerializerSnapshot<AlertRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<AlertRecord> {
        public Snapshot() {
            super(VERSION, INSTANCE);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<AlertRecord> {
        public Factory() {
            super(AlertRecord.class, INSTANCE);
        }
    }
}
