package io.riskplane.ingest;

import com.google.protobuf.CodedInputStream;
import io.riskplane.model.Decoded;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads a file of record values for `riskplane replay` in Protobuf's length-delimited form
 * ({@code Envelope.writeDelimitedTo}): a varint length, then the bytes exactly as they are on Kafka. Each value is
 * decoded like a Kafka record, the record number standing in for the offset. Parsing binary envelopes costs a
 * fraction of parsing their JSON text (whose timestamps go through SimpleDateFormat), which held replay back.
 *
 * <p>A value need not be an envelope: garbage is kept as it is and becomes a dead letter, as on Kafka.
 */
public final class DelimitedEnvelopeFormat extends SimpleStreamFormat<Decoded> {
    private static final long serialVersionUID = 1L;
    /** Files with this extension are read (and written) in this form; any other as JSON Lines. */
    public static final String EXTENSION = ".pb";

    static final int MAX_RECORD_BYTES = 64 << 20;

    private final EnvelopeDecoder decoder;

    public DelimitedEnvelopeFormat(EnvelopeDecoder decoder) {
        this.decoder = decoder;
    }

    /** Whether a replay file is in this form, by its name. */
    public static boolean isDelimited(Path file) {
        return file.getFileName().toString().endsWith(EXTENSION);
    }

    /** Writes one record value, length-delimited. */
    public static void write(OutputStream out, byte[] value) throws IOException {
        com.google.protobuf.CodedOutputStream c = com.google.protobuf.CodedOutputStream.newInstance(out, 16);
        c.writeUInt32NoTag(value.length);
        c.flush();
        out.write(value);
    }

    /** Reads the next value, or null at the end of the stream. */
    public static byte[] read(InputStream in) throws IOException {
        int first = in.read();
        if (first == -1) {
            return null;
        }
        int length = CodedInputStream.readRawVarint32(first, in);
        if (length < 0 || length > MAX_RECORD_BYTES) {
            throw new IOException("corrupt length-delimited file: a record of " + length + " bytes");
        }
        byte[] value = in.readNBytes(length);
        if (value.length < length) {
            throw new IOException(
                    "truncated length-delimited file: a record of " + length + " bytes has only " + value.length);
        }
        return value;
    }

    @Override
    public StreamFormat.Reader<Decoded> createReader(Configuration config, FSDataInputStream stream) {
        InputStream in = new BufferedInputStream(stream, 1 << 16);
        return new StreamFormat.Reader<>() {
            private long recordNumber;

            @Override
            public Decoded read() throws IOException {
                byte[] value = DelimitedEnvelopeFormat.read(in);
                if (value == null) {
                    return null;
                }
                recordNumber++;
                return decoder.decode(
                        value, false, JsonLinesFormat.SOURCE_TOPIC, 0, recordNumber, System.currentTimeMillis(), 0L);
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
