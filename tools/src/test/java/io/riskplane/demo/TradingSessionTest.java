package io.riskplane.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.v1.Envelope;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TradingSessionTest {
    static final Duration LENGTH = Duration.ofMinutes(10);

    static List<TradingSession.Item> session(int scale) {
        return new TradingSession(7, TradingSession.DEFAULT_START, LENGTH, scale).generate();
    }

    @Test
    void scaleOneIsTheSessionWithoutScale() {
        List<TradingSession.Item> plain = new TradingSession(7, TradingSession.DEFAULT_START, LENGTH).generate();
        List<TradingSession.Item> one = session(1);
        assertThat(one).hasSameSizeAs(plain);
        for (int i = 0; i < plain.size(); i++) {
            assertThat(one.get(i).value()).isEqualTo(plain.get(i).value());
        }
    }

    @Test
    void scaleMultipliesStrategiesAndInstrumentsAndKeepsEveryOriginalRecord() {
        List<TradingSession.Item> one = session(1);
        List<TradingSession.Item> three = session(3);
        assertThat(strategies(three)).hasSize(3 * strategies(one).size());
        assertThat(instruments(three)).hasSize(3 * instruments(one).size());
        Set<String> scaled = three.stream().map(i -> Arrays.toString(i.value())).collect(Collectors.toSet());
        assertThat(one).allSatisfy(i -> assertThat(scaled).contains(Arrays.toString(i.value())));
        assertThat(three.stream()
                        .filter(i -> i.envelope() != null)
                        .map(i -> i.envelope().getEventId())
                        .distinct()
                        .count())
                .isEqualTo(three.stream().filter(i -> i.envelope() != null).count());
    }

    /**
     * The demo's second act continues the session: event time past its end, ids of its own, one topic per step, and
     * a whipsaw whose every mark takes acme/momentum-btc's drawdown across its limit, the strategy's position and
     * peak as the session left them.
     */
    @Test
    void theSecondActContinuesTheDemoSession() {
        TradingSession demo = TradingSession.demo();
        List<TradingSession.Item> session = demo.generate();
        long end = TradingSession.lastEventTime(session);
        assertThat(end)
                .isEqualTo(TradingSession.DEFAULT_START
                                .plus(TradingSession.DEFAULT_LENGTH)
                                .toEpochMilli()
                        + 10);
        List<TradingSession.Item> burst = demo.runawayAgain(session, end + 2_000);
        List<TradingSession.Item> whipsaw = demo.drawdownWhipsaw(session, end + 10_000);
        assertThat(burst).extracting(TradingSession.Item::topic).containsOnly(io.riskplane.contract.Topics.ORDERS);
        assertThat(whipsaw).extracting(TradingSession.Item::topic).containsOnly(io.riskplane.contract.Topics.QUOTES);
        assertThat(burst.stream()
                        .filter(i -> i.envelope().getOrder().getState() == io.riskplane.v1.OrderState.SUBMITTED))
                .hasSize(TradingSession.RUNAWAY_ORDERS)
                .allSatisfy(
                        i -> assertThat(i.envelope().getOrder().getStrategy()).isEqualTo("pm-arb"));
        assertThat(burst.get(0).eventTimeMillis()).isEqualTo(end + 2_000);
        assertThat(whipsaw.get(0).eventTimeMillis()).isGreaterThanOrEqualTo(end + 10_000);
        assertThat(whipsaw).hasSize((TradingSession.WHIPSAW_MARKS + TradingSession.WHIPSAW_HOLD_SECONDS) * 8);
        Set<String> ids = session.stream()
                .filter(i -> i.envelope() != null)
                .map(i -> i.envelope().getEventId())
                .collect(Collectors.toSet());
        assertThat(burst).noneMatch(i -> ids.contains(i.envelope().getEventId()));
        assertThat(whipsaw).noneMatch(i -> ids.contains(i.envelope().getEventId()));
        // Deterministic: the same records every time.
        assertThat(demo.drawdownWhipsaw(session, end + 10_000))
                .extracting(i -> Arrays.toString(i.value()))
                .containsExactlyElementsOf(
                        whipsaw.stream().map(i -> Arrays.toString(i.value())).toList());
        StrategyEquity atEnd = StrategyEquity.after(session, "acme", "momentum-btc", "CRYPTO:BTC-USD");
        System.out.printf(
                "momentum-btc at the end of the session: position %.4f, equity %.2f, peak %.2f, "
                        + "drawdown %.2f, mark %.2f%n",
                atEnd.position(), atEnd.equity(), atEnd.peak(), atEnd.drawdown(), atEnd.mark());
        assertThat(StrategyEquity.crossings(
                        session,
                        whipsaw,
                        "acme",
                        "momentum-btc",
                        "CRYPTO:BTC-USD",
                        TradingSession.INCIDENT_MAX_DRAWDOWN))
                .isEqualTo(TradingSession.WHIPSAW_MARKS);
        StrategyEquity after = StrategyEquity.after(
                java.util.stream.Stream.concat(session.stream(), whipsaw.stream())
                        .toList(),
                "acme",
                "momentum-btc",
                "CRYPTO:BTC-USD");
        assertThat(after.peak()).isEqualTo(atEnd.peak());
    }

    static Set<String> strategies(List<TradingSession.Item> items) {
        return items.stream()
                .map(TradingSession.Item::envelope)
                .filter(e -> e != null && e.hasOrder())
                .filter(e -> !e.getOrder().getStrategy().isEmpty())
                .map(e -> e.getOrder().getOrg() + "/" + e.getOrder().getStrategy())
                .collect(Collectors.toSet());
    }

    static Set<String> instruments(List<TradingSession.Item> items) {
        return items.stream()
                .map(TradingSession.Item::envelope)
                .filter(e -> e != null && e.hasQuote())
                .map(Envelope::getQuote)
                .map(q -> q.getInstrument())
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
    }
}
