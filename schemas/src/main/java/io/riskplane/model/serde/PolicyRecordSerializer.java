package io.riskplane.model.serde;

import static io.riskplane.model.serde.CompactIO.*;

import io.riskplane.model.PolicyRecord;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** {@link PolicyRecord}, every field in declaration order. */
public final class PolicyRecordSerializer extends CompactSerializer<PolicyRecord> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;

    public static final PolicyRecordSerializer INSTANCE = new PolicyRecordSerializer();

    @Override
    public void serialize(PolicyRecord r, DataOutputView out) throws IOException {
        writeString(out, r.policyId());
        out.writeLong(r.version());
        writeString(out, r.org());
        writeString(out, r.strategy());
        writeString(out, r.venue());
        writeString(out, r.adapter());
        writeString(out, r.lane());
        writeString(out, r.currency());
        out.writeDouble(r.maxDrawdown());
        out.writeDouble(r.maxDrawdownFraction());
        out.writeDouble(r.maxDailyLoss());
        out.writeDouble(r.capitalBase());
        out.writeBoolean(r.autoResume());
        out.writeLong(r.effectiveMillis());
        writeString(out, r.eventId());
        writeDoubleMap(out, r.thresholds());
    }

    @Override
    public PolicyRecord deserialize(DataInputView in) throws IOException {
        return new PolicyRecord(
                readString(in),
                in.readLong(),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readBoolean(),
                in.readLong(),
                readString(in),
                readDoubleMap(in));
    }

    @Override
    public PolicyRecord createInstance() {
        return new PolicyRecord("", 0, "", "", "", "", "", "", 0, 0, 0, 0, false, 0, "", new java.util.HashMap<>());
    }

    @Override
    public TypeSerializerSnapshot<PolicyRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<PolicyRecord> {
        public Snapshot() {
            super(VERSION, INSTANCE);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<PolicyRecord> {
        public Factory() {
            super(PolicyRecord.class, INSTANCE);
        }
    }
}
