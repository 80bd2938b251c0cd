package io.riskplane.archive;

import io.riskplane.model.ControlRecord;
import io.riskplane.model.Decoded;
import io.riskplane.model.DetectorOutput;
import io.riskplane.model.RawEvent;
import io.riskplane.sinks.iceberg.IcebergLakehouse;
import org.apache.flink.streaming.api.datastream.DataStream;

/** Where the archive job writes: the Iceberg tables in production; tests may plug in their own. */
public interface ArchiveSinks {
    void rawEvents(DataStream<RawEvent> events);

    /** The input records the decoder refused (dead letters of the input topics). */
    void rejectedInputs(DataStream<Decoded> rejected);

    void detectorOutputs(DataStream<DetectorOutput> outputs);

    void controlEvents(DataStream<ControlRecord> controls);

    /** The lakehouse's tables raw_events, rejected_inputs, detector_outputs and control_events (docs/storage.md). */
    static ArchiveSinks iceberg(IcebergLakehouse lakehouse) {
        return new ArchiveSinks() {
            @Override
            public void rawEvents(DataStream<RawEvent> events) {
                lakehouse.rawEvents(events);
            }

            @Override
            public void rejectedInputs(DataStream<Decoded> rejected) {
                lakehouse.rejectedInputs(rejected);
            }

            @Override
            public void detectorOutputs(DataStream<DetectorOutput> outputs) {
                lakehouse.detectorOutputs(outputs);
            }

            @Override
            public void controlEvents(DataStream<ControlRecord> controls) {
                lakehouse.controlEvents(controls);
            }
        };
    }
}
