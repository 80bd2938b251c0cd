package io.riskplane.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.ProtoTime;
import io.riskplane.guardrails.EarlyOrderRateGuard.ArrivedOrder;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.PolicyRecord;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Envelope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The order rate on arrival: no watermark needed, per partition, cooled down, and never a halt the count denies. */
class EarlyOrderRateGuardTest {
    static final int LIMIT = 3;
    static final long WINDOW_MS = 10_000;
    KeyedBroadcastOperatorTestHarness<String, ArrivedOrder, PolicyRecord, ControlRecord> h;

    @BeforeEach
    void setUp() throws Exception {
        h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new EarlyOrderRateGuard(), ArrivedOrder::key, Types.STRING, EarlyOrderRateGuard.POLICIES);
        h.processBroadcastElement(policy(), 0);
    }

    static PolicyRecord policy() {
        return new PolicyRecord(
                "acme-default",
                3,
                "acme",
                "*",
                "",
                "",
                "",
                "USD",
                1_000,
                0,
                0,
                0,
                false,
                0,
                "p",
                Map.of("max_orders_strategy", (double) LIMIT, "order_rate_window_s", 10.0, "cooldown_base_s", 30.0));
    }

    static ArrivedOrder order(String partition, String id, long millis) {
        return new ArrivedOrder(
                partition,
                new GuardrailInput(
                        GuardrailInput.ORDER,
                        GuardrailInput.STRATEGY,
                        "acme",
                        "momo",
                        "",
                        id,
                        millis,
                        Double.NaN,
                        Double.NaN));
    }

    private List<ControlEvent> feed(List<ArrivedOrder> orders) throws Exception {
        for (ArrivedOrder o : orders) {
            h.processElement(new StreamRecord<>(o, o.input().atMillis()));
        }
        List<ControlEvent> out = new ArrayList<>();
        for (ControlRecord r : h.extractOutputValues()) {
            out.add(Envelope.parseFrom(r.envelope()).getControl());
        }
        return out;
    }

    @Test
    void theOrderThatExceedsTheLimitHaltsAtOnceWithoutAWatermark() throws Exception {
        List<ControlEvent> controls = feed(List.of(
                order("o/0", "a", 1_000),
                order("o/0", "b", 2_000),
                order("o/0", "c", 3_000),
                order("o/0", "d", 4_000)));
        assertThat(controls).hasSize(1);
        ControlEvent c = controls.get(0);
        assertThat(c.getRuleId()).isEqualTo(EarlyOrderRateRule.RULE_ID);
        assertThat(c.getKind()).isEqualTo(ControlKind.COOLDOWN);
        assertThat(c.getScope().getOrg()).isEqualTo("acme");
        assertThat(c.getScope().getStrategy()).isEqualTo("momo");
        assertThat(ProtoTime.toMillis(c.getDecidedAt())).isEqualTo(4_000);
        assertThat(ProtoTime.toMillis(c.getExpiresAt())).isEqualTo(34_000);
        assertThat(c.getEvidence().getTriggerEventIdsList()).containsExactly("a", "b", "c", "d");
        assertThat(c.getEvidence().getMetrics(0).getValue()).isEqualTo(4.0);
        assertThat(c.getEvidence().getSummary()).contains("strategy acme/momo", "4 orders > 3", "10 s");
        assertThat(c.getPolicyVersion()).isEqualTo(3);
    }

    @Test
    void ordersArrivingOutOfEventTimeOrderCountOnlyWhatTheirWindowHolds() throws Exception {
        // 9 s arrives first; at 3 s the window (-7 s, 3 s] holds 1, 2, 3: no trip; 4 s makes it 4 of (-6, 4].
        List<ControlEvent> controls = feed(List.of(
                order("o/0", "e", 9_000),
                order("o/0", "a", 1_000),
                order("o/0", "b", 2_000),
                order("o/0", "c", 3_000),
                order("o/0", "d", 4_000)));
        assertThat(controls)
                .extracting(c -> ProtoTime.toMillis(c.getDecidedAt()))
                .containsExactly(4_000L);
        assertThat(controls.get(0).getEvidence().getTriggerEventIdsList()).containsExactly("a", "b", "c", "d");
    }

    @Test
    void partitionsAreJudgedApartAndAnEarlyTripCoolsDown() throws Exception {
        List<ControlEvent> controls = feed(List.of(
                order("o/0", "a", 1_000),
                order("o/0", "b", 2_000),
                order("o/1", "c", 3_000),
                order("o/1", "d", 4_000),
                // partition 0 alone: 13, 14, 15 are 3 in (5, 15]; 16 s makes 4 in (6, 16] and trips; 20 s cools down
                // (until 46 s)
                order("o/0", "e", 13_000),
                order("o/0", "f", 14_000),
                order("o/0", "g", 15_000),
                order("o/0", "h", 16_000),
                order("o/0", "i", 20_000),
                // after the cooldown, 4 more within 10 s trip again
                order("o/0", "j", 50_000),
                order("o/0", "k", 51_000),
                order("o/0", "l", 52_000),
                order("o/0", "m", 53_000)));
        assertThat(controls)
                .extracting(c -> ProtoTime.toMillis(c.getDecidedAt()))
                .containsExactly(16_000L, 53_000L);
        assertThat(controls.get(0).getEvidence().getTriggerEventIdsList()).containsExactly("e", "f", "g", "h");
        assertThat(controls).extracting(ControlEvent::getControlId).doesNotHaveDuplicates();
    }

    @Test
    void withoutAPolicyNothingTripsAndTheKeyIsForgottenOnceTheWatermarkPassesIt() throws Exception {
        List<ArrivedOrder> other = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            other.add(new ArrivedOrder(
                    "o/0",
                    new GuardrailInput(
                            GuardrailInput.ORDER,
                            GuardrailInput.STRATEGY,
                            "initech",
                            "x",
                            "",
                            "x" + i,
                            1_000 + i,
                            Double.NaN,
                            Double.NaN)));
        }
        assertThat(feed(other)).isEmpty();
        assertThat(keysWithState()).isEqualTo(1);
        h.watermark(1_009 + 2 * WINDOW_MS - 1); // both inputs
        assertThat(keysWithState()).isEqualTo(1);
        h.watermark(1_009 + 2 * WINDOW_MS);
        assertThat(keysWithState()).isZero();
    }

    private long keysWithState() throws Exception {
        try (var keys =
                h.getOperator().<String>getKeyedStateBackend().getKeys("early-order-rate", VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    /**
     * Soundness over random input: every early halt is backed by more than the limit of the scope's orders, over all
     * partitions, within the window ending at its decision time, counted here independently of the guard.
     */
    @Test
    void everyEarlyHaltIsConfirmedByTheCountOverAllPartitions() throws Exception {
        Random random = new Random(7);
        List<ArrivedOrder> orders = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < 2_000; i++) {
            t += random.nextInt(1_500);
            long jitter = random.nextInt(3) == 0 ? -random.nextInt(4_000) : 0; // some arrive late
            orders.add(order("o/" + random.nextInt(3), "id" + i, Math.max(0, t + jitter)));
        }
        List<ControlEvent> controls = feed(orders);
        assertThat(controls).isNotEmpty();
        for (ControlEvent c : controls) {
            long at = ProtoTime.toMillis(c.getDecidedAt());
            long inWindow = orders.stream()
                    .filter(o ->
                            o.input().atMillis() > at - WINDOW_MS && o.input().atMillis() <= at)
                    .count();
            assertThat(inWindow).as("orders within 10 s up to %d", at).isGreaterThan(LIMIT);
            assertThat(c.getEvidence().getTriggerEventIdsCount()).isGreaterThan(LIMIT);
        }
    }
}
