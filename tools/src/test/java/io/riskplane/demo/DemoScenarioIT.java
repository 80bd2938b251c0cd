package io.riskplane.demo;

import static io.riskplane.testing.Await.awaitTrue;
import static io.riskplane.testing.PlaneDrills.poll;
import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.cli.DemoSecondAct;
import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.infra.CommittedTopicReader;
import io.riskplane.infra.EnvelopePublisher;
import io.riskplane.infra.LocalPlane;
import io.riskplane.testing.PlaneDrills;
import io.riskplane.v1.Alert;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Fill;
import io.riskplane.v1.HaltState;
import io.riskplane.v1.HaltStatus;
import io.riskplane.v1.OrderState;
import io.riskplane.v1.Scope;
import io.riskplane.v1.Side;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's second act (cli.DemoSecondAct) on the real plane: an in-JVM broker, ClickHouse and the job on a Flink
 * MiniCluster, after the demo session. Every expectation is computed here from the generated records and the
 * session's policies, not by the plane's code: after on-call's resume, the runaway globex/pm-arb trips its guardrail
 * again at the 21st order within 10 s (max_orders_strategy 20); the whipsaw takes acme/momentum-btc's drawdown across
 * its 25,000 limit again and again, yet the strategy, halted once, is halted and paged once.
 */
class DemoScenarioIT {
    /** globex-default: max_orders_strategy 20 in order_rate_window_s 10, cooldown_base_s 30. */
    static final int MAX_ORDERS = 20;

    static final long FIRST_COOLDOWN_MS = 30_000;

    @TempDir
    static Path dir;

    static LocalPlane plane;
    static List<TradingSession.Item> session;
    static long sessionEnd;
    static DemoSecondAct.Outcome act;

    @BeforeAll
    static void bothActs() throws Exception {
        plane = LocalPlane.start(dir, null, 2, line -> System.out.println("[demo-it] " + line));
        session = TradingSession.demo().generate();
        sessionEnd = session.stream()
                .filter(i -> i.envelope() != null && !i.envelope().getEventId().startsWith("bad-"))
                .mapToLong(TradingSession.Item::eventTimeMillis)
                .max()
                .orElseThrow();
        try (EnvelopePublisher p = new EnvelopePublisher(plane.kafka.bootstrapServers(), new Properties())) {
            for (TradingSession.Item i : session) {
                p.send(i.topic(), i.envelope(), i.value());
            }
            p.flush();
        }
        // Act one, as far as act two needs it: both strategies halted.
        try (CommittedTopicReader r = CommittedTopicReader.control(plane.kafka.bootstrapServers())) {
            awaitTrue("act one's guardrail and drawdown kill-switches", () -> {
                List<String> rules =
                        poll(r).stream().map(e -> e.getControl().getRuleId()).toList();
                return rules.contains("guardrail.repeat.kill-switch") && rules.contains("pnl.drawdown.kill-switch");
            });
        }
        act = DemoSecondAct.run(
                plane,
                TradingSession.demo(),
                session,
                Duration.ofMinutes(4),
                line -> System.out.println("[demo-it] act two: " + line));
    }

    @AfterAll
    static void stop() throws Exception {
        if (plane != null) {
            plane.close();
        }
    }

    @Test
    void afterTheOperatorsResumeTheGuardrailFiresAgain() throws Exception {
        List<ControlEvent> controls =
                readAll(Topics.CONTROL).stream().map(Envelope::getControl).toList();
        // The resume: signed by on-call, answered once, just after the session's last event, lifting every rule.
        List<Envelope> commands = readAll(Topics.OPERATOR);
        assertThat(commands).hasSize(1);
        long resumeAt = ProtoTime.toMillis(commands.get(0).getEventTime());
        assertThat(resumeAt).isGreaterThan(sessionEnd).isLessThanOrEqualTo(sessionEnd + 1_000);
        List<ControlEvent> resumes = controls.stream()
                .filter(c -> c.getRuleId().equals("operator.resume"))
                .toList();
        assertThat(resumes).hasSize(1);
        ControlEvent resume = resumes.get(0);
        assertThat(resume.getKind()).isEqualTo(ControlKind.RESUME);
        assertThat(scope(resume.getScope())).isEqualTo("globex/pm-arb");
        assertThat(resume.getLiftsRuleId()).isIn("", "*");
        assertThat(ProtoTime.toMillis(resume.getDecidedAt())).isEqualTo(resumeAt);
        assertThat(resume.getEvidence().getTriggerEventIdsList())
                .containsExactly(commands.get(0).getOperatorCommand().getCommandId());
        assertThat(act.resume()).isEqualTo(resume);

        // The runaway orders after the resume: the 21st new order within 10 s trips the scope afresh (a first
        // cooldown, not a kill: the resume cleared the three trips of act one).
        List<TradingSession.Item> burst = act.burst();
        assertThat(burst).allSatisfy(i -> assertThat(i.eventTimeMillis()).isGreaterThan(resumeAt));
        List<Long> submitted = burst.stream()
                .map(TradingSession.Item::envelope)
                .filter(e -> e.hasOrder()
                        && e.getOrder().getState() == OrderState.SUBMITTED
                        && e.getOrder().getStrategy().equals("pm-arb"))
                .map(e -> ProtoTime.toMillis(e.getEventTime()))
                .sorted()
                .toList();
        assertThat(submitted.get(MAX_ORDERS) - submitted.get(0)).isLessThan(10_000);
        long tripAt = submitted.get(MAX_ORDERS);
        List<ControlEvent> after = controls.stream()
                .filter(c -> c.getRuleId().startsWith("guardrail.")
                        && scope(c.getScope()).equals("globex/pm-arb")
                        && ProtoTime.toMillis(c.getDecidedAt()) > resumeAt)
                .toList();
        assertThat(after).hasSize(1);
        ControlEvent again = after.get(0);
        assertThat(again.getRuleId()).isEqualTo("guardrail.trip.cooldown");
        assertThat(again.getKind()).isEqualTo(ControlKind.COOLDOWN);
        assertThat(again.getReasonCode()).isEqualTo("GUARDRAIL_ORDER_RATE");
        assertThat(ProtoTime.toMillis(again.getDecidedAt())).isEqualTo(tripAt);
        assertThat(ProtoTime.toMillis(again.getExpiresAt())).isEqualTo(tripAt + FIRST_COOLDOWN_MS);
        assertThat(act.guardrailAfter()).containsExactly(again);
        // Before the resume the scope was killed, and stays in the record.
        assertThat(controls).anySatisfy(c -> {
            assertThat(c.getRuleId()).isEqualTo("guardrail.repeat.kill-switch");
            assertThat(ProtoTime.toMillis(c.getDecidedAt())).isLessThan(resumeAt);
        });

        Map<String, HaltState> states = haltStates();
        HaltState pmArb = states.values().stream()
                .filter(s -> scope(s.getScope()).equals("globex/pm-arb")
                        && s.getScope().getInstrument().isEmpty())
                .findFirst()
                .orElseThrow();
        assertThat(pmArb.getStatus()).isEqualTo(HaltStatus.HALT_STATUS_COOLING_DOWN);
        assertThat(pmArb.getHaltsList())
                .extracting(h -> h.getRuleId() + " " + h.getControlId())
                .containsExactly("guardrail.trip.cooldown " + again.getControlId());
    }

    @Test
    void aDrawdownWhipsawingAroundItsLimitKillsOnceAndPagesOnce() throws Exception {
        // Crossings counted here from the generated fills and marks, by cash flow (docs/metrics.md).
        int crossings = crossings(session, act.whipsaw(), TradingSession.INCIDENT_MAX_DRAWDOWN);
        assertThat(crossings).isGreaterThanOrEqualTo(3).isEqualTo(act.crossings());

        // The plane saw every mark: its PnL bars of the strategy cross the limit as often, from the session's last.
        long from = act.whipsaw().get(0).eventTimeMillis();
        // A bar is stored once event time reaches the next second: the hold after the last mark gets it there.
        long lastMarkSecond = from + (TradingSession.WHIPSAW_MARKS - 1) * 1000L;
        awaitTrue(
                "act two's PnL bars in ClickHouse",
                () -> count("SELECT count() FROM riskplane.pnl_bars FINAL "
                                + "WHERE scope_type = 'strategy' AND strategy = 'momentum-btc' AND fill_row = 0 AND bar_start_ms >= "
                                + lastMarkSecond)
                        >= 1);
        String bars = "SELECT drawdown FROM riskplane.pnl_bars FINAL WHERE scope_type = 'strategy' AND org = 'acme' "
                + "AND strategy = 'momentum-btc' AND fill_row = 0 AND bar_start_ms ";
        List<Double> drawdowns = new ArrayList<>();
        drawdowns.add(Double.parseDouble(plane.clickhouse
                .query(bars + "< " + from + " ORDER BY bar_start_ms DESC, event_time_ms DESC LIMIT 1")
                .trim()));
        plane.clickhouse
                .query(bars + ">= " + from + " ORDER BY bar_start_ms")
                .lines()
                .map(Double::parseDouble)
                .forEach(drawdowns::add);
        assertThat(drawdowns).hasSizeGreaterThanOrEqualTo(TradingSession.WHIPSAW_MARKS + 1);
        int barCrossings = 0;
        for (int i = 1; i < drawdowns.size(); i++) {
            if ((drawdowns.get(i) >= TradingSession.INCIDENT_MAX_DRAWDOWN)
                    != (drawdowns.get(i - 1) >= TradingSession.INCIDENT_MAX_DRAWDOWN)) {
                barCrossings++;
            }
        }
        assertThat(barCrossings)
                .as("limit crossings in the plane's bars " + drawdowns)
                .isEqualTo(crossings);

        // One kill-switch, in act one, and never again.
        List<ControlEvent> kills = readAll(Topics.CONTROL).stream()
                .map(Envelope::getControl)
                .filter(c -> c.getRuleId().equals("pnl.drawdown.kill-switch")
                        && scope(c.getScope()).equals("acme/momentum-btc"))
                .toList();
        assertThat(kills).hasSize(1);
        assertThat(ProtoTime.toMillis(kills.get(0).getDecidedAt())).isLessThan(sessionEnd);
        assertThat(act.drawdownKills()).containsExactlyElementsOf(kills);

        // One page for that episode, still firing (no RESUME resolved it).
        List<Alert> alerts = readAll(Topics.ALERTS).stream()
                .map(Envelope::getAlert)
                .filter(a -> a.getRuleId().equals("pnl.drawdown.kill-switch")
                        && scope(a.getScope()).equals("acme/momentum-btc"))
                .toList();
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).hasEndsAt()).isFalse();
        assertThat(alerts.get(0).getSeverity().name()).isEqualTo("PAGE");
        assertThat(alerts.get(0).getControlId()).isEqualTo(kills.get(0).getControlId());
        assertThat(act.drawdownPages()).containsExactlyElementsOf(alerts);

        HaltState momentum = haltStates().values().stream()
                .filter(s -> scope(s.getScope()).equals("acme/momentum-btc")
                        && s.getHaltsList().stream().anyMatch(h -> h.getRuleId().equals("pnl.drawdown.kill-switch")))
                .findFirst()
                .orElseThrow();
        assertThat(momentum.getStatus()).isEqualTo(HaltStatus.HALT_STATUS_HALTED);
        assertThat(act.halted()).contains(momentum);
    }

    /**
     * How often the strategy's drawdown crosses the limit over {@code after}'s BTC marks, from where the session left
     * it: equity = cash from fills (net of fees) + position * mark (mid of the latest BTC quote), peak from 0.
     */
    static int crossings(List<TradingSession.Item> before, List<TradingSession.Item> after, double limit) {
        double[] book = new double[4]; // cash, position, mark, peak
        List<TradingSession.Item> all = new ArrayList<>(before);
        all.addAll(after);
        List<TradingSession.Item> ordered = all.stream()
                .filter(i -> i.envelope() != null && !i.envelope().getEventId().startsWith("bad-"))
                .sorted(Comparator.comparingLong(TradingSession.Item::eventTimeMillis)
                        .thenComparing(i -> i.envelope().getEventId()))
                .toList();
        long actStart = after.get(0).eventTimeMillis();
        Boolean above = null;
        int crossings = 0;
        for (TradingSession.Item i : ordered) {
            Envelope e = i.envelope();
            if (e.hasFill()
                    && e.getFill().getStrategy().equals("momentum-btc")
                    && e.getFill().getOrg().equals("acme")) {
                Fill f = e.getFill();
                double q = (f.getSide() == Side.BUY ? 1 : -1) * f.getQuantity();
                book[0] -= q * f.getPrice() + f.getFee();
                book[1] += q;
            } else if (e.hasQuote() && e.getQuote().getInstrument().equals("CRYPTO:BTC-USD")) {
                book[2] = (e.getQuote().getBid() + e.getQuote().getAsk()) / 2;
            } else {
                continue;
            }
            double equity = book[0] + book[1] * book[2];
            book[3] = Math.max(book[3], equity);
            boolean now = book[3] - equity >= limit;
            if (above != null && now != above && i.eventTimeMillis() >= actStart) {
                crossings++;
            }
            above = now;
        }
        return crossings;
    }

    static Map<String, HaltState> haltStates() throws Exception {
        Map<String, HaltState> latest = new TreeMap<>();
        for (Envelope e : readAll(Topics.HALT_STATE)) {
            latest.put(
                    io.riskplane.verify.ControlVerifier.scopeKey(
                            e.getHaltState().getScope()),
                    e.getHaltState());
        }
        return latest;
    }

    /** Every committed record of a topic, read to its end (read_committed). */
    static List<Envelope> readAll(String topic) throws Exception {
        List<Envelope> out = new ArrayList<>();
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> c =
                CommittedTopicReader.fromBeginning(plane.kafka.bootstrapServers(), topic)) {
            var parts = new ArrayList<>(c.assignment());
            var end = c.endOffsets(parts);
            awaitTrue(topic + " read to its end", () -> {
                for (var r : c.poll(Duration.ofMillis(200))) {
                    try {
                        out.add(Envelope.parseFrom(r.value()));
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new IllegalStateException(e);
                    }
                }
                return parts.stream().allMatch(tp -> c.position(tp) >= end.get(tp));
            });
        }
        return out;
    }

    static String scope(Scope s) {
        return s.getOrg() + "/" + s.getStrategy();
    }

    private static long count(String sql) {
        return PlaneDrills.count(plane, sql);
    }
}
