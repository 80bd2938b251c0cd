package io.riskplane.model.serde;

import static io.riskplane.model.serde.CompactIO.*;

import io.riskplane.model.OperatorDirective;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** {@link OperatorDirective}, every field in declaration order. Kept in the PnL hosts' broadcast state. */
public final class OperatorDirectiveSerializer extends CompactSerializer<OperatorDirective> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;

    public static final OperatorDirectiveSerializer INSTANCE = new OperatorDirectiveSerializer();

    @Override
    public void serialize(OperatorDirective r, DataOutputView out) throws IOException {
        writeString(out, r.commandId());
        out.writeBoolean(r.halt());
        writeString(out, r.org());
        writeString(out, r.strategy());
        writeString(out, r.instrument());
        writeString(out, r.venue());
        writeString(out, r.adapter());
        writeString(out, r.lane());
        writeString(out, r.liftsRule());
        out.writeLong(r.eventTimeMillis());
    }

    @Override
    public OperatorDirective deserialize(DataInputView in) throws IOException {
        return new OperatorDirective(
                readString(in),
                in.readBoolean(),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                in.readLong());
    }

    @Override
    public OperatorDirective createInstance() {
        return new OperatorDirective("", false, "", "", "", "", "", "", "", 0);
    }

    @Override
    public TypeSerializerSnapshot<OperatorDirective> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<OperatorDirective> {
        public Snapshot() {
            super(VERSION, INSTANCE);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<OperatorDirective> {
        public Factory() {
            super(OperatorDirective.class, INSTANCE);
        }
    }
}
