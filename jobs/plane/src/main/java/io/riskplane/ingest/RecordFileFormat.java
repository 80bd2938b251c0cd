package io.riskplane.ingest;

import io.riskplane.model.Decoded;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Kafka records as the archive kept them, for `riskplane replay`: topic, partition, offset, the broker's timestamp and
 * the value, one after another. Unlike a .pb file of values, each record is decoded exactly as the live plane decoded
 * it (its topic checked, its future-time check and ingest latency against the broker's timestamp, its dead letter's
 * id over its own topic, partition and offset), so that a replay from the lake decides what the live plane decided.
 * `riskplane replay --from-lake --keep-input FILE` writes one.
 */
public final class RecordFileFormat extends SimpleStreamFormat<Decoded> {
    private static final long serialVersionUID = 1L;
    /** Files with this extension are read in this form. */
    public static final String EXTENSION = ".records";

    private static final int MAGIC = 0x52505231; // "RPR1"

    private final EnvelopeDecoder decoder;

    public RecordFileFormat(EnvelopeDecoder decoder) {
        this.decoder = decoder;
    }

    public static boolean isRecordFile(Path file) {
        return file.getFileName().toString().endsWith(EXTENSION);
    }

    /** Starts a file. */
    public static void writeHeader(DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
    }

    /** Writes one record; {@code value} may be null (a record without a value). */
    public static void write(
            DataOutputStream out, String topic, int partition, long offset, long timestampMillis, byte[] value)
            throws IOException {
        out.writeUTF(topic);
        out.writeInt(partition);
        out.writeLong(offset);
        out.writeLong(timestampMillis);
        if (value == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(value.length);
            out.write(value);
        }
    }

    /** One record of the file. */
    public record Entry(String topic, int partition, long offset, long timestampMillis, byte[] value) {}

    /** Reads the header; fails on a file of another kind. */
    public static void readHeader(DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not a riskplane record file (" + EXTENSION + ")");
        }
    }

    /** The next record, or null at the end. */
    public static Entry read(DataInputStream in) throws IOException {
        String topic;
        try {
            topic = in.readUTF();
        } catch (EOFException end) {
            return null;
        }
        int partition = in.readInt();
        long offset = in.readLong();
        long timestamp = in.readLong();
        int length = in.readInt();
        if (length > DelimitedEnvelopeFormat.MAX_RECORD_BYTES) {
            throw new IOException("corrupt record file: a value of " + length + " bytes");
        }
        byte[] value = length < 0 ? null : in.readNBytes(length);
        if (value != null && value.length < length) {
            throw new IOException("truncated record file: a value of " + length + " bytes has only " + value.length);
        }
        return new Entry(topic, partition, offset, timestamp, value);
    }

    /**
     * Decodes a record as the live plane decoded it, against its broker timestamp; one without (0: archived before
     * the archive kept it) is checked against the wall clock and observed at 0, as a file's record is.
     */
    public static Decoded decode(
            EnvelopeDecoder decoder, String topic, int partition, long offset, long timestampMillis, byte[] value) {
        return timestampMillis > 0
                ? decoder.decode(value, false, topic, partition, offset, timestampMillis, timestampMillis)
                : decoder.decode(value, false, topic, partition, offset, System.currentTimeMillis(), 0L);
    }

    @Override
    public StreamFormat.Reader<Decoded> createReader(Configuration config, FSDataInputStream stream)
            throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(stream, 1 << 16));
        readHeader(in);
        return new StreamFormat.Reader<>() {
            @Override
            public Decoded read() throws IOException {
                Entry e = RecordFileFormat.read(in);
                return e == null
                        ? null
                        : decode(decoder, e.topic(), e.partition(), e.offset(), e.timestampMillis(), e.value());
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    @Override
    public TypeInformation<Decoded> getProducedType() {
        return TypeInformation.of(Decoded.class);
    }
}
