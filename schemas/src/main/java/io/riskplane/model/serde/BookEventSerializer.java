package io.riskplane.model.serde;

import static io.riskplane.model.serde.CompactIO.readString;
import static io.riskplane.model.serde.CompactIO.writeString;

import io.riskplane.model.BookEvent;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** {@link BookEvent}, every field in declaration order. */
public final class BookEventSerializer extends CompactSerializer<BookEvent> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;

    public static final BookEventSerializer INSTANCE = new BookEventSerializer();

    @Override
    public void serialize(BookEvent e, DataOutputView out) throws IOException {
        out.writeInt(e.type());
        writeString(out, e.eventId());
        writeString(out, e.fillId());
        writeString(out, e.orderId());
        writeString(out, e.adapter());
        out.writeLong(e.eventTimeMillis());
        writeString(out, e.org());
        writeString(out, e.strategy());
        writeString(out, e.instrument());
        writeString(out, e.venue());
        out.writeInt(e.side());
        out.writeDouble(e.quantity());
        out.writeDouble(e.price());
        out.writeDouble(e.fee());
        out.writeDouble(e.bid());
        out.writeDouble(e.ask());
    }

    @Override
    public BookEvent deserialize(DataInputView in) throws IOException {
        return new BookEvent(
                in.readInt(),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                in.readLong(),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                in.readInt(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble());
    }

    @Override
    public BookEvent createInstance() {
        return BookEvent.quote("", 0, "", "", 0, 0);
    }

    @Override
    public TypeSerializerSnapshot<BookEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<BookEvent> {
        public Snapshot() {
            super(VERSION, INSTANCE);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<BookEvent> {
        public Factory() {
            super(BookEvent.class, INSTANCE);
        }
    }
}
