package io.riskplane.archive;

import io.riskplane.model.ControlRecord;
import io.riskplane.model.Decoded;
import io.riskplane.model.DetectorOutput;
import io.riskplane.model.RawEvent;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The archive job: the history of the plane in the lakehouse, apart from the decision job so that a slow or failing
 * store never holds back a control event. It reads the input topics (decoded and validated as the plane's source
 * does it) for raw_events and, what the decoder refused, rejected_inputs, the detectors' rows for detector_outputs and both control topics for
 * control_events, and commits to Iceberg on its own checkpoints, every few minutes. The sources and sinks are
 * constructor arguments, as in io.riskplane.plane.RiskPlaneJob; its operator uids are its own (archive-*).
 */
public final class ArchiveJob {
    /**
     * How long an early control event's id is remembered: the early topic is at least once, and a repeat written
     * when the plane recovers follows the first copy by seconds to minutes.
     */
    public static final Duration CONTROL_REPEAT_WINDOW = Duration.ofDays(1);

    private final Source<Decoded, ?, ?> inputs;
    private final Source<DetectorOutput, ?, ?> detectorRows;
    private final Source<ControlRecord, ?, ?> controls;
    private final ArchiveSinks sinks;

    public ArchiveJob(
            Source<Decoded, ?, ?> inputs,
            Source<DetectorOutput, ?, ?> detectorRows,
            Source<ControlRecord, ?, ?> controls,
            ArchiveSinks sinks) {
        this.inputs = inputs;
        this.detectorRows = detectorRows;
        this.controls = controls;
        this.sinks = sinks;
    }

    public void build(StreamExecutionEnvironment env) {
        env.getConfig().enableObjectReuse();
        // As in the plane: no Kryo fallback, every record type has a Flink serializer.
        Configuration noKryo = new Configuration();
        noKryo.set(PipelineOptions.GENERIC_TYPES, false);
        env.configure(noKryo);

        // No event time here: the archive stores what it reads, in no particular order.
        DataStream<Decoded> input = env.fromSource(inputs, WatermarkStrategy.noWatermarks(), "archive input")
                .uid("archive-input")
                .flatMap(new SkippedOffsets())
                .name("offsets without a record")
                .uid("archive-skipped-offsets");
        DataStream<RawEvent> raw = input.filter(d -> !d.isDeadLetter())
                .name("valid events")
                .uid("archive-valid-events")
                .map(RawEvent::of)
                .returns(RawEvent.class)
                .name("raw events as JSON")
                .uid("archive-raw-events-json");
        sinks.rawEvents(raw);
        // What the decoder refused, too: with raw_events the archive then holds every offset of every input
        // partition, which a replay from the lake checks before it trusts a day (io.riskplane.lake.ArchiveContinuity).
        sinks.rejectedInputs(
                input.filter(Decoded::isDeadLetter).name("rejected inputs").uid("archive-rejected-inputs"));

        sinks.detectorOutputs(env.fromSource(detectorRows, WatermarkStrategy.noWatermarks(), "archive detector rows")
                .uid("archive-detector-rows"));

        sinks.controlEvents(env.fromSource(controls, WatermarkStrategy.noWatermarks(), "archive control events")
                .uid("archive-controls")
                .keyBy(ControlRecord::controlId)
                .process(new FirstOfEachControl())
                .name("each control event once")
                .uid("archive-controls-once"));
    }

    /**
     * Passes the first copy of each control id. The confirmed topic is exactly once, but the early topic is at least
     * once: a repeat after a recovery of the plane carries the same control_id and would be a second row.
     */
    static final class FirstOfEachControl extends KeyedProcessFunction<String, ControlRecord, ControlRecord> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<Boolean> seen;

        @Override
        public void open(OpenContext ctx) {
            ValueStateDescriptor<Boolean> d = new ValueStateDescriptor<>("seen", Types.BOOLEAN);
            d.enableTimeToLive(StateTtlConfig.newBuilder(CONTROL_REPEAT_WINDOW).build());
            seen = getRuntimeContext().getState(d);
        }

        @Override
        public void processElement(ControlRecord c, Context ctx, Collector<ControlRecord> out) throws Exception {
            if (seen.value() == null) {
                seen.update(Boolean.TRUE);
                out.collect(c);
            }
        }
    }
}
