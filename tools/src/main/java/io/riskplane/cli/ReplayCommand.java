package io.riskplane.cli;

import io.riskplane.lake.LakeInput;
import io.riskplane.lake.LakeReplay;
import io.riskplane.plane.PlaneConfig;
import io.riskplane.plane.PlaneOptions;
import io.riskplane.replay.Replay;
import io.riskplane.sinks.iceberg.IcebergLakehouse;
import io.riskplane.verify.SigningKey;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = "Runs the plane's job graph in bounded mode over a file of envelopes (--input: JSON Lines, "
                + "length-delimited Protobuf when the name ends in .pb, Kafka records when it ends in .records) or "
                + "over a range of the Iceberg archive (--from-lake with --day or --from/--to), and writes "
                + "control-events.jsonl, control-events-early.jsonl, alerts.jsonl, halt-states.jsonl, pnl-bars.jsonl, "
                + "dead-letters.jsonl, execution-telemetry.jsonl, slo-evaluations.jsonl, dislocations.jsonl, "
                + "cursor-staleness.jsonl, guardrail-trips.jsonl, condition-evaluations.jsonl and lane-runs.jsonl "
                + "to DIR (and, from the lake, replay.json: what was read and whether it is a what-if). The same "
                + "input gives byte-identical files at any parallelism. A range whose archive misses records is "
                + "refused, the gap named (exit 3). Nothing is ever written to Kafka.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:replayed",
            "1:failed",
            "2:bad arguments",
            "3:refused: the archive misses records of " + "the range"
        })
final class ReplayCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Input inputs;

    static final class Input {
        @Option(
                names = "--input",
                paramLabel = "FILE",
                description = "Envelopes: JSON Lines, length-delimited Protobuf (as on Kafka) when the name ends in "
                        + ".pb, or Kafka records (replay --from-lake --keep-input) when it ends in .records.")
        Path file;

        @Option(
                names = "--from-lake",
                description = "Read the Iceberg archive's raw_events and rejected_inputs "
                        + "(Iceberg's Flink source, bounded, only the days asked for), each input partition in offset order "
                        + "as the live plane read it, with the policies published before the range.")
        boolean lake;
    }

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created).")
    Path out;

    @Option(names = "--parallelism", defaultValue = "1", description = "Flink parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--operator-key",
            paramLabel = "ID=FILE",
            description = "An operator's key (base64, in a file) under its operator id, as security.operator_keys: the "
                    + "input's operator commands signed with it are applied (repeatable; without any, every operator "
                    + "command is refused as UNKNOWN_OPERATOR).")
    Map<String, Path> operatorKeys = new LinkedHashMap<>();

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "--from-lake: the plane's YAML configuration; its iceberg section names the catalog.")
    Path config;

    @Option(
            names = "--warehouse",
            paramLabel = "DIR",
            description = "--from-lake: a local warehouse directory (Hadoop catalog), instead of --config; the "
                    + "demo's is .riskplane/demo/warehouse.")
    Path warehouse;

    @Option(
            names = "--day",
            paramLabel = "YYYY-MM-DD",
            split = ",",
            description = "--from-lake: trading days (New York, midnight to midnight, as daily PnL); repeatable or "
                    + "comma-separated; the replay covers the first day's start to the last day's end.")
    List<LocalDate> days = new ArrayList<>();

    @Option(
            names = "--from",
            paramLabel = "INSTANT",
            description = "--from-lake: events at or after this time " + "(ISO-8601, e.g. 2026-11-20T14:30:00Z).")
    Instant from;

    @Option(names = "--to", paramLabel = "INSTANT", description = "--from-lake: events before this time.")
    Instant to;

    @Option(names = "--org", paramLabel = "NAME", description = "--from-lake: only events of this org (see below).")
    String org;

    @Option(names = "--strategy", paramLabel = "NAME", description = "--from-lake: only events of this strategy.")
    String strategy;

    @Option(names = "--instrument", paramLabel = "NAME", description = "--from-lake: only events of this instrument.")
    String instrument;

    @Option(
            names = "--venue",
            paramLabel = "NAME",
            description = "--from-lake: only events of this venue. With any "
                    + "of these four, an event that names none of them (a quote has no strategy) or names \"\" or \"*\" (a "
                    + "policy for a whole org, or its default) is kept.")
    String venue;

    @Option(
            names = "--policies",
            paramLabel = "FILE",
            description = "--from-lake: what-if: RiskPolicy JSON lines to try on the range, checked as on the "
                    + "policies topic; each replaces the archived versions of its policy_id from --policies-from on. "
                    + "replay.json says what_if: true; nothing is written to Kafka.")
    Path policies;

    @Option(
            names = "--policies-from",
            paramLabel = "INSTANT",
            description = "When the what-if policies take force (default: the start of the range).")
    Instant policiesFrom;

    @Option(
            names = "--keep-input",
            paramLabel = "FILE.records",
            description = "--from-lake: keep the records replayed, in order, in this file (replay --input takes it).")
    Path keepInput;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<SigningKey> keys = new ArrayList<>();
        operatorKeys.forEach((id, file) -> keys.add(new SigningKey(id, null, file.toString())));
        PlaneOptions options = PlaneOptions.replay().withOperatorKeys(keys);
        return inputs.lake ? fromLake(options) : fromFile(options);
    }

    private int fromFile(PlaneOptions options) throws Exception {
        Path input = inputs.file;
        if (!java.nio.file.Files.isRegularFile(input)) {
            throw new java.io.IOException("replay input " + input + " is not a file (write one with `riskplane demo "
                    + "--export-input FILE`)");
        }
        for (String lakeOnly : List.of(
                "--config",
                "--warehouse",
                "--day",
                "--from",
                "--to",
                "--org",
                "--strategy",
                "--instrument",
                "--venue",
                "--policies",
                "--policies-from",
                "--keep-input")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(lakeOnly)) {
                return bad(lakeOnly + " goes with --from-lake");
            }
        }
        long lines = Replay.countRecords(input);
        System.out.printf("riskplane replay: %,d envelopes from %s at parallelism %d%n", lines, input, parallelism);
        long t = System.nanoTime();
        Replay.Result r = Replay.run(input, out, parallelism, options, System.out::println);
        report(r, lines, t);
        return 0;
    }

    private int fromLake(PlaneOptions options) throws Exception {
        if ((config == null) == (warehouse == null)) {
            return bad("--from-lake needs the catalog: --config FILE or --warehouse DIR (one of them)");
        }
        if (!days.isEmpty() && (from != null || to != null)) {
            return bad("give --day or --from/--to, not both");
        }
        long fromMillis;
        long toMillis;
        if (!days.isEmpty()) {
            ZoneId ny = io.riskplane.pnl.NewYorkTradingDay.NEW_YORK;
            LocalDate first = days.stream().min(LocalDate::compareTo).orElseThrow();
            LocalDate last = days.stream().max(LocalDate::compareTo).orElseThrow();
            fromMillis = first.atStartOfDay(ny).toInstant().toEpochMilli();
            toMillis = last.plusDays(1).atStartOfDay(ny).toInstant().toEpochMilli();
        } else if (from != null && to != null) {
            fromMillis = from.toEpochMilli();
            toMillis = to.toEpochMilli();
        } else {
            return bad("--from-lake needs a range: --day YYYY-MM-DD, or --from and --to");
        }
        LakeInput.Range range;
        try {
            range = new LakeInput.Range(fromMillis, toMillis); // refuses an empty range
        } catch (IllegalArgumentException empty) {
            return bad(empty.getMessage());
        }
        if (policiesFrom != null && policies == null) {
            return bad("--policies-from goes with --policies");
        }
        Map<String, String> scope = new LinkedHashMap<>();
        String[] values = {org, strategy, instrument, venue};
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                scope.put(LakeReplay.SCOPE_FIELDS.get(i), values[i]);
            }
        }
        IcebergLakehouse lake = config != null
                ? IcebergLakehouse.fromProperties(PlaneConfig.load(config).iceberg())
                : IcebergLakehouse.localWarehouse(warehouse.toAbsolutePath().toString());
        System.out.printf(
                "riskplane replay: the lake from %s to %s%s%s at parallelism %d%n",
                Instant.ofEpochMilli(fromMillis),
                Instant.ofEpochMilli(toMillis),
                scope.isEmpty() ? "" : ", only " + scope,
                policies == null ? "" : ", what-if policies " + policies,
                parallelism);
        long t = System.nanoTime();
        LakeReplay.Outcome o;
        try {
            o = LakeReplay.run(
                    lake,
                    new LakeReplay.Request(
                            range,
                            scope,
                            policies,
                            policiesFrom == null ? null : policiesFrom.toEpochMilli(),
                            keepInput),
                    out,
                    parallelism,
                    options,
                    System.out::println);
        } catch (LakeReplay.IncompleteArchive gap) {
            spec.commandLine().getErr().println("riskplane replay: refused: " + gap.getMessage());
            return 3;
        } catch (IllegalArgumentException badPolicies) {
            return bad(badPolicies.getMessage());
        }
        System.out.printf(
                "  %,d records from the lake (%,d policies from before the range%s): read in %.1f s, "
                        + "checked and put in order in %.1f s%n",
                o.records(),
                o.policiesBefore(),
                o.leftOut() > 0 ? ", " + o.leftOut() + " left out" : "",
                o.readSeconds(),
                o.orderSeconds());
        if (!o.whatIf().isEmpty()) {
            System.out.println(
                    "  WHAT-IF: " + String.join(", ", o.whatIf()) + " (" + out.resolve(LakeReplay.MANIFEST) + ")");
        }
        report(o.result(), o.records(), t);
        return 0;
    }

    private void report(Replay.Result r, long records, long startNanos) {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        r.linesPerFile().forEach((f, n) -> System.out.printf("  %-22s %,10d lines%n", out.resolve(f), n));
        System.out.printf("done in %.1f s (%,.0f events/s, including MiniCluster start)%n", secs, records / secs);
    }

    private int bad(String message) {
        spec.commandLine().getErr().println("riskplane replay: " + message);
        return 2;
    }
}
