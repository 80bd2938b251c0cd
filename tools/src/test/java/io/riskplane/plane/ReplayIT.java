package io.riskplane.plane;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.EnvelopeJson;
import io.riskplane.demo.TradingSession;
import io.riskplane.outputs.PlaneOutputs;
import io.riskplane.replay.Replay;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Fill;
import io.riskplane.v1.Side;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `riskplane replay` over the demo session on a Flink MiniCluster: the kill-switch fires where an independent
 * reference computation says the drawdown first reaches the limit, the outputs are byte-identical across runs,
 * parallelism and input form (JSON Lines or length-delimited Protobuf), and every malformed record is a dead letter
 * with its reason.
 */
class ReplayIT {
    @TempDir
    static Path dir;

    static List<TradingSession.Item> items;
    static Path input;
    static Path binaryInput;

    static Path p1a;
    static Path p1b;
    static Path p2;
    static Replay.Result p2Result;

    /**
     * Three replays of the demo session, shared by the tests: two at parallelism 1 of its JSON Lines, one at 2 of
     * the same records as length-delimited Protobuf.
     */
    @BeforeAll
    static void exportAndReplay() throws Exception {
        items = TradingSession.demo().generate();
        input = dir.resolve("session.jsonl");
        TradingSession.export(items, input);
        binaryInput = dir.resolve("session.pb");
        TradingSession.export(items, binaryInput);
        p1a = dir.resolve("p1-a");
        p1b = dir.resolve("p1-b");
        p2 = dir.resolve("p2");
        Replay.run(input, p1a, 1, PlaneOptions.replay());
        Replay.run(input, p1b, 1, PlaneOptions.replay());
        p2Result = Replay.run(binaryInput, p2, 2, PlaneOptions.replay());
    }

    @Test
    void replayIsDeterministicAcrossRunsAndParallelism() throws Exception {
        Path a = p1a;
        Path b = p1b;
        Path c = p2;
        Replay.Result r = p2Result;
        for (String f : PlaneOutputs.REPLAY_FILES) {
            List<String> first = Files.readAllLines(a.resolve(f));
            assertThat(first).as(f).isNotEmpty();
            assertSameLines(f + " second run", first, Files.readAllLines(b.resolve(f)));
            if (f.equals(PlaneOutputs.DEAD_LETTERS.replayFile())) {
                // A dead letter carries the bytes it was read from, which differ between the two input forms.
                assertThat(deadLetterKeys(Files.readAllLines(c.resolve(f))))
                        .as(f + " from Protobuf")
                        .isEqualTo(deadLetterKeys(first));
                continue;
            }
            assertSameLines(f + " at parallelism 2 from Protobuf", first, Files.readAllLines(c.resolve(f)));
            assertThat(Files.readAllBytes(c.resolve(f))).as(f).isEqualTo(Files.readAllBytes(a.resolve(f)));
        }
        assertThat(Replay.countRecords(binaryInput)).isEqualTo(items.size()).isEqualTo(Replay.countRecords(input));
        assertThat(r.linesPerFile().get(PlaneOutputs.DEAD_LETTERS.replayFile())).isEqualTo(7);

        List<String> reasons = new ArrayList<>();
        for (String line : Files.readAllLines(c.resolve(PlaneOutputs.DEAD_LETTERS.replayFile()))) {
            reasons.add(EnvelopeJson.parse(line).getDeadLetter().getReasonCode());
        }
        assertThat(reasons)
                .containsExactlyInAnyOrder(
                        "INVALID_VALUE",
                        "INVALID_VALUE",
                        "MISSING_FIELD",
                        "UNKNOWN_ENUM",
                        "FUTURE_TIMESTAMP",
                        "INVALID_VALUE",
                        "UNDECODABLE");
    }

    @Test
    void telemetryCountsEveryFillAndTerminalOrderOnce() throws Exception {
        Path out = p2;
        long fills = 0;
        long terminalOrders = 0;
        java.util.Set<String> terminalStates = java.util.Set.of("FILLED", "CANCELED", "REJECTED", "EXPIRED", "ERRORED");
        for (TradingSession.Item i : items) {
            Envelope e = i.envelope();
            if (e == null || e.getEventId().startsWith("bad-")) {
                continue;
            }
            if (e.hasFill()) {
                fills++;
            }
            if (e.hasOrder() && terminalStates.contains(e.getOrder().getState().name())) {
                terminalOrders++;
            }
        }
        long windowFills = 0;
        long windowOrders = 0;
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String line : Files.readAllLines(out.resolve(PlaneOutputs.EXECUTION_TELEMETRY.replayFile()))) {
            var w = mapper.readTree(line);
            // Each fact lands in exactly one 1m window per level; the adapter level sees every order and fill.
            if (w.get("window_size").asText().equals("1m")
                    && w.get("level").asText().equals("adapter")) {
                windowFills += w.get("fills").asLong();
                windowOrders += w.get("orders").asLong();
            }
        }
        assertThat(windowFills).isEqualTo(fills);
        assertThat(windowOrders).isEqualTo(terminalOrders);
    }

    @Test
    void killSwitchFiresWhenReferenceDrawdownFirstReachesTheLimit() throws Exception {
        Path out = p2;
        List<ControlEvent> controls = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve(PlaneOutputs.CONTROL_EVENTS.replayFile()))) {
            ControlEvent c = EnvelopeJson.parse(line).getControl();
            if (c.getRuleId().equals("pnl.drawdown.kill-switch")) {
                controls.add(c);
            }
        }
        assertThat(controls).hasSize(1);
        ControlEvent ks = controls.get(0);
        assertThat(ks.getScope().getOrg()).isEqualTo(TradingSession.INCIDENT_ORG);
        assertThat(ks.getScope().getStrategy()).isEqualTo(TradingSession.INCIDENT_STRATEGY);
        assertThat(ks.getReasonCode()).isEqualTo("DRAWDOWN_LIMIT_BREACHED");
        assertThat(ks.getPolicyId()).isEqualTo("acme-momentum-btc");

        long[] breach = referenceBreach(
                TradingSession.INCIDENT_ORG + "|" + TradingSession.INCIDENT_STRATEGY,
                TradingSession.INCIDENT_MAX_DRAWDOWN);
        assertThat(ks.getDecidedAt().getSeconds() * 1000 + ks.getDecidedAt().getNanos() / 1_000_000)
                .isEqualTo(breach[0]);
        double drawdown = ks.getEvidence().getMetricsList().stream()
                .filter(m -> m.getName().equals("drawdown"))
                .findFirst()
                .orElseThrow()
                .getValue();
        assertThat(drawdown).isCloseTo(Double.longBitsToDouble(breach[1]), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(drawdown).isGreaterThanOrEqualTo(TradingSession.INCIDENT_MAX_DRAWDOWN);
        assertThat(ks.getEvidence().getThresholdsList()).anySatisfy(t -> {
            assertThat(t.getName()).isEqualTo("max_drawdown");
            assertThat(t.getLimit()).isEqualTo(TradingSession.INCIDENT_MAX_DRAWDOWN);
        });
        assertThat(ks.getEvidence().getTriggerEventIdsList()).isNotEmpty();
    }

    /**
     * Storage keeps the incident strategy's PnL as bars: one per second in which it changed, with the open, high, low
     * and close equity and largest drawdown of that second as the reference computation gives them, a row per fill,
     * and the kill-switch's trough in the bar of its second.
     */
    @Test
    void pnlBarsCarryEverySecondsRangeAndEveryFill() throws Exception {
        String incidentOrg = TradingSession.INCIDENT_ORG;
        String strategy = TradingSession.INCIDENT_STRATEGY;
        // Reference bars: {open, high, low, close, max drawdown, snapshots} per second, and the fill times.
        java.util.TreeMap<Long, double[]> expected = new java.util.TreeMap<>();
        List<Long> fillTimes = new ArrayList<>();
        double peak = 0;
        for (double[] r : referenceEquity(incidentOrg + "|" + strategy)) {
            peak = Math.max(peak, r[1]);
            if (r[2] == 0) {
                continue;
            }
            long second = Math.floorDiv((long) r[0], 1000L) * 1000;
            double[] b = expected.computeIfAbsent(second, k -> new double[] {r[1], r[1], r[1], r[1], 0, 0});
            b[1] = Math.max(b[1], r[1]);
            b[2] = Math.min(b[2], r[1]);
            b[3] = r[1];
            b[4] = Math.max(b[4], peak - r[1]);
            b[5]++;
            if (r[3] == 1) {
                fillTimes.add((long) r[0]);
            }
        }
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.TreeMap<Long, double[]> bars = new java.util.TreeMap<>();
        List<Long> fillRows = new ArrayList<>();
        Map<String, Integer> barsPerScopeSecond = new HashMap<>();
        for (String line : Files.readAllLines(p2.resolve(PlaneOutputs.PNL_BARS.replayFile()))) {
            var b = mapper.readTree(line);
            if (!b.get("fill_row").asBoolean()) {
                barsPerScopeSecond.merge(
                        b.get("scope_type").asText() + "|" + b.get("org").asText() + "|"
                                + b.get("strategy").asText() + "|"
                                + b.get("bar_start_millis").asLong(),
                        1,
                        Integer::sum);
            }
            if (!b.get("scope_type").asText().equals("strategy")
                    || !b.get("org").asText().equals(incidentOrg)
                    || !b.get("strategy").asText().equals(strategy)) {
                continue;
            }
            if (b.get("fill_row").asBoolean()) {
                fillRows.add(b.get("event_time_millis").asLong());
                assertThat(b.get("snapshot_count").asInt()).isEqualTo(1);
            } else {
                bars.put(b.get("bar_start_millis").asLong(), new double[] {
                    b.get("open_equity").asDouble(),
                    b.get("high_equity").asDouble(),
                    b.get("low_equity").asDouble(),
                    b.get("close_equity").asDouble(),
                    b.get("max_drawdown").asDouble(),
                    b.get("snapshot_count").asDouble()
                });
            }
        }
        assertThat(barsPerScopeSecond.values()).as("bars per scope and second").containsOnly(1);
        assertThat(bars.keySet()).isEqualTo(expected.keySet());
        for (Map.Entry<Long, double[]> e : expected.entrySet()) {
            double[] actual = bars.get(e.getKey());
            for (int i = 0; i < 6; i++) {
                assertThat(actual[i])
                        .as("bar " + e.getKey() + " column " + i)
                        .isCloseTo(e.getValue()[i], org.assertj.core.data.Offset.offset(1e-6));
            }
        }
        assertThat(fillRows).isEqualTo(fillTimes).isNotEmpty();
        // Far fewer rows than snapshots: the point of bars.
        long snapshots =
                (long) expected.values().stream().mapToDouble(b -> b[5]).sum();
        assertThat((long) bars.size() + fillRows.size()).isLessThan(snapshots);

        ControlEvent ks = EnvelopeJson.parse(
                        Files.readAllLines(p2.resolve(PlaneOutputs.CONTROL_EVENTS.replayFile())).stream()
                                .filter(l -> l.contains("pnl.drawdown.kill-switch"))
                                .findFirst()
                                .orElseThrow())
                .getControl();
        double drawdown = ks.getEvidence().getMetricsList().stream()
                .filter(m -> m.getName().equals("drawdown"))
                .findFirst()
                .orElseThrow()
                .getValue();
        double[] decisionBar = bars.get(Math.floorDiv(millis(ks), 1000L) * 1000);
        assertThat(decisionBar[4]).isGreaterThanOrEqualTo(drawdown);
    }

    /**
     * SLO and staleness rows are stored on a status change and once per scope and minute: every halt and resume is
     * stored, and no scope has two periodic rows in a minute or a periodic row in a minute that has a stored row.
     */
    @Test
    void sloAndStalenessRowsAreStoredOnChangeAndOncePerMinute() throws Exception {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        int halts = 0;
        int resumes = 0;
        Map<String, String> lastStatus = new HashMap<>();
        Map<String, Long> lastStoredMinute = new HashMap<>();
        for (String line : Files.readAllLines(p2.resolve(PlaneOutputs.SLO_EVALUATIONS.replayFile()))) {
            var e = mapper.readTree(line);
            String scope = e.get("measurement").get("slo").asText() + "|"
                    + e.get("measurement").get("scope_type").asText() + "|"
                    + e.get("measurement").get("venue").asText() + "|"
                    + e.get("measurement").get("instrument").asText() + "|"
                    + e.get("measurement").get("adapter").asText();
            String status = e.get("status").asText() + "|" + e.get("halted").asBoolean();
            long minute =
                    Math.floorDiv(e.get("measurement").get("measured_at_millis").asLong(), 60_000L);
            String reason = e.get("store_reason").asText();
            if (e.get("enters_halt").asBoolean()) {
                halts++;
            }
            if (e.get("enters_resume").asBoolean()) {
                resumes++;
            }
            if (reason.equals("PERIODIC")) {
                assertThat(status).as(line).isEqualTo(lastStatus.get(scope));
                assertThat(minute).as(line).isGreaterThan(lastStoredMinute.get(scope));
            } else {
                assertThat(reason).as(line).isEqualTo("STATUS_CHANGE");
                assertThat(status).as(line).isNotEqualTo(lastStatus.get(scope));
            }
            lastStatus.put(scope, status);
            lastStoredMinute.put(scope, minute);
        }
        // QUOTE_STALE and LATENCY_P95_BREACHED halts, SLO_RECOVERED resume (the control events above).
        assertThat(halts).isEqualTo(2);
        assertThat(resumes).isEqualTo(1);

        Map<String, Long> lastStaleMinute = new HashMap<>();
        int stale = 0;
        for (String line : Files.readAllLines(p2.resolve(PlaneOutputs.CURSOR_STALENESS.replayFile()))) {
            var c = mapper.readTree(line);
            String scope = c.get("source").asText() + "|" + c.get("consumer_id").asText();
            long minute = Math.floorDiv(c.get("measured_at_millis").asLong(), 60_000L);
            if (c.get("store_reason").asText().equals("PERIODIC")) {
                assertThat(minute).as(line).isGreaterThan(lastStaleMinute.get(scope));
            }
            stale += c.get("status").asText().equals("STALE") ? 1 : 0;
            lastStaleMinute.put(scope, minute);
        }
        assertThat(stale).isPositive();
    }

    @Test
    void quoteSilenceHaltsThenResumesAndSlowFillsHaltTheAdapter() throws Exception {
        Path out = p2;
        List<ControlEvent> slo = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve(PlaneOutputs.CONTROL_EVENTS.replayFile()))) {
            ControlEvent c = EnvelopeJson.parse(line).getControl();
            if (c.getRuleId().startsWith("slo.")) {
                slo.add(c);
            }
        }
        assertThat(slo)
                .extracting(ControlEvent::getReasonCode)
                .containsExactly("QUOTE_STALE", "SLO_RECOVERED", "LATENCY_P95_BREACHED");

        // Independently: ticks every 5 s; age = tick - latest kraken ETH quote; 3 ages > 10 s halt, 3 healthy resume.
        List<Long> quoteTimes = new ArrayList<>();
        for (TradingSession.Item i : items) {
            Envelope e = i.envelope();
            if (e != null
                    && e.hasQuote()
                    && e.getQuote().getVenue().equals(TradingSession.QUOTE_GAP_VENUE)
                    && e.getQuote().getInstrument().equals(TradingSession.QUOTE_GAP_INSTRUMENT)) {
                quoteTimes.add(
                        e.getEventTime().getSeconds() * 1000 + e.getEventTime().getNanos() / 1_000_000);
            }
        }
        quoteTimes.sort(null);
        long halt = -1;
        long resume = -1;
        int breaches = 0;
        int healthy = 0;
        int q = 0;
        for (long tick = (quoteTimes.get(0) / 5000 + 1) * 5000;
                tick <= quoteTimes.get(quoteTimes.size() - 1);
                tick += 5000) {
            while (q + 1 < quoteTimes.size() && quoteTimes.get(q + 1) <= tick) {
                q++;
            }
            boolean breach = tick - quoteTimes.get(q) > 10_000;
            breaches = breach ? breaches + 1 : 0;
            healthy = breach ? 0 : healthy + 1;
            if (halt < 0 && breaches == 3) {
                halt = tick;
            }
            if (halt >= 0 && resume < 0 && healthy == 3) {
                resume = tick;
            }
        }
        assertThat(millis(slo.get(0))).isEqualTo(halt);
        assertThat(slo.get(0).getScope().getVenue()).isEqualTo(TradingSession.QUOTE_GAP_VENUE);
        assertThat(slo.get(0).getScope().getInstrument()).isEqualTo(TradingSession.QUOTE_GAP_INSTRUMENT);
        assertThat(slo.get(1).getKind()).isEqualTo(io.riskplane.v1.ControlKind.RESUME);
        assertThat(millis(slo.get(1))).isEqualTo(resume);

        ControlEvent adapter = slo.get(2);
        assertThat(adapter.getScope().getAdapter()).isEqualTo(TradingSession.SLOW_ADAPTER);
        long start = TradingSession.DEFAULT_START.toEpochMilli();
        assertThat(millis(adapter))
                .isBetween(
                        start + TradingSession.SLOW_FROM.toMillis(),
                        start + TradingSession.SLOW_UNTIL.toMillis() + 5 * 60_000);
        assertThat(adapter.getEvidence().getTriggerEventIdsCount()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void everyRuleFiresExactlyWhereTheScenarioSaysItShould() throws Exception {
        List<ControlEvent> controls = new ArrayList<>();
        for (String line : Files.readAllLines(p2.resolve(PlaneOutputs.CONTROL_EVENTS.replayFile()))) {
            controls.add(EnvelopeJson.parse(line).getControl());
        }
        assertThat(controls)
                .extracting(ControlEvent::getRuleId)
                .containsExactlyInAnyOrder(
                        "signal.lag.halt-lanes",
                        "guardrail.trip.cooldown",
                        "slo.breach.kill-switch",
                        "slo.recovery.resume",
                        "route.fallback.rollback",
                        "pnl.drawdown.kill-switch",
                        "lane.failures.rollback",
                        "guardrail.trip.cooldown",
                        "slo.breach.kill-switch",
                        "guardrail.trip.cooldown",
                        "guardrail.repeat.kill-switch");
        long t0 = TradingSession.DEFAULT_START.toEpochMilli();

        // Signal lag: independently, ticks every 5 s, lag = tick - newest alpha-feed signal time; the first tick
        // over 10 s opens the run and the lane halts at the first tick at least 30 s after it.
        List<long[]> signals = new ArrayList<>(); // {event time, signal time}
        for (TradingSession.Item i : items) {
            Envelope e = i.envelope();
            if (e != null && e.hasSignal()) {
                signals.add(new long[] {
                    i.eventTimeMillis(),
                    e.getSignal().getSignalTime().getSeconds() * 1000
                            + e.getSignal().getSignalTime().getNanos() / 1_000_000
                });
            }
        }
        long since = -1;
        long expectedHalt = -1;
        for (long tick = (signals.get(0)[0] / 5000 + 1) * 5000; expectedHalt < 0; tick += 5000) {
            long newest = Long.MIN_VALUE;
            for (long[] s : signals) {
                if (s[0] <= tick) {
                    newest = Math.max(newest, s[1]);
                }
            }
            boolean breach = tick - newest > 10_000;
            since = breach ? (since < 0 ? tick : since) : -1;
            if (since >= 0 && tick - since >= 30_000) {
                expectedHalt = tick;
            }
        }
        ControlEvent lag = only(controls, "signal.lag.halt-lanes");
        assertThat(millis(lag)).isEqualTo(expectedHalt);
        assertThat(lag.getScope().getLane()).isEqualTo(TradingSession.SIGNAL_LANE);

        // Lane rollback: at the third FAILED lane-pm run, reverting to the version used before the failing one.
        List<Long> failures = new ArrayList<>();
        String before = "";
        String failing = "";
        for (TradingSession.Item i : items) {
            Envelope e = i.envelope();
            if (e != null && e.hasLaneRun() && e.getLaneRun().getOutcome() == io.riskplane.v1.LaneOutcome.FAILED) {
                failures.add(i.eventTimeMillis());
                failing = e.getLaneRun().getPolicyVersion();
            } else if (e != null && e.hasLaneRun() && failures.isEmpty()) {
                before = e.getLaneRun().getPolicyVersion();
            }
        }
        ControlEvent rollback = only(controls, "lane.failures.rollback");
        assertThat(millis(rollback)).isEqualTo(failures.get(2));
        assertThat(rollback.getRollbackTarget()).isEqualTo(before).isNotEqualTo(failing);
        assertThat(rollback.getAction()).isEqualTo(io.riskplane.v1.ControlAction.DISABLE_LANE);

        // Route fallback: the route is disabled within the forced-fallback period plus the 5-minute window.
        ControlEvent route = only(controls, "route.fallback.rollback");
        assertThat(route.getScope().getAdapter()).isEqualTo(TradingSession.FALLBACK_ROUTE);
        assertThat(millis(route))
                .isBetween(
                        t0 + TradingSession.FALLBACK_FROM.toMillis() + 120_000,
                        t0 + TradingSession.FALLBACK_UNTIL.toMillis() + 5 * 60_000);

        // Guardrails: the fat finger cools acme/pairs-aapl down for 30 s; the runaway bursts cool globex/pm-arb
        // down for 30 s then 60 s, and the third burst kills it. Each trip is the 21st order of its burst.
        List<ControlEvent> guard = controls.stream()
                .filter(c -> c.getRuleId().startsWith("guardrail."))
                .toList();
        assertThat(guard)
                .extracting(c -> c.getReasonCode() + "@" + (millis(c) - t0))
                .containsExactly(
                        "GUARDRAIL_SPREAD_CROSS@" + (TradingSession.SPREAD_CROSS_OFFSET.toMillis() + 5),
                        "GUARDRAIL_ORDER_RATE@" + (TradingSession.RUNAWAY_OFFSET.toMillis() + 20 * 200 + 5),
                        "GUARDRAIL_ORDER_RATE@" + (TradingSession.RUNAWAY_OFFSET.toMillis() + 120_000 + 20 * 200 + 5),
                        "GUARDRAIL_REPEATED_TRIPS@"
                                + (TradingSession.RUNAWAY_OFFSET.toMillis() + 240_000 + 20 * 200 + 5));
        assertThat(guard)
                .extracting(c -> c.hasExpiresAt() ? (millis(c.getExpiresAt()) - millis(c)) / 1000 : -1)
                .containsExactly(30L, 30L, 60L, -1L);

        // Cursor staleness saw every reason: the silence (tail stable, no signals) and shadow-momo's bad cursor.
        String rows = Files.readString(p2.resolve(PlaneOutputs.CURSOR_STALENESS.replayFile()));
        assertThat(rows)
                .contains(
                        "\"cursor_ahead_of_stream\":true",
                        "\"cursor_tail_stable\":true",
                        "\"no_signals_in_window\":true");
    }

    private static ControlEvent only(List<ControlEvent> controls, String ruleId) {
        List<ControlEvent> matching =
                controls.stream().filter(c -> c.getRuleId().equals(ruleId)).toList();
        assertThat(matching).as(ruleId).hasSize(1);
        return matching.get(0);
    }

    private static long millis(com.google.protobuf.Timestamp t) {
        return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
    }

    /** Names the first differing line instead of dumping whole files. */
    private static void assertSameLines(String what, List<String> expected, List<String> actual) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertThat(actual.get(i)).as(what + ", line " + (i + 1)).isEqualTo(expected.get(i));
        }
        assertThat(actual.size()).as(what + ", line count").isEqualTo(expected.size());
    }

    @Test
    void theCoinbasePremiumIsOneDislocationEpisode() throws Exception {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        List<com.fasterxml.jackson.databind.JsonNode> episodes = new ArrayList<>();
        for (String line : Files.readAllLines(p2.resolve(PlaneOutputs.DISLOCATIONS.replayFile()))) {
            episodes.add(mapper.readTree(line));
        }
        assertThat(episodes).extracting(e -> e.get("status").asText()).containsExactly("OPEN", "CLOSED");
        var closed = episodes.get(1);
        long start = TradingSession.DEFAULT_START
                .plus(TradingSession.DISLOCATION_OFFSET)
                .toEpochMilli();
        assertThat(closed.get("instrument").asText()).isEqualTo("CRYPTO:BTC-USD");
        assertThat(closed.get("high_venue").asText()).isEqualTo("coinbase");
        assertThat(closed.get("start_millis").asLong()).isBetween(start, start + 1_000);
        assertThat(closed.get("duration_millis").asLong())
                .isBetween(
                        TradingSession.DISLOCATION.toMillis() - 1_000, TradingSession.DISLOCATION.toMillis() + 1_000);
        // About 50 bps between venues 0.01% apart, before 2 + 2 bps of fees.
        assertThat(closed.get("peak_gross_bps").asDouble()).isBetween(45.0, 65.0);
        assertThat(closed.get("peak_net_bps").asDouble())
                .isCloseTo(closed.get("peak_gross_bps").asDouble() - 4, org.assertj.core.data.Offset.offset(1e-9));
    }

    private static long millis(ControlEvent c) {
        return c.getDecidedAt().getSeconds() * 1000 + c.getDecidedAt().getNanos() / 1_000_000;
    }

    /**
     * A plain re-computation of one strategy's equity over the whole session in event-time order (quotes before
     * fills at one millisecond, then by event id): average cost, marks from the latest quote mid, else the last fill
     * price. Returns {first breach time, drawdown bits at that time}.
     */
    static long[] referenceBreach(String strategyKey, double limit) {
        double peak = 0;
        for (double[] r : referenceEquity(strategyKey)) {
            peak = Math.max(peak, r[1]);
            if (peak - r[1] >= limit) {
                return new long[] {(long) r[0], Double.doubleToLongBits(peak - r[1])};
            }
        }
        throw new AssertionError("the reference computation never reaches the limit");
    }

    /**
     * The strategy's equity, computed from the session's fills and quotes alone (average cost, marked at the latest
     * quote mid, or the fill price before the instrument's first quote): one {time, equity, touched, fill} per event
     * time once it has a position. touched = a fill of the strategy or a quote of an instrument it holds at that time
     * (when the plane emits a snapshot); fill = a fill of the strategy at that time.
     */
    static List<double[]> referenceEquity(String strategyKey) {
        List<Envelope> book = new ArrayList<>();
        for (TradingSession.Item i : items) {
            if (i.envelope() != null
                    && !i.envelope().getEventId().startsWith("bad-")
                    && (i.envelope().hasFill() || i.envelope().hasQuote())) {
                book.add(i.envelope());
            }
        }
        book.sort(Comparator.<Envelope>comparingLong(e ->
                        e.getEventTime().getSeconds() * 1000 + e.getEventTime().getNanos() / 1_000_000)
                .thenComparingInt(e -> e.hasFill() ? 1 : 0)
                .thenComparing(Envelope::getEventId));
        Map<String, double[]> pos = new HashMap<>(); // instrument -> qty, avg, realized, fees
        Map<String, Double> marks = new HashMap<>();
        Map<String, Boolean> quoted = new HashMap<>();
        List<double[]> out = new ArrayList<>();
        boolean touched = false;
        boolean filled = false;
        for (int i = 0; i < book.size(); i++) {
            Envelope e = book.get(i);
            long t = e.getEventTime().getSeconds() * 1000 + e.getEventTime().getNanos() / 1_000_000;
            if (e.hasQuote()) {
                marks.put(
                        e.getQuote().getInstrument(),
                        (e.getQuote().getBid() + e.getQuote().getAsk()) / 2);
                quoted.put(e.getQuote().getInstrument(), true);
                double[] held = pos.get(e.getQuote().getInstrument());
                touched |= held != null && held[0] != 0;
            } else {
                Fill f = e.getFill();
                if ((f.getOrg() + "|" + f.getStrategy()).equals(strategyKey)) {
                    touched = true;
                    filled = true;
                    double[] p = pos.computeIfAbsent(f.getInstrument(), k -> new double[4]);
                    double q = f.getSide() == Side.BUY ? f.getQuantity() : -f.getQuantity();
                    if (p[0] == 0 || Math.signum(p[0]) == Math.signum(q)) {
                        p[1] = (Math.abs(p[0]) * p[1] + Math.abs(q) * f.getPrice()) / (Math.abs(p[0]) + Math.abs(q));
                        p[0] += q;
                    } else {
                        double closing = Math.min(Math.abs(q), Math.abs(p[0]));
                        p[2] += closing * (f.getPrice() - p[1]) * Math.signum(p[0]);
                        double rest = p[0] + q;
                        if (Math.abs(rest) < 1e-12) {
                            p[0] = 0;
                            p[1] = 0;
                        } else if (Math.signum(rest) != Math.signum(p[0])) {
                            p[0] = rest;
                            p[1] = f.getPrice();
                        } else {
                            p[0] = rest;
                        }
                    }
                    p[3] += f.getFee();
                }
                if (!quoted.getOrDefault(f.getInstrument(), false)) {
                    marks.put(f.getInstrument(), f.getPrice());
                }
            }
            boolean lastAtT =
                    i + 1 == book.size() || book.get(i + 1).getEventTime().equals(e.getEventTime()) == false;
            if (!lastAtT || pos.isEmpty()) {
                continue;
            }
            double equity = 0;
            for (Map.Entry<String, double[]> p : new java.util.TreeMap<>(pos).entrySet()) {
                double[] v = p.getValue();
                equity += v[2] - v[3] + (v[0] == 0 ? 0 : v[0] * (marks.get(p.getKey()) - v[1]));
            }
            out.add(new double[] {t, equity, touched ? 1 : 0, filled ? 1 : 0});
            touched = false;
            filled = false;
        }
        return out;
    }

    /** Reason and record number of each dead letter, sorted. */
    private static List<String> deadLetterKeys(List<String> lines) throws Exception {
        List<String> keys = new ArrayList<>();
        for (String line : lines) {
            var d = EnvelopeJson.parse(line).getDeadLetter();
            keys.add(d.getReasonCode() + "@" + d.getSourceOffset());
        }
        keys.sort(null);
        return keys;
    }
}
