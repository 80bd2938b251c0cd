package io.riskplane.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.model.ControlRecord;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.Decoded;
import io.riskplane.model.OperatorDirective;
import io.riskplane.testing.SnapshotRestore;
import io.riskplane.testing.SnapshotRestore.Step;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.OperatorAction;
import io.riskplane.verify.ControlSigner;
import io.riskplane.verify.OperatorCommands;
import io.riskplane.verify.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshot/restore of OperatorCommandGate (its cleanup is OperatorCommandGateTest's): a command accepted before the
 * snapshot is still refused as a replay after the restore, and forgotten at the same watermark; main output, refusals
 * and accepted directives equal the uninterrupted run's at every cut.
 */
class OperatorCommandGateHarnessTest {
    static final byte[] KEY = "oncall-key-oncall-key-oncall-k32".getBytes(StandardCharsets.US_ASCII);
    static final ControlSigner ONCALL = new ControlSigner("oncall", KEY);
    static final long T = 1_700_000_000_000L;
    static final long HORIZON = 3_600_000;

    private interface S extends Step<KeyedOneInputStreamOperatorTestHarness<String, Decoded, ControlRecord>> {}

    @TempDir
    Path dir;

    KeyedOneInputStreamOperatorTestHarness<String, Decoded, ControlRecord> harness() throws Exception {
        Path keyFile = dir.resolve("oncall.key");
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(KEY));
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(
                        new OperatorCommandGate(List.of(new SigningKey("oncall", null, keyFile.toString())), HORIZON)),
                OperatorCommandGate::key,
                Types.STRING);
    }

    static S command(String id, OperatorAction action, long at, long offset, boolean signed) {
        Envelope e = OperatorCommandGateTest.command(id, action, "oncall", "", at);
        Envelope sent = signed ? OperatorCommands.sign(e, ONCALL) : e;
        Decoded d = OperatorCommandGateTest.decoded(sent, at, offset);
        return h -> h.processElement(d, at);
    }

    static List<S> input() {
        List<S> steps = new ArrayList<>();
        steps.add(command("cmd-1", OperatorAction.OPERATOR_HALT, T, 0, true));
        steps.add(command("cmd-2", OperatorAction.OPERATOR_RESUME, T + 1_000, 1, false)); // unsigned
        steps.add(h -> h.processWatermark(T + 10_000));
        steps.add(command("cmd-1", OperatorAction.OPERATOR_HALT, T, 2, true)); // replay
        steps.add(command("cmd-3", OperatorAction.OPERATOR_RESUME, T + 20_000, 3, true));
        steps.add(h -> h.processWatermark(T + HORIZON + 1)); // cmd-1 forgotten
        steps.add(command("cmd-1", OperatorAction.OPERATOR_HALT, T, 4, true)); // accepted anew (router refuses it)
        steps.add(command("cmd-3", OperatorAction.OPERATOR_RESUME, T + 20_000, 5, true)); // still a replay
        return steps;
    }

    @Test
    void aSnapshotAnywhereRestoresToTheUninterruptedOutputs() throws Exception {
        List<Object> main = SnapshotRestore.assertSameAtEveryCut(this::harness, input(), SnapshotRestore.mainOutput());
        assertThat(main).extracting(o -> ((ControlRecord) o).decidedAtMillis()).containsExactly(T, T + 20_000, T);
        List<Object> refused = SnapshotRestore.assertSameAtEveryCut(
                this::harness, input(), SnapshotRestore.sideOutput(OperatorCommandGate.REFUSED));
        assertThat(refused)
                .extracting(o -> ((DeadLetterRecord) o).reasonCode())
                .containsExactly("UNSIGNED_COMMAND", "REPLAYED_COMMAND", "REPLAYED_COMMAND");
        List<Object> accepted = SnapshotRestore.assertSameAtEveryCut(
                this::harness, input(), SnapshotRestore.sideOutput(OperatorCommandGate.ACCEPTED));
        assertThat(accepted)
                .extracting(o -> ((OperatorDirective) o).commandId())
                .containsExactly("cmd-1", "cmd-3", "cmd-1");
    }

    @Test
    void afterARestoreAnAcceptedIdIsStillForgottenAtItsHorizon() throws Exception {
        var r = SnapshotRestore.restoredAfter(this::harness, input().subList(0, 5), 3, T, SnapshotRestore.mainOutput());
        var h = r.harness();
        assertThat(h.numKeyedStateEntries()).isEqualTo(2);
        h.processWatermark(T + 20_000 + HORIZON + 1);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        h.close();
    }
}
