package io.riskplane.cli;

import io.riskplane.contract.Topics;
import io.riskplane.demo.TradingSession;
import io.riskplane.infra.CommittedTopicReader;
import io.riskplane.infra.EnvelopePublisher;
import io.riskplane.infra.LocalPlane;
import io.riskplane.sinks.iceberg.IcebergLakehouse;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Metric;
import io.riskplane.v1.Threshold;
import io.riskplane.verify.SignedPayloads;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Runs the whole plane on this machine (in-JVM Kafka, a private ClickHouse server, a local "
                + "Iceberg warehouse, a Flink MiniCluster with its web UI), feeds it a generated trading session "
                + "with a drawdown incident, and prints what happened; then an operator resumes the killed "
                + "globex/pm-arb, which runs away again, and BTC whipsaws the halted acme/momentum-btc's drawdown.")
final class DemoCommand implements Callable<Integer> {
    @Option(
            names = "--work-dir",
            defaultValue = ".riskplane/demo",
            description = "Where the broker, ClickHouse and the warehouse keep their files; emptied first "
                    + "(default ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--keep-running", description = "Leave everything up to explore; Ctrl-C stops.")
    boolean keepRunning;

    @Option(
            names = "--export-input",
            paramLabel = "FILE",
            description = "Also write the generated session as envelopes (JSON Lines) for `riskplane replay`.")
    Path exportInput;

    @Option(
            names = "--web-ui-port",
            defaultValue = "8081",
            description = "Flink web UI port (default ${DEFAULT-VALUE}; " + "a free one if taken).")
    int webUiPort;

    @Option(names = "--parallelism", defaultValue = "2")
    int parallelism;

    @Option(names = "--timeout", defaultValue = "PT5M", description = "Give up waiting after this (ISO-8601).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        System.out.println("riskplane demo: the whole plane on this machine\n");
        List<TradingSession.Item> items = TradingSession.demo().generate();
        long malformed = items.stream()
                .filter(i -> i.envelope() == null || i.envelope().getEventId().startsWith("bad-"))
                .count();
        long valid = items.size() - malformed;
        if (exportInput != null) {
            TradingSession.export(items, exportInput);
            System.out.printf(
                    "session written to %s (replay it: bin/riskplane replay --input %s --out DIR)%n%n",
                    exportInput, exportInput);
        }
        clean(workDir);
        int port = portOrFree(webUiPort);
        LocalPlane plane = LocalPlane.start(workDir, port, parallelism, line -> System.out.println("  * " + line));
        try {
            publish(plane, items, valid, malformed);
            Outcome outcome = await(plane, valid, malformed);
            report(plane, outcome.controls(), outcome.early());
            secondAct(plane, items);
            queryHints(plane);
            System.out.printf("%nDemo finished in %.0f s.%n", (System.nanoTime() - started) / 1e9);
            if (keepRunning) {
                System.out.printf(
                        "%nEverything stays up: Flink web UI (read-only) http://127.0.0.1:%d, ClickHouse %s, Kafka %s, "
                                + "Iceberg %s. Ctrl-C stops.%n",
                        port, plane.clickhouseServer.httpUrl(), plane.kafka.bootstrapServers(), plane.warehouse);
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        plane.close();
                    } catch (Exception ignored) {
                        // exiting
                    }
                    stop.countDown();
                }));
                stop.await();
                return 0;
            }
        } finally {
            if (!keepRunning) {
                plane.close();
            }
        }
        return 0;
    }

    private void publish(LocalPlane plane, List<TradingSession.Item> items, long valid, long malformed) {
        Instant first = Instant.ofEpochMilli(items.get(0).eventTimeMillis());
        System.out.printf(
                "  * trading session: %,d events (%,d valid, %d malformed) from %s, 2 orgs, 4 strategies, "
                        + "4 instruments on 2 venues each; BTC falls ~9%% at +%d min%n",
                items.size(), valid, malformed, first, TradingSession.INCIDENT_OFFSET.toMinutes());
        long t = System.nanoTime();
        // The risk desk signs its policies (docs/runbooks.md, "Publishing a policy version"); the plane verifies them.
        io.riskplane.verify.ControlSigner desk = plane.policySigner();
        int signed = 0;
        try (EnvelopePublisher p = new EnvelopePublisher(plane.kafka.bootstrapServers(), new Properties())) {
            for (TradingSession.Item i : items) {
                if (i.envelope() != null && i.envelope().hasRiskPolicy()) {
                    Envelope policy = SignedPayloads.RISK_POLICY.signAs(i.envelope(), desk);
                    p.send(i.topic(), policy, policy.toByteArray());
                    signed++;
                } else {
                    p.send(i.topic(), i.envelope(), i.value());
                }
            }
            p.flush();
        }
        System.out.printf(
                "  * published %,d records to Kafka in %.1f s (%d risk policies signed with the risk desk's "
                        + "key %s)%n%n",
                items.size(),
                (System.nanoTime() - t) / 1e9,
                signed,
                workDir.resolve("keys").resolve(LocalPlane.POLICY_KEY_ID + ".key"));
    }

    /** The confirmed control events and the early ones (each once). */
    record Outcome(List<Envelope> controls, List<Envelope> early) {}

    /**
     * Waits until the drawdown kill-switch is on the control topic, every sink holds every input, and Kafka,
     * ClickHouse and Iceberg agree on the number of control events (confirmed and early).
     */
    private Outcome await(LocalPlane plane, long valid, long malformed) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastPrint = 0;
        Envelope ks = null;
        try (CommittedTopicReader reader = CommittedTopicReader.control(plane.kafka.bootstrapServers());
                CommittedTopicReader earlyReader =
                        new CommittedTopicReader(plane.kafka.bootstrapServers(), Topics.CONTROL_EARLY)) {
            while (System.nanoTime() < deadline) {
                if (plane.job.getJobStatus().get().isGloballyTerminalState()) {
                    plane.job.getJobExecutionResult().get();
                    throw new IllegalStateException("the plane's job stopped unexpectedly");
                }
                List<Envelope> controls = reader.poll(Duration.ofMillis(250));
                // At least once: an early event may be on the topic twice (same id).
                List<Envelope> early = earlyReader.poll(Duration.ofMillis(1)).stream()
                        .distinct()
                        .toList();
                if (ks == null) {
                    ks = controls.stream()
                            .filter(e -> e.getControl().getRuleId().equals("pnl.drawdown.kill-switch"))
                            .findFirst()
                            .orElse(null);
                }
                long raw = plane.clickhouse.count("SELECT count() FROM riskplane.raw_events FINAL");
                long dead = plane.clickhouse.count("SELECT count() FROM riskplane.dead_letters FINAL");
                long lakeControls = plane.lakehouse.rowCount(IcebergLakehouse.CONTROL_EVENTS);
                long lakeRaw = plane.lakehouse.rowCount(IcebergLakehouse.RAW_EVENTS);
                long chControls = plane.clickhouse.count("SELECT count() FROM riskplane.control_events FINAL");
                if (ks != null
                        && raw == valid
                        && dead == malformed
                        && lakeRaw == valid
                        && lakeControls == controls.size() + early.size()
                        && chControls == controls.size() + early.size()) {
                    return new Outcome(controls, early);
                }
                if (System.nanoTime() - lastPrint > 3e9) {
                    System.out.printf(
                            "  ... processing: %,d/%,d events in ClickHouse, %,d in Iceberg, %d/%d dead "
                                    + "letters, kill-switch %s%n",
                            raw, valid, lakeRaw, dead, malformed, ks == null ? "not yet" : "seen");
                    lastPrint = System.nanoTime();
                }
            }
        }
        throw new IllegalStateException("the plane did not finish within " + timeout + "; the Flink web UI and "
                + workDir + " have the details (rerun with --keep-running to look)");
    }

    private void report(LocalPlane plane, List<Envelope> controls, List<Envelope> early) throws Exception {
        System.out.println("\n=== Control events on riskplane.v1.control (read_committed), in decision order ===");
        List<ControlEvent> sorted = controls.stream()
                .map(Envelope::getControl)
                .sorted(Comparator.comparingLong(c -> c.getDecidedAt().getSeconds()))
                .toList();
        for (ControlEvent c : sorted) {
            System.out.printf(
                    "  %s %-11s %-26s %s%n",
                    Instant.ofEpochSecond(c.getDecidedAt().getSeconds()),
                    c.getKind(),
                    c.getReasonCode(),
                    c.getEvidence().getSummary());
        }
        System.out.println("\n=== Early control events on riskplane.v1.control-early (decided on arrival) ===");
        for (ControlEvent c : early.stream()
                .map(Envelope::getControl)
                .sorted(Comparator.comparingLong(c -> c.getDecidedAt().getSeconds()))
                .toList()) {
            System.out.printf(
                    "  %s %-11s %-26s %s%n",
                    Instant.ofEpochSecond(c.getDecidedAt().getSeconds()),
                    c.getKind(),
                    c.getReasonCode(),
                    c.getEvidence().getSummary());
        }
        ControlEvent c = sorted.stream()
                .filter(e -> e.getRuleId().equals("pnl.drawdown.kill-switch"))
                .findFirst()
                .orElseThrow();
        System.out.println("\n=== The drawdown KILL SWITCH and its evidence ===");
        System.out.printf(
                "  %s %s for %s/%s%n",
                c.getKind(), c.getAction(), c.getScope().getOrg(), c.getScope().getStrategy());
        System.out.printf("  why:       %s%n", c.getEvidence().getSummary());
        System.out.printf(
                "  rule:      %s v%d, reason %s, policy %s v%d%n",
                c.getRuleId(), c.getRuleVersion(), c.getReasonCode(), c.getPolicyId(), c.getPolicyVersion());
        System.out.printf(
                "  window:    %s (peak) .. %s (decision, event time)%n",
                Instant.ofEpochSecond(
                        c.getEvidence().getWindowStart().getSeconds(),
                        c.getEvidence().getWindowStart().getNanos()),
                Instant.ofEpochSecond(
                        c.getDecidedAt().getSeconds(), c.getDecidedAt().getNanos()));
        for (Metric m : c.getEvidence().getMetricsList()) {
            System.out.printf("  metric:    %-16s %,16.4f %s%n", m.getName(), m.getValue(), m.getUnit());
        }
        for (Threshold t : c.getEvidence().getThresholdsList()) {
            System.out.printf(
                    "  threshold: %-16s %s %,14.2f %s%n", t.getName(), t.getComparison(), t.getLimit(), t.getUnit());
        }
        System.out.printf(
                "  triggered by: %s%n", String.join(", ", c.getEvidence().getTriggerEventIdsList()));
        System.out.printf("  control id:   %s (deterministic: a replay gives the same id)%n", c.getControlId());

        var ch = plane.clickhouse;
        System.out.println("\n=== Dead letters (riskplane.v1.deadletter and riskplane.dead_letters) ===");
        System.out.print(indent(ch.query("SELECT reason_code, original_event_id, detail FROM riskplane.dead_letters "
                + "FINAL ORDER BY reason_code, original_event_id")));

        System.out.println("\n=== ClickHouse rows (FINAL) ===");
        for (String t : List.of(
                "raw_events",
                "pnl_bars",
                "control_events",
                "dead_letters",
                "execution_telemetry",
                "slo_evaluations",
                "dislocations",
                "cursor_staleness",
                "guardrail_trips",
                "condition_evaluations",
                "lane_runs")) {
            System.out.printf(
                    "  riskplane.%-21s %,10d%n", t, ch.count("SELECT count() FROM riskplane." + t + " FINAL"));
        }
        System.out.println("\n=== Iceberg rows (" + plane.warehouse + ") ===");
        for (String t : List.of(
                IcebergLakehouse.RAW_EVENTS, IcebergLakehouse.CONTROL_EVENTS, IcebergLakehouse.DETECTOR_OUTPUTS)) {
            System.out.printf("  riskplane.%-15s %,10d%n", t, plane.lakehouse.rowCount(t));
        }
        System.out.println("\n=== PnL at the end of the session, by strategy (ClickHouse) ===");
        System.out.print(
                indent(
                        ch.query(
                                "SELECT org, strategy, round(argMax(close_equity, event_time_ms), 2) AS equity, "
                                        + "round(max(max_drawdown), 2) AS max_drawdown, round(argMax(realized_pnl, event_time_ms), 2) AS realized, "
                                        + "round(argMax(fees, event_time_ms), 2) AS fees FROM riskplane.pnl_bars FINAL "
                                        + "WHERE scope_type = 'strategy' GROUP BY org, strategy ORDER BY org, strategy FORMAT PrettyCompactNoEscapes")));

        System.out.println("\n=== Execution telemetry by adapter, last rolling hour (ClickHouse) ===");
        System.out.print(indent(ch.query("SELECT adapter, orders, round(fill_efficiency, 3) AS fill_eff, "
                + "round(slippage_avg_bps, 2) AS slip_bps, round(fill_latency_p50_ms) AS fill_p50_ms, "
                + "round(fill_latency_p99_ms) AS fill_p99_ms, round(rejection_rate, 3) AS reject, "
                + "round(fallback_ratio, 3) AS fallback FROM riskplane.execution_telemetry FINAL "
                + "WHERE level = 'adapter' AND window_size = '1h' AND window_end_millis = (SELECT max(window_end_millis) "
                + "FROM riskplane.execution_telemetry WHERE level = 'adapter' AND window_size = '1h') "
                + "ORDER BY adapter FORMAT PrettyCompactNoEscapes")));

        System.out.println("\n=== Cross-venue dislocations (ClickHouse) ===");
        System.out.print(indent(ch.query("SELECT instrument, status, toString(start_time) AS start, "
                + "duration_ms / 1000 AS seconds, high_venue, low_venue, round(peak_gross_bps, 1) AS gross_bps, "
                + "round(peak_net_bps, 1) AS net_bps FROM riskplane.dislocations FINAL ORDER BY start_ms, status "
                + "FORMAT PrettyCompactNoEscapes")));
    }

    /**
     * Act two (DemoSecondAct): on-call resumes the killed globex/pm-arb, whose guardrail fires again when it runs away
     * once more; BTC whipsaws the halted acme/momentum-btc's drawdown across its limit, which halts and pages once.
     */
    private void secondAct(LocalPlane plane, List<TradingSession.Item> items) throws Exception {
        System.out.println("\n=== Act two: an operator resume, a relapse, a whipsaw ===");
        DemoSecondAct.Outcome act = DemoSecondAct.run(
                plane, TradingSession.demo(), items, timeout, line -> System.out.println("  * " + line));
        ControlEvent r = act.resume();
        System.out.printf(
                "%n  resume     %-24s %-8s %s, %s of %s/%s%n",
                time(r.getDecidedAt()),
                r.getKind(),
                r.getRuleId(),
                r.getLiftsRuleId().isEmpty() || r.getLiftsRuleId().equals("*") ? "every rule" : r.getLiftsRuleId(),
                r.getScope().getOrg(),
                r.getScope().getStrategy());
        System.out.printf("             control event %s%n", r.getControlId());
        if (act.guardrailAfter().isEmpty()) {
            System.out.println("  guardrail  did NOT fire again after the resume");
        }
        for (ControlEvent c : act.guardrailAfter()) {
            System.out.printf(
                    "  guardrail  %-24s %-8s %s: fired again after the resume%n",
                    time(c.getDecidedAt()), c.getKind(), c.getRuleId());
            System.out.printf(
                    "             control event %s: %s%n",
                    c.getControlId(), c.getEvidence().getSummary());
        }
        for (ControlEvent c : act.earlyAfter()) {
            System.out.printf(
                    "  early      %-24s %-8s %s (%s, %s)%n",
                    time(c.getDecidedAt()), c.getKind(), c.getRuleId(), Topics.CONTROL_EARLY, c.getControlId());
        }
        System.out.printf(
                "  drawdown   acme/momentum-btc crossed its max_drawdown of %,.0f USD %d times in act two "
                        + "(counted from the generated marks)%n",
                TradingSession.INCIDENT_MAX_DRAWDOWN, act.crossings());
        System.out.printf(
                "             %s control events: %d%s; pages on %s: %d%n",
                DemoSecondAct.DRAWDOWN_RULE,
                act.drawdownKills().size(),
                act.drawdownKills().stream()
                        .map(c -> " (" + time(c.getDecidedAt()) + ", " + c.getControlId() + ", act one)")
                        .collect(java.util.stream.Collectors.joining()),
                Topics.ALERTS,
                act.drawdownPages().size());
        System.out.println(
                act.drawdownKills().size() == 1 && act.drawdownPages().size() == 1
                        ? "             the rule stays latched until an operator resumes the strategy: one kill, one page"
                        : "             UNEXPECTED: the rule should have halted and paged the strategy exactly once");
        System.out.println("\n=== What is halted now (riskplane control status) ===");
        System.out.print(indent(ControlCommand.table(act.halted())));
    }

    private static String time(com.google.protobuf.Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
    }

    private void queryHints(LocalPlane plane) {
        System.out.printf("%n=== Query it yourself (ClickHouse HTTP at %s) ===%n", plane.clickhouseServer.httpUrl());
        System.out.printf(
                "  curl '%s/' --data-binary \"SELECT decided_at, org, strategy, reason_code, summary "
                        + "FROM riskplane.control_events FINAL FORMAT PrettyCompact\"%n",
                plane.clickhouseServer.httpUrl());
        System.out.printf(
                "  curl '%s/' --data-binary \"SELECT trading_day, strategy, max(max_drawdown) FROM "
                        + "riskplane.pnl_bars FINAL GROUP BY trading_day, strategy FORMAT PrettyCompact\"%n",
                plane.clickhouseServer.httpUrl());
        System.out.printf("  bin/riskplane control status --bootstrap %s --all%n", plane.kafka.bootstrapServers());
        System.out.println("  (with --keep-running everything stays up to explore)");
    }

    private static String indent(String s) {
        StringBuilder sb = new StringBuilder();
        for (String line : s.split("\n")) {
            if (!line.isEmpty()) {
                sb.append("  ").append(line.replace('\t', ' ')).append('\n');
            }
        }
        return sb.toString();
    }

    private static int portOrFree(int preferred) {
        try (ServerSocket s = new ServerSocket(preferred)) {
            return preferred;
        } catch (IOException taken) {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static void clean(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
    }
}
