package io.riskplane.plane;

import io.riskplane.model.HeartbeatRecord;
import io.riskplane.outputs.PlaneOutput;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Where the plane's outputs go: only what it computes. Production writes them to Kafka (ExternalSinks); replay and
 * tests plug in their own. Every output is described once (io.riskplane.outputs.PlaneOutputs) and handed over with
 * its stream. The raw input is no output of the plane: the ClickHouse loader and the archive job read it from the
 * input topics themselves.
 */
public interface PlaneSinks {
    /**
     * One stream of an output. The graph hands over each output of PlaneOutputs.ALL, and an output that several
     * operators produce (the PnL bars of the strategy and org hosts) once per operator, so that what a sink maps
     * each record to can be chained to the operator that made it. An output with a Kafka topic of its own is handed
     * over once.
     */
    <T> void output(PlaneOutput<T> output, DataStream<T> stream);

    /** The plane's heartbeats (live only): no output that is stored, so no descriptor. */
    default void heartbeats(DataStream<HeartbeatRecord> heartbeats) {}

    /** Called once after every output has been handed over, for sinks that combine streams. */
    default void finish() {}
}
