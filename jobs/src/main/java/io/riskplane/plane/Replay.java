package io.riskplane.plane;

import io.riskplane.ingest.EnvelopeDecoder;
import io.riskplane.ingest.JsonLinesFormat;
import io.riskplane.model.Decoded;
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
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * `riskplane replay`: the plane's job graph in bounded mode over a file of envelopes, writing control events, PnL
 * snapshots and dead letters as JSON Lines. Same input, same bytes, at any parallelism.
 */
public final class Replay {
    private Replay() {}

    /** What a replay wrote: lines per output file. */
    public record Result(Map<String, Integer> linesPerFile) {}

    public static Result run(Path input, Path outDir, int parallelism, PlaneOptions options) throws Exception {
        return run(input, outDir, parallelism, options, line -> {});
    }

    /** As {@link #run(Path, Path, int, PlaneOptions)}, reporting progress of long runs to {@code progress}. */
    public static Result run(Path input, Path outDir, int parallelism, PlaneOptions options,
            java.util.function.Consumer<String> progress) throws Exception {
        if (!Files.isRegularFile(input)) {
            throw new IOException("replay input " + input + " is not a file");
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        FileSource<Decoded> source = FileSource.forRecordStreamFormat(
                new JsonLinesFormat(new EnvelopeDecoder(options.maxFutureSkew().toMillis())),
                new org.apache.flink.core.fs.Path(input.toAbsolutePath().toUri())).build();
        ReplayOutput output = new ReplayOutput();
        new RiskPlaneJob(source, output, options).build(env);

        Map<String, List<OutputLine>> byFile = new LinkedHashMap<>();
        for (String f : OutputJson.FILES) {
            byFile.put(f, new ArrayList<>());
        }
        long collected = 0;
        long lastReport = System.nanoTime();
        try (CloseableIterator<OutputLine> it = output.lines().executeAndCollect("riskplane replay " + input)) {
            while (it.hasNext()) {
                OutputLine l = it.next();
                byFile.get(l.file()).add(l);
                collected++;
                if (System.nanoTime() - lastReport > 5_000_000_000L) {
                    progress.accept(String.format("  ... %,d output lines so far", collected));
                    lastReport = System.nanoTime();
                }
            }
        }
        Files.createDirectories(outDir);
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
        return new Result(counts);
    }
}
