package io.riskplane.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.riskplane.bench.PlaneBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures the plane against this machine's own limits in one run (docs/benchmark.md): raw "
                + "Kafka consume rate and round trip, the plane's throughput with every detector, rule and sink on, "
                + "replay throughput, peak memory and state size. Prints the figures; --json also writes them.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "A 60-minute session (about 35k events) instead of 600 minutes.")
    boolean quick;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
    Path json;

    @Option(names = "--parallelism", defaultValue = "2", description = "Flink parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--checkpoint-interval-ms", defaultValue = "1000", paramLabel = "MS",
            description = "Checkpoint interval: the floor of detection latency on the control topic (default "
                    + "${DEFAULT-VALUE}, as the demo).")
    long checkpointIntervalMs;

    @Option(names = "--control-delivery", defaultValue = "exactly_once", paramLabel = "MODE",
            description = "exactly_once (default, as `run`) or at_least_once: how control events reach Kafka.")
    String controlDelivery;

    @Option(names = "--live-lag-ms", defaultValue = "2000", paramLabel = "MS",
            description = "time.live_lag_ms for the plane (default ${DEFAULT-VALUE}, as `run`; 0 = off): a live "
                    + "partition's watermark follows the wall clock.")
    long liveLagMs;

    @Option(names = "--work-dir", defaultValue = ".riskplane/bench", paramLabel = "DIR",
            description = "Broker, ClickHouse, checkpoints and replay files (emptied first; default ${DEFAULT-VALUE}).")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(workDir)) {
            try (var files = Files.walk(workDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(workDir);
        Map<String, Object> figures = PlaneBenchmark.run(workDir, Duration.ofMinutes(quick ? 60 : 600), parallelism,
                checkpointIntervalMs, !"at_least_once".equals(controlDelivery), liveLagMs, quick ? 40 : 200, line -> System.out.println("  " + line));
        System.out.println("=== riskplane bench ===");
        figures.forEach((k, v) -> System.out.printf("  %-42s %s%n", k, v == null ? "not measured" : v));
        if (json != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), figures);
            System.out.println("figures written to " + json);
        }
        return 0;
    }
}
