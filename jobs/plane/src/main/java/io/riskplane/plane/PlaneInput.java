package io.riskplane.plane;

import io.riskplane.model.Decoded;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Where the plane's job graph reads its input, with the graph's watermarks: a Source (Kafka, a replay file, tests),
 * or a stream built otherwise (a replay from the lake puts the archive's rows in order before the graph sees them).
 */
@FunctionalInterface
public interface PlaneInput {
    DataStream<Decoded> open(StreamExecutionEnvironment env, WatermarkStrategy<Decoded> watermarks);

    static PlaneInput of(Source<Decoded, ?, ?> source) {
        return (env, watermarks) ->
                env.fromSource(source, watermarks, "riskplane input").uid("input");
    }
}
