package io.riskplane.model.serde;

import static io.riskplane.model.serde.CompactIO.*;

import io.riskplane.model.OrderRecord;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** {@link OrderRecord}, every field in declaration order. */
public final class OrderRecordSerializer extends CompactSerializer<OrderRecord> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;

    public static final OrderRecordSerializer INSTANCE = new OrderRecordSerializer();

    @Override
    public void serialize(OrderRecord r, DataOutputView out) throws IOException {
        writeString(out, r.eventId());
        out.writeLong(r.eventTimeMillis());
        writeString(out, r.orderId());
        writeString(out, r.org());
        writeString(out, r.strategy());
        writeString(out, r.instrument());
        writeString(out, r.venue());
        out.writeInt(r.side());
        writeString(out, r.state());
        out.writeDouble(r.quantity());
        out.writeDouble(r.filledQuantity());
        out.writeDouble(r.decisionPrice());
        out.writeDouble(r.limitPrice());
        out.writeDouble(r.confidence());
        writeString(out, r.expectedAdapter());
        writeString(out, r.actualAdapter());
        writeString(out, r.fallbackReason());
        writeString(out, r.errorCategory());
        out.writeLong(r.decisionTimeMillis());
        out.writeLong(r.ackTimeMillis());
        out.writeBoolean(r.reduceOnly());
        out.writeBoolean(r.exit());
        writeString(out, r.lane());
    }

    @Override
    public OrderRecord deserialize(DataInputView in) throws IOException {
        return new OrderRecord(
                readString(in),
                in.readLong(),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                in.readInt(),
                readString(in),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                in.readLong(),
                in.readLong(),
                in.readBoolean(),
                in.readBoolean(),
                readString(in));
    }

    @Override
    public OrderRecord createInstance() {
        return new OrderRecord("", 0, "", "", "", "", "", 0, "", 0, 0, 0, 0, 0, "", "", "", "", 0, 0, false, false, "");
    }

    @Override
    public TypeSerializerSnapshot<OrderRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<OrderRecord> {
        public Snapshot() {
            super(VERSION, INSTANCE);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<OrderRecord> {
        public Factory() {
            super(OrderRecord.class, INSTANCE);
        }
    }
}
