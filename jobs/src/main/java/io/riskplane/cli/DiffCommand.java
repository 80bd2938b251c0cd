package io.riskplane.cli;

import io.riskplane.contract.EnvelopeJson;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.Envelope;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * `riskplane diff A B`: which halts appear, vanish or move in time between two replays, with their evidence side by
 * side. The work is {@link ControlDiff}; here are the arguments, the files and the exit code.
 */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compares the control events of two replays (riskplane replay --out DIR), or of a replay and the "
                + "live control topic (B = kafka://HOST:PORT), over the range --from/--to: which halts appear, "
                + "vanish or move in time, with their evidence side by side. Events match on rule, scope (all six "
                + "fields) and kind, not on control id (it hashes the policy version and decision time), and pair in "
                + "time order within that key. Each row is SAME, MOVED (decided_at differs; SHIFT = B - A), CHANGED "
                + "(same time, other evidence, policy version, reason or action), ONLY_IN_A (vanishes in B) or "
                + "ONLY_IN_B (appears in B).",
                "Exit codes: 0 identical, 1 different, 2 bad arguments (missing file, a line that is not a control "
                        + "event envelope)."})
final class DiffCommand implements Callable<Integer> {
    static final String FILE = "control-events.jsonl";
    /** B as the live control topic: kafka://HOST:PORT. */
    static final String LIVE = "kafka://";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A", description = "A replay output directory, or a control-events.jsonl file.")
    Path a;

    @Parameters(index = "1", paramLabel = "B", description = "The other one, compared against A; or "
            + "kafka://HOST:PORT for the live control topic (riskplane.v1.control, read_committed, as execution sees it).")
    String b;

    @Option(names = "--from", paramLabel = "INSTANT", description = "Only control events decided at or after this "
            + "(ISO-8601, e.g. 2026-11-20T00:00:00Z), on both sides: the day a replay covers.")
    java.time.Instant from;

    @Option(names = "--to", paramLabel = "INSTANT", description = "Only control events decided before this.")
    java.time.Instant to;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "Extra Kafka consumer setting for kafka://, e.g. security.protocol=SASL_SSL (repeatable).")
    java.util.Map<String, String> kafkaProperties = java.util.Map.of();

    @Option(names = "--json", description = "Print one JSON object per row (JSON Lines) instead of the table.")
    boolean json;

    @Option(names = "--only-changes", description = "Leave out SAME rows.")
    boolean onlyChanges;

    @Override
    public Integer call() throws IOException {
        List<ControlEvent> left;
        List<ControlEvent> right;
        try {
            left = inRange(read(a));
            right = inRange(b.startsWith(LIVE) ? live(b.substring(LIVE.length())) : read(Path.of(b)));
        } catch (BadInput e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("riskplane diff: " + e.getMessage());
            err.flush();
            return 2;
        }
        List<ControlDiff.Row> rows = ControlDiff.diff(left, right);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ControlDiff.jsonLines(rows, onlyChanges).forEach(out::println);
        } else {
            out.print(ControlDiff.table(rows, left.size(), right.size(), onlyChanges));
        }
        out.flush();
        return ControlDiff.identical(rows) ? 0 : 1;
    }

    private List<ControlEvent> inRange(List<ControlEvent> events) {
        return events.stream().filter(c -> {
            java.time.Instant t = java.time.Instant.ofEpochSecond(c.getDecidedAt().getSeconds(),
                    c.getDecidedAt().getNanos());
            return (from == null || !t.isBefore(from)) && (to == null || t.isBefore(to));
        }).toList();
    }

    /** Every control event on the live control topic now, read_committed (what execution obeys). */
    private List<ControlEvent> live(String bootstrap) throws BadInput {
        java.util.Properties client = new java.util.Properties();
        client.putAll(kafkaProperties);
        List<ControlEvent> events = new ArrayList<>();
        List<String> foreign = new ArrayList<>();
        try {
            io.riskplane.infra.CommittedTopicReader.readToEnd(bootstrap, client, io.riskplane.contract.Topics.CONTROL,
                    java.time.Duration.ofMinutes(5), r -> {
                        try {
                            Envelope e = Envelope.parseFrom(r.value());
                            if (e.hasControl()) {
                                events.add(e.getControl());
                                return;
                            }
                        } catch (com.google.protobuf.InvalidProtocolBufferException | NullPointerException ex) {
                            // counted below
                        }
                        foreign.add(r.partition() + "/" + r.offset());
                    });
        } catch (RuntimeException e) {
            throw new BadInput("cannot read " + io.riskplane.contract.Topics.CONTROL + " on " + bootstrap + ": "
                    + RiskPlaneCli.describe(e));
        }
        if (!foreign.isEmpty()) {
            throw new BadInput(io.riskplane.contract.Topics.CONTROL + " holds records that are not control events: "
                    + String.join(", ", foreign.subList(0, Math.min(5, foreign.size()))));
        }
        return events;
    }

    static final class BadInput extends Exception {
        BadInput(String message) {
            super(message);
        }
    }

    /** The control events of a replay output directory or of one file of control-event envelopes. */
    static List<ControlEvent> read(Path p) throws BadInput, IOException {
        Path file = Files.isDirectory(p) ? p.resolve(FILE) : p;
        if (!Files.isRegularFile(file)) {
            throw new BadInput(Files.isDirectory(p) ? "no " + FILE + " in " + p + " (is it a riskplane replay --out "
                    + "directory?)" : "no such file: " + p);
        }
        List<ControlEvent> events = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int n = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                Envelope env;
                try {
                    env = EnvelopeJson.parse(line);
                } catch (Exception e) {
                    throw new BadInput(file + ":" + n + ": not an envelope in canonical JSON: "
                            + RiskPlaneCli.describe(e));
                }
                if (!env.hasControl()) {
                    throw new BadInput(file + ":" + n + ": not a control event (payload "
                            + env.getPayloadCase().name().toLowerCase() + ")");
                }
                events.add(env.getControl());
            }
        } catch (java.nio.charset.MalformedInputException e) {
            throw new BadInput(file + ": not UTF-8 text");
        }
        return events;
    }
}
