package io.riskplane.replay;

import io.riskplane.outputs.OutputLine;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Replay's sink: each subtask appends its {@link OutputLine}s to a part file of its own in a local directory, which
 * {@link Replay} merges and sorts once the job has finished. It replaces Flink's collect sink, whose socket was
 * written one byte at a time and cost more than the detectors themselves. Replay is bounded and runs without
 * checkpoints, so a failed run fails as a whole and leaves nothing to commit.
 */
public final class ReplayLineSink implements Sink<OutputLine> {
    private static final long serialVersionUID = 1L;
    private final String dir;

    public ReplayLineSink(Path dir) {
        this.dir = dir.toAbsolutePath().toString();
    }

    @Override
    public SinkWriter<OutputLine> createWriter(WriterInitContext context) throws IOException {
        Path part = Path.of(dir)
                .resolve("part-" + context.getTaskInfo().getIndexOfThisSubtask() + "-"
                        + context.getTaskInfo().getAttemptNumber());
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(part), 1 << 16));
        return new SinkWriter<>() {
            @Override
            public void write(OutputLine line, Context ctx) throws IOException {
                writeString(out, line.file());
                writeString(out, line.sortKey());
                writeString(out, line.json());
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    /** Reads every line the subtasks wrote to {@code dir}. */
    public static void readAll(Path dir, Consumer<OutputLine> lines) throws IOException {
        try (var parts = Files.list(dir)) {
            for (Path part : (Iterable<Path>) parts.sorted()::iterator) {
                try (DataInputStream in =
                        new DataInputStream(new BufferedInputStream(Files.newInputStream(part), 1 << 16))) {
                    while (true) {
                        String file;
                        try {
                            file = readString(in);
                        } catch (EOFException end) {
                            break;
                        }
                        lines.accept(new OutputLine(file, readString(in), readString(in)));
                    }
                }
            }
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
