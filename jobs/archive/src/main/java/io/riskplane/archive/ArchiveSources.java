package io.riskplane.archive;

import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.ingest.EnvelopeDecoder;
import io.riskplane.ingest.KafkaEnvelopeDeserializer;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.Decoded;
import io.riskplane.model.DetectorOutput;
import io.riskplane.outputs.PlaneOutput;
import io.riskplane.outputs.PlaneOutputs;
import io.riskplane.plane.KafkaInput;
import io.riskplane.sinks.kafka.DetectorOutputHeaders;
import io.riskplane.v1.Envelope;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The archive job's Kafka sources, all read_committed, in the archive's own consumer group (offsets restored from its
 * checkpoints; on a first start the group's committed offsets, else the earliest): the input topics, decoded and
 * validated as the plane's source does it; the detectors' rows (riskplane.v1.clickhouse-rows, whose records carry
 * the detector_outputs keys read from the RowBinary row's columns, the json printed from it); and the control topics.
 */
public final class ArchiveSources {
    /** Larger fetches than the plane's: the archive reads in bulk and has no watermarks to keep interleaved. */
    static final int MAX_PARTITION_FETCH_BYTES = 1024 * 1024;

    private ArchiveSources() {}

    public static KafkaSource<Decoded> inputs(
            String bootstrap, Properties client, String groupId, long maxFutureSkewMillis) {
        return source(
                bootstrap,
                client,
                groupId,
                Topics.INPUTS,
                new KafkaEnvelopeDeserializer(new EnvelopeDecoder(maxFutureSkewMillis)));
    }

    public static KafkaSource<DetectorOutput> detectorRows(String bootstrap, Properties client, String groupId) {
        return source(bootstrap, client, groupId, List.of(Topics.CLICKHOUSE_ROWS), new DetectorRowDeserializer());
    }

    public static KafkaSource<ControlRecord> controls(String bootstrap, Properties client, String groupId) {
        return source(
                bootstrap, client, groupId, List.of(Topics.CONTROL, Topics.CONTROL_EARLY), new ControlDeserializer());
    }

    private static <T> KafkaSource<T> source(
            String bootstrap,
            Properties client,
            String groupId,
            List<String> topics,
            KafkaRecordDeserializationSchema<T> deserializer) {
        // Only what the producers committed: the plane's rows and control events of completed checkpoints.
        return KafkaInput.committed(bootstrap, client, groupId, topics, deserializer, MAX_PARTITION_FETCH_BYTES)
                .build();
    }

    /**
     * A detector's row: its detector_outputs row, the keys read from the RowBinary row's columns and the json printed
     * from it (column name to value, in column order), both as the output's descriptor says
     * (PlaneOutput#detectorOutput). A record of a job before RowBinary carries its keys and json (the replay JSON)
     * in the headers, and keeps them. Rows of tables that are no detector's are passed over; a row that does not
     * decode as its table's, or a detector's row that is no RowBinary row, is not archived and counted (metric
     * archive_unreadable_rows).
     */
    static final class DetectorRowDeserializer implements KafkaRecordDeserializationSchema<DetectorOutput> {
        private static final long serialVersionUID = 1L;
        private transient Counter unreadable;

        @Override
        public void open(DeserializationSchema.InitializationContext context) {
            unreadable = context.getMetricGroup().counter("archive_unreadable_rows");
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<DetectorOutput> out) {
            DetectorOutput o = detectorOutput(record);
            if (o != null) {
                out.collect(o);
            }
        }

        DetectorOutput detectorOutput(ConsumerRecord<byte[], byte[]> record) {
            DetectorOutput inHeaders = DetectorOutputHeaders.read(record.headers());
            if (inHeaders != null && inHeaders.json() != null) {
                return inHeaders;
            }
            PlaneOutput<?> output = record.key() == null
                    ? null
                    : PlaneOutputs.DETECTORS_BY_TABLE.get(new String(record.key(), StandardCharsets.UTF_8));
            if (inHeaders == null && output == null) {
                return null;
            }
            try {
                if (output == null || record.value() == null || !DetectorOutputHeaders.isRowBinary(record.headers())) {
                    throw new IllegalArgumentException("no RowBinary row of a detector's table");
                }
                return output.detectorOutput(record.value());
            } catch (IllegalArgumentException e) {
                if (unreadable != null) {
                    unreadable.inc();
                }
                return null;
            }
        }

        @Override
        public TypeInformation<DetectorOutput> getProducedType() {
            return TypeInformation.of(DetectorOutput.class);
        }
    }

    /**
     * A control event as the plane published it (the envelope bytes as they are). A record that is no control
     * envelope was not written by the plane: it is not archived, and counted (metric archive_foreign_records).
     */
    static final class ControlDeserializer implements KafkaRecordDeserializationSchema<ControlRecord> {
        private static final long serialVersionUID = 1L;
        private transient Counter foreign;

        @Override
        public void open(DeserializationSchema.InitializationContext context) {
            foreign = context.getMetricGroup().counter("archive_foreign_records");
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ControlRecord> out) {
            Envelope e;
            try {
                e = record.value() == null ? null : Envelope.parseFrom(record.value());
            } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                e = null;
            }
            if (e == null || !e.hasControl() || e.getControl().getControlId().isEmpty()) {
                if (foreign != null) {
                    foreign.inc();
                }
                return;
            }
            out.collect(new ControlRecord(
                    e.getControl().getControlId(),
                    "",
                    ProtoTime.toMillis(e.getControl().getDecidedAt()),
                    e.getControl().getRuleId(),
                    record.value()));
        }

        @Override
        public TypeInformation<ControlRecord> getProducedType() {
            return TypeInformation.of(ControlRecord.class);
        }
    }
}
