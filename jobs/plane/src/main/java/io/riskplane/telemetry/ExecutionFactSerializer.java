package io.riskplane.telemetry;

import static io.riskplane.model.serde.CompactIO.*;

import io.riskplane.model.serde.CompactSerializer;
import io.riskplane.model.serde.CompactSnapshot;
import io.riskplane.model.serde.CompactTypeInfo;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** {@link ExecutionFact}, every field in declaration order (the scope key is rebuilt, not written). */
public final class ExecutionFactSerializer extends CompactSerializer<ExecutionFact> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;

    public static final ExecutionFactSerializer INSTANCE = new ExecutionFactSerializer();

    @Override
    public void serialize(ExecutionFact r, DataOutputView out) throws IOException {
        writeString(out, r.kind());
        writeString(out, r.level());
        writeString(out, r.eventId());
        out.writeLong(r.eventTimeMillis());
        writeString(out, r.org());
        writeString(out, r.strategy());
        writeString(out, r.instrument());
        writeString(out, r.venue());
        writeString(out, r.adapter());
        writeString(out, r.source());
        out.writeDouble(r.quantity());
        out.writeDouble(r.filledQuantity());
        out.writeDouble(r.slippageBps());
        out.writeDouble(r.latencyMs());
        out.writeDouble(r.confidence());
        out.writeBoolean(r.rejected());
        writeString(out, r.errorCategory());
        out.writeBoolean(r.fallback());
        writeString(out, r.fallbackReason());
        out.writeDouble(r.ingestLatencyMs());
    }

    @Override
    public ExecutionFact deserialize(DataInputView in) throws IOException {
        return new ExecutionFact(
                readString(in),
                readString(in),
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
                in.readDouble(),
                in.readBoolean(),
                readString(in),
                in.readBoolean(),
                readString(in),
                in.readDouble());
    }

    @Override
    public ExecutionFact createInstance() {
        return new ExecutionFact("", "", "", 0, "", "", "", "", "", "", 0, 0, 0, 0, 0, false, "", false, "", 0);
    }

    @Override
    public TypeSerializerSnapshot<ExecutionFact> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<ExecutionFact> {
        public Snapshot() {
            super(VERSION, INSTANCE);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<ExecutionFact> {
        public Factory() {
            super(ExecutionFact.class, INSTANCE);
        }
    }
}
