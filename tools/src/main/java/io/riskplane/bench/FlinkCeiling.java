package io.riskplane.bench;

import io.riskplane.model.Decoded;
import io.riskplane.plane.EventRouter;
import io.riskplane.plane.KafkaInput;
import io.riskplane.plane.PlaneOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What Flink itself reaches on the plane's input topics in this JVM, without the plane's detectors and sinks: the
 * Kafka source with the plane's decoding and validation; that plus the router; and that plus one keyed exchange (the
 * routed event serialized to another task, as every detector's input is). Same parallelism and exactly-once
 * checkpoint interval as the plane; each job ends when it has read the topics' end offsets at its start, and its rate
 * runs from the first record counted to the last (job start and end left out, as for the plane, which is measured
 * running). It tells how much of the gap to the raw ceiling is the framework and how much is the plane's own graph.
 */
final class FlinkCeiling {
    /** Records counted by the sink, and when it saw the first and the last. Static: the sink runs in this JVM. */
    static final AtomicLong COUNTED = new AtomicLong();

    static final AtomicLong FIRST_NANOS = new AtomicLong();
    static final AtomicLong LAST_NANOS = new AtomicLong();

    private FlinkCeiling() {}

    /** events/s per variant, keyed by the figure's name. */
    static Map<String, Double> measure(String bootstrap, int expected, int parallelism, long checkpointIntervalMs)
            throws Exception {
        Map<String, Double> rates = new LinkedHashMap<>();
        for (String variant : new String[] {"source_decode", "source_decode_route", "one_keyed_exchange"}) {
            COUNTED.set(0);
            FIRST_NANOS.set(0);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
            env.enableCheckpointing(checkpointIntervalMs, CheckpointingMode.EXACTLY_ONCE);
            env.getConfig().enableObjectReuse();
            DataStream<Decoded> decoded = env.fromSource(
                    KafkaInput.bounded(bootstrap, "riskplane-bench-ceiling-" + variant, PlaneOptions.streaming()),
                    WatermarkStrategy.noWatermarks(),
                    "input");
            DataStream<Long> counted;
            if (variant.equals("source_decode")) {
                counted = decoded.map(d -> 1L).returns(Types.LONG);
            } else {
                SingleOutputStreamOperator<Decoded> routed =
                        decoded.process(new EventRouter(PlaneOptions.DEFAULT_STALE_HORIZON.toMillis()));
                DataStream<Long> valid = variant.equals("source_decode_route")
                        ? routed.map(d -> 1L).returns(Types.LONG)
                        : routed.keyBy(Decoded::eventId).map(d -> 1L).returns(Types.LONG);
                counted = valid.union(routed.getSideOutput(EventRouter.DEAD_LETTERS)
                        .map(d -> 1L)
                        .returns(Types.LONG));
            }
            counted.sinkTo(new CountingSink());
            // The source is bounded by the end offsets at start: the job ends when it has read everything. The rate
            // is from the first record counted to the last, as the plane's is measured on a running job.
            env.execute("bench ceiling " + variant);
            double seconds = (LAST_NANOS.get() - FIRST_NANOS.get()) / 1e9;
            if (COUNTED.get() < expected) {
                throw new IllegalStateException(variant + ": " + COUNTED.get() + " of " + expected + " records");
            }
            rates.put(variant, expected / seconds);
        }
        return rates;
    }

    static final class CountingSink implements Sink<Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<Long> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(Long element, Context context) {
                    long now = System.nanoTime();
                    FIRST_NANOS.compareAndSet(0, now);
                    LAST_NANOS.accumulateAndGet(now, Math::max);
                    COUNTED.incrementAndGet();
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
