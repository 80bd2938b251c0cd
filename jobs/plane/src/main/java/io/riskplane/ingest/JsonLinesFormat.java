package io.riskplane.ingest;

import io.riskplane.model.Decoded;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads a file of envelopes in the canonical JSON Lines form for `riskplane replay`. Each line is decoded like a
 * Kafka record; the line number stands in for the offset, so dead letters name the line. Blank lines are skipped.
 */
public final class JsonLinesFormat extends SimpleStreamFormat<Decoded> {
    private static final long serialVersionUID = 1L;
    public static final String SOURCE_TOPIC = "file";

    private final EnvelopeDecoder decoder;

    public JsonLinesFormat(EnvelopeDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public StreamFormat.Reader<Decoded> createReader(Configuration config, FSDataInputStream stream) {
        BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8), 1 << 16);
        return new StreamFormat.Reader<>() {
            private long lineNumber;

            @Override
            public Decoded read() throws IOException {
                String line;
                do {
                    line = reader.readLine();
                    if (line == null) {
                        return null;
                    }
                    lineNumber++;
                } while (line.isBlank());
                return decoder.decode(
                        line.getBytes(StandardCharsets.UTF_8),
                        true,
                        SOURCE_TOPIC,
                        0,
                        lineNumber,
                        System.currentTimeMillis(),
                        0L);
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    @Override
    public TypeInformation<Decoded> getProducedType() {
        return TypeInformation.of(Decoded.class);
    }
}
