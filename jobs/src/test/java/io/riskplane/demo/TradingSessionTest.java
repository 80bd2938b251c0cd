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
        assertThat(three.stream().filter(i -> i.envelope() != null).map(i -> i.envelope().getEventId())
                .distinct().count()).isEqualTo(three.stream().filter(i -> i.envelope() != null).count());
    }

    static Set<String> strategies(List<TradingSession.Item> items) {
        return items.stream().map(TradingSession.Item::envelope).filter(e -> e != null && e.hasOrder())
                .filter(e -> !e.getOrder().getStrategy().isEmpty()).map(e -> e.getOrder().getOrg() + "/" + e.getOrder().getStrategy()).collect(Collectors.toSet());
    }

    static Set<String> instruments(List<TradingSession.Item> items) {
        return items.stream().map(TradingSession.Item::envelope).filter(e -> e != null && e.hasQuote())
                .map(Envelope::getQuote).map(q -> q.getInstrument()).filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
    }
}
