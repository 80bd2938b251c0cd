package io.riskplane.plane;

import io.riskplane.ingest.DelimitedEnvelopeFormat;
import io.riskplane.ingest.EnvelopeDecoder;
import io.riskplane.model.Decoded;
import io.riskplane.outputs.OutputLine;
import io.riskplane.outputs.PlaneOutput;
import io.riskplane.replay.ReplayLineSink;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs the plane's graph over a session file (replay options, bounded) and gives every output's ClickHouse rows as
 * text, per table, in the form a test compares ({@link RowText}): the tests of the rows topic's contents, digests and
 * size share this instead of each wiring the job.
 */
final class RowsOfASession {
    private RowsOfASession() {}

    /** One row's text, made from its output's descriptor and the value. A class, not a lambda: it is generic. */
    interface RowText extends Serializable {
        <T> String of(PlaneOutput<T> output, T value);
    }

    /** Per ClickHouse table, the text of each of its rows, in no particular order. */
    static Map<String, List<String>> run(Path session, Path work, int parallelism, String jobName, RowText text)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        PlaneOptions options = PlaneOptions.replay();
        FileSource<Decoded> source = FileSource.forRecordStreamFormat(
                        new DelimitedEnvelopeFormat(
                                new EnvelopeDecoder(options.maxFutureSkew().toMillis())),
                        new org.apache.flink.core.fs.Path(
                                session.toAbsolutePath().toUri()))
                .build();
        Capture capture = new Capture(text);
        new RiskPlaneJob(source, capture, options).build(env);
        Path parts = Files.createDirectories(work.resolve("parts"));
        capture.rows.sinkTo(new ReplayLineSink(parts));
        env.execute(jobName);
        Map<String, List<String>> byTable = new TreeMap<>();
        ReplayLineSink.readAll(parts, l -> byTable.computeIfAbsent(l.file(), t -> new ArrayList<>())
                .add(l.json()));
        return byTable;
    }

    private static final class Capture implements PlaneSinks {
        private final RowText text;
        private DataStream<OutputLine> rows;

        Capture(RowText text) {
            this.text = text;
        }

        @Override
        public <T> void output(PlaneOutput<T> output, DataStream<T> stream) {
            DataStream<OutputLine> lines = stream.map(new Line<>(output, text)).returns(OutputLine.class);
            rows = rows == null ? lines : rows.union(lines);
        }
    }

    private static final class Line<T> implements MapFunction<T, OutputLine> {
        private final PlaneOutput<T> output;
        private final RowText text;

        Line(PlaneOutput<T> output, RowText text) {
            this.output = output;
            this.text = text;
        }

        @Override
        public OutputLine map(T value) {
            return new OutputLine(output.clickhouse().name(), "", text.of(output, value));
        }
    }
}
