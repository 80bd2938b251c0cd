package io.riskplane.pnl;

import static io.riskplane.model.serde.CompactIO.readString;
import static io.riskplane.model.serde.CompactIO.readStringArray;
import static io.riskplane.model.serde.CompactIO.writeString;
import static io.riskplane.model.serde.CompactIO.writeStringArray;

import io.riskplane.model.serde.CompactSerializer;
import io.riskplane.model.serde.CompactSnapshot;
import io.riskplane.model.serde.CompactTypeInfo;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** {@link EquityComponent}, every field in declaration order (the scope key is rebuilt, not written). */
public final class EquityComponentSerializer extends CompactSerializer<EquityComponent> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;
    public static final EquityComponentSerializer INSTANCE = new EquityComponentSerializer();

    @Override
    public void serialize(EquityComponent c, DataOutputView out) throws IOException {
        writeString(out, c.scopeType());
        writeString(out, c.org());
        writeString(out, c.strategy());
        writeString(out, c.componentId());
        out.writeLong(c.eventTimeMillis());
        out.writeDouble(c.realizedNet());
        out.writeDouble(c.fees());
        out.writeDouble(c.unrealized());
        writeStringArray(out, c.triggerEventIds());
    }

    @Override
    public EquityComponent deserialize(DataInputView in) throws IOException {
        return new EquityComponent(readString(in), readString(in), readString(in), readString(in), in.readLong(),
                in.readDouble(), in.readDouble(), in.readDouble(), readStringArray(in));
    }

    @Override
    public EquityComponent createInstance() {
        return new EquityComponent("", "", "", "", 0, 0, 0, 0, new String[0]);
    }

    @Override
    public TypeSerializerSnapshot<EquityComponent> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<EquityComponent> {
        public Snapshot() {
            super(VERSION, INSTANCE);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<EquityComponent> {
        public Factory() {
            super(EquityComponent.class, INSTANCE);
        }
    }
}
