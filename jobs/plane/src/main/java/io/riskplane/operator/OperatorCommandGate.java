package io.riskplane.operator;

import io.riskplane.model.ControlRecord;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.Decoded;
import io.riskplane.model.OperatorDirective;
import io.riskplane.v1.Envelope;
import io.riskplane.verify.ControlSigner;
import io.riskplane.verify.OperatorCommands;
import io.riskplane.verify.SigningKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Lets through the operator commands that their operator signed, each once, and turns each into its control event
 * ({@link OperatorControls}) and, for the rules, its directive ({@link #ACCEPTED}). Keyed by command id. A command is refused, as a dead letter with its reason and counted
 * in {@code dead_letters{reason}}, when its operator has no key here (UNKNOWN_OPERATOR), when its signature does not
 * verify (BAD_SIGNATURE), or when a command with its id was accepted before (REPLAYED_COMMAND); the input validation
 * refused unsigned ones already. Nothing of a refused command is applied. An accepted id is remembered until the
 * router would refuse its event time as stale anyway (the stale horizon past it), so a replay of the same bytes is
 * refused either way.
 *
 * <p>The keys (operator id, and where its key is) come from configuration ({@code security.operator_keys}) and are
 * read in {@link #open}, on the task manager: the key material is never part of the job graph.
 */
public class OperatorCommandGate extends KeyedProcessFunction<String, Decoded, ControlRecord> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetterRecord> REFUSED =
            new OutputTag<>("refused-operator-commands", TypeInformation.of(DeadLetterRecord.class));
    /** Every accepted command, for the rules: a resume re-arms the rules it lifts (docs/rules.md). */
    public static final OutputTag<OperatorDirective> ACCEPTED =
            new OutputTag<>("accepted-operator-commands", TypeInformation.of(OperatorDirective.class));

    private final List<SigningKey> operatorKeys;
    private final long staleHorizonMillis;
    private transient Map<String, ControlSigner> keys;
    private transient ValueState<Boolean> accepted;
    private transient Map<String, Counter> refusedByReason;

    public OperatorCommandGate(List<SigningKey> operatorKeys, long staleHorizonMillis) {
        this.operatorKeys = List.copyOf(operatorKeys);
        this.staleHorizonMillis = staleHorizonMillis;
    }

    public static String key(Decoded d) {
        return d.eventId(); // the command id (validation requires them equal)
    }

    @Override
    public void open(OpenContext openContext) {
        keys = new TreeMap<>();
        for (SigningKey k : operatorKeys) {
            keys.put(k.keyId(), k.load());
        }
        accepted = getRuntimeContext().getState(new ValueStateDescriptor<>("accepted-command", Types.BOOLEAN));
        refusedByReason = new HashMap<>();
    }

    @Override
    public void processElement(Decoded d, Context ctx, Collector<ControlRecord> out) throws Exception {
        Envelope e = Envelope.parseFrom(d.envelope());
        String refusal =
                switch (OperatorCommands.verify(e, keys)) {
                    case ACCEPTED -> null;
                    case UNSIGNED -> DeadLetterReason.UNSIGNED_COMMAND;
                    case UNKNOWN_OPERATOR -> DeadLetterReason.UNKNOWN_OPERATOR;
                    case BAD_SIGNATURE -> DeadLetterReason.BAD_SIGNATURE;
                };
        if (refusal == null && accepted.value() != null) {
            refusal = DeadLetterReason.REPLAYED_COMMAND;
        }
        if (refusal != null) {
            refuse(d, e, refusal, ctx);
            return;
        }
        accepted.update(Boolean.TRUE);
        ctx.timerService().registerEventTimeTimer(d.eventTimeMillis() + staleHorizonMillis + 1);
        OperatorDirective directive = OperatorControls.directive(e);
        out.collect(OperatorControls.of(e, directive));
        ctx.output(ACCEPTED, directive);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ControlRecord> out) {
        accepted.clear();
    }

    private void refuse(Decoded d, Envelope e, String reason, Context ctx) {
        refusedByReason
                .computeIfAbsent(reason, r -> getRuntimeContext()
                        .getMetricGroup()
                        .addGroup("reason", r)
                        .counter("dead_letters"))
                .inc();
        String who = e.getOperatorCommand().getOperatorId();
        String detail =
                switch (reason) {
                    case DeadLetterReason.UNSIGNED_COMMAND ->
                        "operator command " + d.eventId() + " carries no signature";
                    case DeadLetterReason.UNKNOWN_OPERATOR ->
                        "operator command " + d.eventId() + " names operator '" + who
                                + "', for whom the plane has no key (security.operator_keys)";
                    case DeadLetterReason.BAD_SIGNATURE ->
                        "operator command " + d.eventId() + " does not verify under the key" + " of operator '" + who
                                + "': forged or altered";
                    default -> "operator command " + d.eventId() + " was accepted before: a command is applied once";
                };
        ctx.output(REFUSED, DeadLetterRecord.of(d, reason, detail + "; not applied"));
    }
}
