package io.riskplane.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.model.Decoded;
import io.riskplane.model.PolicyRecord;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.RiskPolicy;
import io.riskplane.v1.Scope;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** A policy id and version, once seen, cannot change content. */
class PolicyVersionGateTest {
    static final long NOW = 1_790_000_000_000L;
    final EnvelopeDecoder decoder = new EnvelopeDecoder(300_000);

    Decoded policy(String eventId, long offset, double maxDrawdown) {
        Envelope e = Envelope.newBuilder().setEventId(eventId).setEventTime(ProtoTime.fromMillis(NOW - 60_000))
                .setRiskPolicy(RiskPolicy.newBuilder().setPolicyId("acme-momentum-btc").setVersion(1)
                        .setScope(Scope.newBuilder().setOrg("acme").setStrategy("momentum-btc"))
                        .setCurrency("USD").setMaxDrawdown(maxDrawdown))
                .build();
        return decoder.decode(e.toByteArray(), false, Topics.POLICIES, 0, offset, NOW, NOW);
    }

    @Test
    void theFirstCopyStaysACopyIsDroppedAConflictIsDeadLettered() throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new PolicyVersionGate(), PolicyVersionGate::key,
                Types.STRING);
        h.processElement(policy("pol-1", 0, 3_000), 0);
        h.processElement(policy("pol-1-retry", 1, 3_000), 0); // same content under another event id
        // the attack: the same id and version re-published with maxDrawdown 1e15
        h.processElement(policy("pol-evil", 2, 1e15), 0);
        assertThat(h.extractOutputValues()).extracting(PolicyRecord::maxDrawdown).containsExactly(3_000.0);
        var dead = h.getSideOutput(PolicyVersionGate.CONFLICTS);
        assertThat(dead).hasSize(1);
        var d = dead.iterator().next().getValue();
        assertThat(d.reasonCode()).isEqualTo(DeadLetterReason.CONFLICTING_VERSION);
        assertThat(d.originalEventId()).isEqualTo("pol-evil");
        assertThat(d.sourceOffset()).isEqualTo(2);
        assertThat(d.detail()).contains("acme-momentum-btc").contains("pol-1");
        // a new version is a new key: it passes
        Envelope v2 = Envelope.newBuilder().setEventId("pol-2").setEventTime(ProtoTime.fromMillis(NOW))
                .setRiskPolicy(RiskPolicy.newBuilder().setPolicyId("acme-momentum-btc").setVersion(2)
                        .setScope(Scope.newBuilder().setOrg("acme").setStrategy("momentum-btc")).setMaxDrawdown(2_000))
                .build();
        h.processElement(decoder.decode(v2.toByteArray(), false, Topics.POLICIES, 0, 3, NOW, NOW), 0);
        assertThat(h.extractOutputValues()).extracting(PolicyRecord::version).containsExactly(1L, 2L);
    }
}
