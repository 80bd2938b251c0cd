package io.riskplane.replay;

import io.riskplane.outputs.OutputLine;
import io.riskplane.outputs.PlaneOutput;
import io.riskplane.plane.PlaneSinks;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Sinks for `riskplane replay`: every output becomes an {@link OutputLine} of its replay file; the caller collects
 * them and writes each file sorted by its key, so that the files are byte-identical whatever the parallelism. Raw
 * events are the input itself and are not written again.
 */
public final class ReplayOutput implements PlaneSinks {
    private DataStream<OutputLine> lines;

    @Override
    public <T> void output(PlaneOutput<T> output, DataStream<T> stream) {
        DataStream<OutputLine> l =
                stream.map(new LineOf<>(output)).returns(OutputLine.class).name(output.name() + " json");
        lines = lines == null ? l : lines.union(l);
    }

    /** All output lines, once the job graph is built. */
    public DataStream<OutputLine> lines() {
        return lines;
    }

    private static final class LineOf<T> implements MapFunction<T, OutputLine> {
        private static final long serialVersionUID = 1L;
        private final PlaneOutput<T> output;

        LineOf(PlaneOutput<T> output) {
            this.output = output;
        }

        @Override
        public OutputLine map(T value) {
            return output.line(value);
        }
    }
}
