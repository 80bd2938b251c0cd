package io.riskplane.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.GuardrailTrip;
import io.riskplane.v1.ControlAction;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Envelope;
import org.junit.jupiter.api.Test;

/** A trip is a cooldown that expires by itself; the trip that reaches kill_trips is a kill-switch that does not. */
class GuardrailRuleTest {
    static GuardrailTrip trip(int n, boolean kill) {
        return new GuardrailTrip(
                "t" + n,
                "strategy",
                "globex",
                "pm-arb",
                "",
                GuardrailTrip.ORDER_RATE,
                100_000L * n,
                100_000L * n - 10_000,
                21,
                "max_orders_strategy",
                20,
                n,
                900_000,
                30_000L << (n - 1),
                100_000L * n + (30_000L << (n - 1)),
                3,
                kill,
                "globex-default",
                4,
                new String[] {"o1", "o2"});
    }

    @Test
    void cooldownCarriesItsExpiryAndTheKillDoesNot() throws Exception {
        ControlEvent cool = Envelope.parseFrom(
                        GuardrailRule.controlEvent(trip(2, false)).envelope())
                .getControl();
        assertThat(cool.getKind()).isEqualTo(ControlKind.COOLDOWN);
        assertThat(cool.getAction()).isEqualTo(ControlAction.HALT_NEW_ENTRIES);
        assertThat(cool.getReasonCode()).isEqualTo("GUARDRAIL_ORDER_RATE");
        assertThat(cool.getRuleId()).isEqualTo("guardrail.trip.cooldown");
        assertThat(cool.getExpiresAt().getSeconds()).isEqualTo(260); // 200 s + 60 s of cooldown
        assertThat(cool.getPolicyVersion()).isEqualTo(4);
        assertThat(cool.getScope().getStrategy()).isEqualTo("pm-arb");
        assertThat(cool.getEvidence().getTriggerEventIdsList()).containsExactly("o1", "o2");

        ControlEvent kill = Envelope.parseFrom(
                        GuardrailRule.controlEvent(trip(3, true)).envelope())
                .getControl();
        assertThat(kill.getKind()).isEqualTo(ControlKind.KILL_SWITCH);
        assertThat(kill.getRuleId()).isEqualTo("guardrail.repeat.kill-switch");
        assertThat(kill.getReasonCode()).isEqualTo("GUARDRAIL_REPEATED_TRIPS");
        assertThat(kill.hasExpiresAt()).isFalse();
        assertThat(kill.getControlId()).isNotEqualTo(cool.getControlId());
    }
}
