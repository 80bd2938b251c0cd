package io.riskplane.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.riskplane.bench.PlaneBenchmark;
import io.riskplane.infra.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measures the plane against this machine's own limits in one run (docs/benchmark.md), shaped "
                + "like production: the Kafka broker in a JVM process of its own, ClickHouse in its own, the "
                + "decision job and the ClickHouse loader beside them. Raw Kafka consume rate and round trip, the "
                + "decision job's throughput with every detector, rule and sink on, the whole system's (loader "
                + "caught up), output bytes, detection latency, replay throughput net of start-up, peak memory per "
                + "process and state size. Prints the figures; --json also writes them.")
final class BenchCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--quick", description = "A 60-minute session (about 35k events) instead of 600 minutes.")
    boolean quick;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
    Path json;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            split = ",",
            paramLabel = "N",
            description = "Flink parallelism (default ${DEFAULT-VALUE}). Several, e.g. 1,2: a fresh plane for each, "
                    + "its throughput, output, state and memory reported under by_parallelism; the last one also "
                    + "measures Flink alone, round trips and detection latency.")
    List<Integer> parallelism;

    @Option(
            names = "--scale",
            defaultValue = "1",
            paramLabel = "N",
            description = "Multiplies the session's strategies and instruments (and so its quotes and orders) by N "
                    + "(default ${DEFAULT-VALUE}): how throughput and state grow with the keys.")
    int scale;

    @Option(
            names = "--broker",
            defaultValue = "OWN_PROCESS",
            paramLabel = "MODE",
            description = "OWN_PROCESS (default: a JVM of its own, as on Kubernetes) or IN_JVM (in the plane's JVM, "
                    + "as the bench ran until 2026-12-06 and as `demo` runs).")
    EmbeddedKafka.Mode broker;

    @Option(
            names = "--checkpoint-interval-ms",
            defaultValue = "1000",
            paramLabel = "MS",
            description = "Checkpoint interval: the floor of detection latency on the control topic (default "
                    + "${DEFAULT-VALUE}, as the demo).")
    long checkpointIntervalMs;

    @Option(
            names = "--control-delivery",
            defaultValue = "exactly_once",
            paramLabel = "MODE",
            description = "exactly_once (default, as `run`) or at_least_once: how control events reach Kafka.")
    String controlDelivery;

    @Option(
            names = "--live-lag-ms",
            defaultValue = "2000",
            paramLabel = "MS",
            description = "time.live_lag_ms for the plane (default ${DEFAULT-VALUE}, as `run`; 0 = off): a live "
                    + "partition's watermark follows the wall clock.")
    long liveLagMs;

    @Option(
            names = "--work-dir",
            defaultValue = ".riskplane/bench",
            paramLabel = "DIR",
            description = "Broker, ClickHouse, checkpoints and replay files (emptied first; default ${DEFAULT-VALUE}).")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        if (scale < 1 || parallelism.stream().anyMatch(p -> p < 1)) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--scale and --parallelism must be at least 1");
        }
        if (Files.exists(workDir)) {
            try (var files = Files.walk(workDir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(workDir);
        Map<String, Object> figures = PlaneBenchmark.run(
                workDir,
                new PlaneBenchmark.Settings(
                        Duration.ofMinutes(quick ? 60 : 600),
                        scale,
                        parallelism,
                        checkpointIntervalMs,
                        !"at_least_once".equals(controlDelivery),
                        liveLagMs,
                        quick ? 40 : 200,
                        broker),
                line -> System.out.println("  " + line));
        System.out.println("=== riskplane bench ===");
        print(figures, "  ");
        if (json != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), figures);
            System.out.println("figures written to " + json);
        }
        return 0;
    }

    private static void print(Map<?, ?> figures, String indent) {
        figures.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m) {
                System.out.println(indent + k + ":");
                print(m, indent + "  ");
            } else {
                System.out.printf(
                        "%s%-" + Math.max(1, 44 - indent.length()) + "s %s%n",
                        indent,
                        k,
                        v == null ? "not measured" : v);
            }
        });
    }
}
