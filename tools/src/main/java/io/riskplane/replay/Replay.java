package io.riskplane.replay;

import io.riskplane.ingest.DelimitedEnvelopeFormat;
import io.riskplane.ingest.EnvelopeDecoder;
import io.riskplane.ingest.JsonLinesFormat;
import io.riskplane.ingest.RecordFileFormat;
import io.riskplane.model.Decoded;
import io.riskplane.outputs.OutputLine;
import io.riskplane.outputs.PlaneOutputs;
import io.riskplane.plane.LocalFlink;
import io.riskplane.plane.PlaneConfig;
import io.riskplane.plane.PlaneInput;
import io.riskplane.plane.PlaneOptions;
import io.riskplane.plane.PlaneRuntime;
import io.riskplane.plane.RiskPlaneJob;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * `riskplane replay`: the plane's job graph in bounded mode over a file of envelopes (JSON Lines, length-delimited
 * Protobuf when the name ends in .pb, or Kafka records as the archive kept them in a .records file), writing control events, PnL
 * snapshots and dead letters as JSON Lines. Same input, same bytes, at any parallelism.
 */
public final class Replay {
    private Replay() {}

    /** What a replay wrote: lines per output file; and the job's accumulators (what its input counted). */
    public record Result(Map<String, Integer> linesPerFile, Map<String, Object> accumulators) {}

    public static Result run(Path input, Path outDir, int parallelism, PlaneOptions options) throws Exception {
        return run(input, outDir, parallelism, options, line -> {});
    }

    /** As {@link #run(Path, Path, int, PlaneOptions)}, reporting progress of long runs to {@code progress}. */
    public static Result run(
            Path input,
            Path outDir,
            int parallelism,
            PlaneOptions options,
            java.util.function.Consumer<String> progress)
            throws Exception {
        if (!Files.isRegularFile(input)) {
            throw new IOException("replay input " + input + " is not a file");
        }
        EnvelopeDecoder decoder = new EnvelopeDecoder(options.maxFutureSkew().toMillis());
        FileSource<Decoded> source = FileSource.forRecordStreamFormat(
                        RecordFileFormat.isRecordFile(input)
                                ? new RecordFileFormat(decoder)
                                : DelimitedEnvelopeFormat.isDelimited(input)
                                        ? new DelimitedEnvelopeFormat(decoder)
                                        : new JsonLinesFormat(decoder),
                        new org.apache.flink.core.fs.Path(input.toAbsolutePath().toUri()))
                .build();
        return run(PlaneInput.of(source), input.toString(), outDir, parallelism, options, progress);
    }

    /** A replay of any bounded input (a replay from the lake), named {@code name} in Flink. */
    public static Result run(
            PlaneInput input,
            String name,
            Path outDir,
            int parallelism,
            PlaneOptions options,
            java.util.function.Consumer<String> progress)
            throws Exception {
        StreamExecutionEnvironment env = localEnvironment();
        env.setParallelism(parallelism);
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        ReplayOutput output = new ReplayOutput();
        new RiskPlaneJob(input, output, options).build(env);

        Files.createDirectories(outDir);
        Path parts = Files.createTempDirectory(outDir, ".replay-parts");
        Map<String, List<OutputLine>> byFile = new LinkedHashMap<>();
        Map<String, Object> accumulators;
        for (String f : PlaneOutputs.REPLAY_FILES) {
            byFile.put(f, new ArrayList<>());
        }
        try {
            output.lines().sinkTo(new ReplayLineSink(parts)).name("replay output files");
            JobClient job = env.executeAsync("riskplane replay " + name);
            while (true) {
                try {
                    accumulators =
                            job.getJobExecutionResult().get(5, TimeUnit.SECONDS).getAllAccumulatorResults();
                    break;
                } catch (TimeoutException stillRunning) {
                    progress.accept(String.format("  ... %,d bytes of output so far", sizeOf(parts)));
                }
            }
            ReplayLineSink.readAll(parts, l -> byFile.get(l.file()).add(l));
        } finally {
            try (var files = Files.list(parts)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.delete(p);
                }
            }
            Files.delete(parts);
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Map.Entry<String, List<OutputLine>> e : byFile.entrySet()) {
            List<OutputLine> lines = e.getValue();
            lines.sort(Comparator.comparing(OutputLine::sortKey).thenComparing(OutputLine::json));
            try (BufferedWriter w = Files.newBufferedWriter(outDir.resolve(e.getKey()), StandardCharsets.UTF_8)) {
                for (OutputLine l : lines) {
                    w.write(l.json());
                    w.write('\n');
                }
            }
            counts.put(e.getKey(), lines.size());
        }
        return new Result(counts, accumulators);
    }

    /** Where replays run: this process's MiniCluster (its REST endpoint on loopback, read-only), or the cluster's. */
    private static StreamExecutionEnvironment localEnvironment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (env instanceof org.apache.flink.streaming.api.environment.LocalStreamEnvironment) {
            // Its MiniCluster's REST endpoint, too, on loopback and read-only (docs/security.md).
            env = LocalFlink.environment(PlaneRuntime.localExposure(
                    new org.apache.flink.configuration.Configuration(),
                    new PlaneConfig.Flink(null, null, null, null, null, null, null),
                    false));
        }
        return env;
    }

    /** The records in a replay input: non-blank lines, length-delimited values for .pb files, records of .records files. */
    public static long countRecords(Path input) throws IOException {
        if (RecordFileFormat.isRecordFile(input)) {
            long n = 0;
            try (var in = new java.io.DataInputStream(
                    new java.io.BufferedInputStream(Files.newInputStream(input), 1 << 16))) {
                RecordFileFormat.readHeader(in);
                while (RecordFileFormat.read(in) != null) {
                    n++;
                }
            }
            return n;
        }
        if (DelimitedEnvelopeFormat.isDelimited(input)) {
            long n = 0;
            try (var in = new java.io.BufferedInputStream(Files.newInputStream(input), 1 << 16)) {
                while (DelimitedEnvelopeFormat.read(in) != null) {
                    n++;
                }
            }
            return n;
        }
        try (var s = Files.lines(input)) {
            return s.filter(l -> !l.isBlank()).count();
        }
    }

    private static long sizeOf(Path dir) throws IOException {
        long bytes = 0;
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                bytes += Files.size(p);
            }
        }
        return bytes;
    }
}
