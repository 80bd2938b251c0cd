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
        description = {"Compares the control events of two replays (riskplane replay --out DIR): which halts appear, "
                + "vanish or move in time, with their evidence side by side. Events match on rule, scope (all six "
                + "fields) and kind, not on control id (it hashes the policy version and decision time), and pair in "
                + "time order within that key. Each row is SAME, MOVED (decided_at differs; SHIFT = B - A), CHANGED "
                + "(same time, other evidence, policy version, reason or action), ONLY_IN_A (vanishes in B) or "
                + "ONLY_IN_B (appears in B).",
                "Exit codes: 0 identical, 1 different, 2 bad arguments (missing file, a line that is not a control "
                        + "event envelope)."})
final class DiffCommand implements Callable<Integer> {
    static final String FILE = "control-events.jsonl";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A", description = "A replay output directory, or a control-events.jsonl file.")
    Path a;

    @Parameters(index = "1", paramLabel = "B", description = "The other one, compared against A.")
    Path b;

    @Option(names = "--json", description = "Print one JSON object per row (JSON Lines) instead of the table.")
    boolean json;

    @Option(names = "--only-changes", description = "Leave out SAME rows.")
    boolean onlyChanges;

    @Override
    public Integer call() throws IOException {
        List<ControlEvent> left;
        List<ControlEvent> right;
        try {
            left = read(a);
            right = read(b);
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
