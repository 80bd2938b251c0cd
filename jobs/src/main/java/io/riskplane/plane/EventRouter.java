package io.riskplane.plane;

import io.riskplane.model.BookEvent;
import io.riskplane.model.Decoded;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.PolicyRecord;
import io.riskplane.telemetry.ExecutionInput;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits decoded input: valid events continue as the raw stream, and their typed views go to the detectors that
 * need them; dead letters leave by a side output and are counted per reason ({@code dead_letters} with label
 * {@code reason}).
 */
public class EventRouter extends ProcessFunction<Decoded, Decoded> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<BookEvent> BOOK = new OutputTag<>("book", TypeInformation.of(BookEvent.class));
    public static final OutputTag<PolicyRecord> POLICIES =
            new OutputTag<>("policies", TypeInformation.of(PolicyRecord.class));
    public static final OutputTag<ExecutionInput> EXECUTION =
            new OutputTag<>("execution", TypeInformation.of(ExecutionInput.class));
    public static final OutputTag<DeadLetterRecord> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetterRecord.class));

    private transient Map<String, Counter> deadLettersByReason;
    private transient Counter events;

    @Override
    public void open(OpenContext openContext) {
        deadLettersByReason = new HashMap<>();
        events = getRuntimeContext().getMetricGroup().counter("events_in");
    }

    @Override
    public void processElement(Decoded d, Context ctx, Collector<Decoded> out) {
        events.inc();
        if (d.isDeadLetter()) {
            deadLettersByReason.computeIfAbsent(d.deadLetter().reasonCode(), this::counter).inc();
            ctx.output(DEAD_LETTERS, d.deadLetter());
            return;
        }
        out.collect(d);
        if (d.book() != null) {
            ctx.output(BOOK, d.book());
            if (d.book().isFill()) {
                ctx.output(EXECUTION, new ExecutionInput(null, d.book(), null, d.ingestMillis()));
            }
        }
        if (d.order() != null) {
            ctx.output(EXECUTION, new ExecutionInput(d.order(), null, null, d.ingestMillis()));
        }
        if (d.signal() != null) {
            ctx.output(EXECUTION, new ExecutionInput(null, null, d.signal(), d.ingestMillis()));
        }
        if (d.policy() != null) {
            ctx.output(POLICIES, d.policy());
        }
    }

    private Counter counter(String reason) {
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup("reason", reason);
        return g.counter("dead_letters");
    }
}
