package io.riskplane.guardrails;

import static io.riskplane.model.serde.CompactIO.*;

import io.riskplane.model.serde.CompactSerializer;
import io.riskplane.model.serde.CompactSnapshot;
import io.riskplane.model.serde.CompactTypeInfo;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** {@link GuardrailInput}, every field in declaration order (the scope key is rebuilt, not written). */
public final class GuardrailInputSerializer extends CompactSerializer<GuardrailInput> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;

    public static final GuardrailInputSerializer INSTANCE = new GuardrailInputSerializer();

    @Override
    public void serialize(GuardrailInput r, DataOutputView out) throws IOException {
        writeString(out, r.kind());
        writeString(out, r.level());
        writeString(out, r.org());
        writeString(out, r.strategy());
        writeString(out, r.instrument());
        writeString(out, r.eventId());
        out.writeLong(r.atMillis());
        out.writeDouble(r.spreadCrossBps());
        out.writeDouble(r.adverseSelectionBps());
    }

    @Override
    public GuardrailInput deserialize(DataInputView in) throws IOException {
        return new GuardrailInput(
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                in.readLong(),
                in.readDouble(),
                in.readDouble());
    }

    @Override
    public GuardrailInput createInstance() {
        return new GuardrailInput("", "", "", "", "", "", 0, 0, 0);
    }

    @Override
    public TypeSerializerSnapshot<GuardrailInput> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<GuardrailInput> {
        public Snapshot() {
            super(VERSION, INSTANCE);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<GuardrailInput> {
        public Factory() {
            super(GuardrailInput.class, INSTANCE);
        }
    }
}
