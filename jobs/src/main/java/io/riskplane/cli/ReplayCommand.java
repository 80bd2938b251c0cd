package io.riskplane.cli;

import io.riskplane.plane.PlaneOptions;
import io.riskplane.plane.Replay;
import io.riskplane.verify.SigningKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Runs the plane's job graph in bounded mode over a file of envelopes (JSON Lines, or length-delimited "
                + "Protobuf when the name ends in .pb) and writes "
                + "control-events.jsonl, control-events-early.jsonl, alerts.jsonl, pnl-bars.jsonl, dead-letters.jsonl, execution-telemetry.jsonl, "
                + "slo-evaluations.jsonl, dislocations.jsonl, cursor-staleness.jsonl, guardrail-trips.jsonl, "
                + "condition-evaluations.jsonl and lane-runs.jsonl to DIR. "
                + "The same input gives "
                + "byte-identical files at any parallelism.")
final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "Envelopes: JSON Lines, or length-delimited Protobuf (as on Kafka) when the name ends in .pb.")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created).")
    Path out;

    @Option(names = "--parallelism", defaultValue = "1", description = "Flink parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--operator-key", paramLabel = "ID=FILE",
            description = "An operator's key (base64, in a file) under its operator id, as security.operator_keys: the "
                    + "input's operator commands signed with it are applied (repeatable; without any, every operator "
                    + "command is refused as UNKNOWN_OPERATOR).")
    Map<String, Path> operatorKeys = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (!java.nio.file.Files.isRegularFile(input)) {
            throw new java.io.IOException("replay input " + input + " is not a file (write one with `riskplane demo "
                    + "--export-input FILE`)");
        }
        long lines = Replay.countRecords(input);
        System.out.printf("riskplane replay: %,d envelopes from %s at parallelism %d%n", lines, input, parallelism);
        long t = System.nanoTime();
        List<SigningKey> keys = new ArrayList<>();
        operatorKeys.forEach((id, file) -> keys.add(new SigningKey(id, null, file.toString())));
        Replay.Result r = Replay.run(input, out, parallelism, PlaneOptions.replay().withOperatorKeys(keys),
                System.out::println);
        double secs = (System.nanoTime() - t) / 1e9;
        r.linesPerFile().forEach((f, n) -> System.out.printf("  %-22s %,10d lines%n", out.resolve(f), n));
        System.out.printf("done in %.1f s (%,.0f events/s, including MiniCluster start)%n", secs, lines / secs);
        return 0;
    }
}
