package io.riskplane.plane;

import io.riskplane.model.BookEvent;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.model.DeadLetterRecord;
import io.riskplane.model.Decoded;
import io.riskplane.model.LaneRunRecord;
import io.riskplane.model.OrderRecord;
import io.riskplane.staleness.StalenessInput;
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
    public static final OutputTag<ExecutionInput> EXECUTION =
            new OutputTag<>("execution", TypeInformation.of(ExecutionInput.class));
    public static final OutputTag<OrderRecord> ORDERS =
            new OutputTag<>("orders", TypeInformation.of(OrderRecord.class));
    public static final OutputTag<StalenessInput> SIGNALS_AND_CURSORS =
            new OutputTag<>("signals-and-cursors", TypeInformation.of(StalenessInput.class));
    public static final OutputTag<LaneRunRecord> LANE_RUNS =
            new OutputTag<>("lane-runs", TypeInformation.of(LaneRunRecord.class));
    public static final OutputTag<DeadLetterRecord> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetterRecord.class));

    /** An event further behind the watermark than this is STALE_TIMESTAMP (PlaneOptions.staleHorizon). */
    private final long staleHorizonMillis;

    private transient Map<String, Counter> deadLettersByReason;
    private transient Counter events;

    public EventRouter(long staleHorizonMillis) {
        this.staleHorizonMillis = staleHorizonMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        deadLettersByReason = new HashMap<>();
        events = getRuntimeContext().getMetricGroup().counter("events_in");
    }

    @Override
    public void processElement(Decoded d, Context ctx, Collector<Decoded> out) {
        events.inc();
        if (!d.isDeadLetter()) {
            // An absurdly old time (1970, last year) would start tick loops and windows far in the past and hold
            // state for keys no producer uses: it is refused, relative to the watermark (live and replay alike).
            long watermark = ctx.timerService().currentWatermark();
            if (watermark > Long.MIN_VALUE + staleHorizonMillis
                    && d.eventTimeMillis() < watermark - staleHorizonMillis) {
                d = new Decoded(
                        Decoded.DEAD_LETTER_KIND,
                        d.eventId(),
                        d.source(),
                        d.ingestMillis(),
                        d.topic(),
                        d.partition(),
                        d.offset(),
                        d.ingestMillis(),
                        d.envelope(),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        DeadLetterRecord.of(
                                d,
                                DeadLetterReason.STALE_TIMESTAMP,
                                "event_time "
                                        + java.time.Instant.ofEpochMilli(d.eventTimeMillis()) + " is more than "
                                        + staleHorizonMillis + " ms behind the plane's event time (watermark "
                                        + java.time.Instant.ofEpochMilli(watermark) + ")"));
            }
        }
        if (d.isDeadLetter()) {
            deadLettersByReason
                    .computeIfAbsent(d.deadLetter().reasonCode(), this::counter)
                    .inc();
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
            ctx.output(ORDERS, d.order());
        }
        if (d.signal() != null) {
            ctx.output(EXECUTION, new ExecutionInput(null, null, d.signal(), d.ingestMillis()));
            ctx.output(SIGNALS_AND_CURSORS, StalenessInput.of(d.signal()));
        }
        if (d.cursor() != null) {
            ctx.output(SIGNALS_AND_CURSORS, StalenessInput.of(d.cursor()));
        }
        if (d.laneRun() != null) {
            ctx.output(LANE_RUNS, d.laneRun());
        }
    }

    private Counter counter(String reason) {
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup("reason", reason);
        return g.counter("dead_letters");
    }
}
