package io.riskplane.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.Decoded;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.ControlKind;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.OperatorAction;
import io.riskplane.v1.OperatorCommand;
import io.riskplane.v1.Scope;
import io.riskplane.verify.ControlSigner;
import io.riskplane.verify.OperatorCommands;
import io.riskplane.verify.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Harness test of the operator command gate: signed once, refused otherwise, and its state forgotten. */
class OperatorCommandGateTest {
    static final byte[] KEY = "oncall-key-oncall-key-oncall-k32".getBytes(StandardCharsets.US_ASCII);
    static final ControlSigner ONCALL = new ControlSigner("oncall", KEY);
    static final long T = 1_700_000_000_000L;
    static final long HORIZON = 3_600_000;

    @TempDir
    Path dir;

    KeyedOneInputStreamOperatorTestHarness<String, Decoded, ControlRecord> h;
    long offset;

    @BeforeEach
    void setUp() throws Exception {
        Path keyFile = dir.resolve("oncall.key");
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(KEY));
        h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new OperatorCommandGate(List.of(new SigningKey("oncall", null, keyFile.toString())), HORIZON),
                OperatorCommandGate::key,
                Types.STRING);
    }

    static Envelope command(String id, OperatorAction action, String operator, String rule) {
        return command(id, action, operator, rule, T);
    }

    static Envelope command(String id, OperatorAction action, String operator, String rule, long at) {
        return Envelope.newBuilder()
                .setEventId(id)
                .setSource("riskplane-cli")
                .setEventTime(ProtoTime.fromMillis(at))
                .setOperatorCommand(OperatorCommand.newBuilder()
                        .setCommandId(id)
                        .setAction(action)
                        .setScope(Scope.newBuilder().setOrg("acme").setStrategy("momo"))
                        .setRuleId(rule)
                        .setOperatorId(operator)
                        .setReason("desk approved")
                        .setTicket("INC-9"))
                .build();
    }

    void feed(Envelope e) throws Exception {
        h.processElement(decoded(e, T, offset++), T);
    }

    static Decoded decoded(Envelope e, long at, long offset) {
        return new Decoded(
                "operator_command",
                e.getEventId(),
                e.getSource(),
                at,
                Topics.OPERATOR,
                0,
                offset,
                at,
                e.toByteArray(),
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    List<DeadLetterRecord> refused() {
        var q = h.getSideOutput(OperatorCommandGate.REFUSED);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void aSignedHaltBecomesAKillSwitchThatNamesTheCommandOnce() throws Exception {
        Envelope halt = OperatorCommands.sign(command("cmd-1", OperatorAction.OPERATOR_HALT, "oncall", ""), ONCALL);
        feed(halt);
        feed(halt); // the same bytes again: a replay
        List<ControlRecord> out = h.extractOutputValues();
        assertThat(out).hasSize(1);
        ControlEvent c = Envelope.parseFrom(out.get(0).envelope()).getControl();
        assertThat(c.getKind()).isEqualTo(ControlKind.KILL_SWITCH);
        assertThat(c.getRuleId()).isEqualTo("operator.halt");
        assertThat(ProtoTime.toMillis(c.getDecidedAt())).isEqualTo(T);
        assertThat(c.getEvidence().getTriggerEventIdsList()).containsExactly("cmd-1");
        assertThat(c.getEvidence().getSummary())
                .contains("oncall")
                .contains("desk approved")
                .contains("INC-9");
        assertThat(refused()).extracting(DeadLetterRecord::reasonCode).containsExactly("REPLAYED_COMMAND");
    }

    @Test
    void aResumeNamesTheRuleItLifts() throws Exception {
        feed(OperatorCommands.sign(
                command("cmd-2", OperatorAction.OPERATOR_RESUME, "oncall", "guardrail.repeat.kill-switch"), ONCALL));
        feed(OperatorCommands.sign(command("cmd-3", OperatorAction.OPERATOR_RESUME, "oncall", ""), ONCALL));
        List<ControlEvent> out = h.extractOutputValues().stream()
                .map(r -> {
                    try {
                        return Envelope.parseFrom(r.envelope()).getControl();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .toList();
        assertThat(out).extracting(ControlEvent::getKind).containsOnly(ControlKind.RESUME);
        assertThat(out).extracting(ControlEvent::getLiftsRuleId).containsExactly("guardrail.repeat.kill-switch", "*");
        assertThat(out.get(0).getControlId()).isNotEqualTo(out.get(1).getControlId());
    }

    @Test
    void forgedUnknownAndUnsignedCommandsAreRefusedNotApplied() throws Exception {
        ControlSigner mallory =
                new ControlSigner("oncall", "mallory-mallory-mallory-mallory!".getBytes(StandardCharsets.US_ASCII));
        feed(OperatorCommands.sign(command("cmd-4", OperatorAction.OPERATOR_RESUME, "oncall", ""), mallory));
        ControlSigner eve = new ControlSigner("eve", KEY);
        feed(OperatorCommands.sign(command("cmd-5", OperatorAction.OPERATOR_RESUME, "eve", ""), eve));
        feed(command("cmd-6", OperatorAction.OPERATOR_RESUME, "oncall", ""));
        assertThat(h.extractOutputValues()).isEmpty();
        assertThat(refused())
                .extracting(DeadLetterRecord::reasonCode)
                .containsExactly("BAD_SIGNATURE", "UNKNOWN_OPERATOR", "UNSIGNED_COMMAND");
        assertThat(refused().get(0).detail()).contains("cmd-4").contains("not applied");
        // A refused command leaves nothing behind; a genuine one with the forged one's id still passes.
        assertThat(h.numKeyedStateEntries()).isZero();
        feed(OperatorCommands.sign(command("cmd-4", OperatorAction.OPERATOR_RESUME, "oncall", ""), ONCALL));
        assertThat(h.extractOutputValues()).hasSize(1);
    }

    @Test
    void anAcceptedIdIsForgottenOnceTheRouterWouldRefuseItsTimeAsStale() throws Exception {
        feed(OperatorCommands.sign(command("cmd-7", OperatorAction.OPERATOR_HALT, "oncall", ""), ONCALL));
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        h.processWatermark(T + HORIZON);
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        h.processWatermark(T + HORIZON + 1);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }
}
