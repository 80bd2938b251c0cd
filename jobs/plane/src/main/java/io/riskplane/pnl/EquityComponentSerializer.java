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

/**
 * {@link EquityComponent}, every field in declaration order (the scope key is rebuilt, not written). Version 2 added
 * {@code fromFill}; version 1 state reads back with it false.
 */
public final class EquityComponentSerializer extends CompactSerializer<EquityComponent> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 2;

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
        out.writeBoolean(c.fromFill());
    }

    @Override
    public EquityComponent deserialize(DataInputView in) throws IOException {
        return new EquityComponent(
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                in.readLong(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                readStringArray(in),
                in.readBoolean());
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

        @Override
        protected org.apache.flink.api.common.typeutils.TypeSerializer<EquityComponent> readerFor(int oldVersion) {
            return oldVersion == 1 ? V1.READER : null;
        }
    }

    /** Reads version 1 (no fromFill): state restored from before version 2 is migrated through it. */
    static final class V1 extends CompactSerializer<EquityComponent> {
        private static final long serialVersionUID = 1L;
        static final V1 READER = new V1();

        @Override
        public void serialize(EquityComponent c, DataOutputView out) {
            throw new UnsupportedOperationException("version 1 is only read");
        }

        @Override
        public EquityComponent deserialize(DataInputView in) throws IOException {
            return new EquityComponent(
                    readString(in),
                    readString(in),
                    readString(in),
                    readString(in),
                    in.readLong(),
                    in.readDouble(),
                    in.readDouble(),
                    in.readDouble(),
                    readStringArray(in));
        }

        @Override
        public EquityComponent createInstance() {
            return INSTANCE.createInstance();
        }

        @Override
        public TypeSerializerSnapshot<EquityComponent> snapshotConfiguration() {
            return new Snapshot();
        }

        private Object readResolve() {
            return READER;
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<EquityComponent> {
        public Factory() {
            super(EquityComponent.class, INSTANCE);
        }
    }
}
