package io.riskplane.model.serde;

import static io.riskplane.model.serde.CompactIO.readString;
import static io.riskplane.model.serde.CompactIO.readStringArray;
import static io.riskplane.model.serde.CompactIO.writeString;
import static io.riskplane.model.serde.CompactIO.writeStringArray;

import io.riskplane.model.DislocationEpisode;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link DislocationEpisode}, every field in declaration order. Besides crossing exchanges, the open episode lives in
 * the instrument host's keyed state ("open-episode"), written by Flink's POJO serializer before: its snapshot migrates.
 */
public final class DislocationEpisodeSerializer extends CompactSerializer<DislocationEpisode> {
    private static final long serialVersionUID = 1L;
    /** Format version: bump it (and give the snapshot a reader of the old one) when a field changes. */
    static final int VERSION = 1;

    public static final DislocationEpisodeSerializer INSTANCE = new DislocationEpisodeSerializer();

    @Override
    public void serialize(DislocationEpisode r, DataOutputView out) throws IOException {
        writeString(out, r.episodeId());
        writeString(out, r.instrument());
        writeString(out, r.status());
        out.writeLong(r.startMillis());
        out.writeLong(r.endMillis());
        out.writeLong(r.durationMillis());
        out.writeDouble(r.peakNetBps());
        out.writeDouble(r.peakGrossBps());
        out.writeLong(r.peakMillis());
        writeString(out, r.highVenue());
        writeString(out, r.lowVenue());
        out.writeDouble(r.highMid());
        out.writeDouble(r.lowMid());
        out.writeDouble(r.feesBps());
        writeStringArray(out, r.triggerEventIds());
    }

    @Override
    public DislocationEpisode deserialize(DataInputView in) throws IOException {
        return new DislocationEpisode(
                readString(in),
                readString(in),
                readString(in),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readDouble(),
                in.readDouble(),
                in.readLong(),
                readString(in),
                readString(in),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                readStringArray(in));
    }

    @Override
    public DislocationEpisode createInstance() {
        return new DislocationEpisode("", "", "", 0, 0, 0, 0, 0, 0, "", "", 0, 0, 0, new String[0]);
    }

    @Override
    public TypeSerializerSnapshot<DislocationEpisode> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    public static final class Snapshot extends CompactSnapshot<DislocationEpisode> {
        public Snapshot() {
            super(VERSION, INSTANCE, DislocationEpisode.class);
        }
    }

    public static final class Factory extends CompactTypeInfo.Factory<DislocationEpisode> {
        public Factory() {
            super(DislocationEpisode.class, INSTANCE);
        }
    }
}
