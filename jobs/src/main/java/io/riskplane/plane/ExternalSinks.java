package io.riskplane.plane;

import io.riskplane.model.HeartbeatRecord;
import io.riskplane.outputs.PlaneOutput;
import io.riskplane.sinks.clickhouse.WarehouseRow;
import io.riskplane.sinks.kafka.KafkaSinks;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The production wiring, all of it to Kafka: the outputs with a topic of their own (control events confirmed and
 * early, alerts, dead letters) to it, and heartbeats; every output as ClickHouse rows (RowBinary) for the loader, a
 * detector's row with its detector_outputs keys in the record's headers for the archive job, which prints the json
 * from the row. The decision job writes no raw events
 * (the loader and the archive job read the input topics themselves) and nothing to Iceberg (the archive job does,
 * from these topics): a slow store never back-pressures the control path.
 */
public final class ExternalSinks implements PlaneSinks {
    private final KafkaSinks.Settings kafka;
    /** Each table's rows, one stream per table (confirmed and early control events share one), written in finish(). */
    private final Map<String, TableRows<?>> rowsByTable = new LinkedHashMap<>();

    public ExternalSinks(String bootstrap, Properties kafkaClient, String transactionalIdPrefix,
            io.riskplane.verify.SigningKey signing,
            boolean controlExactlyOnce) {
        this.kafka = new KafkaSinks.Settings(bootstrap, kafkaClient, transactionalIdPrefix, signing,
                controlExactlyOnce);
    }

    @Override
    public <T> void output(PlaneOutput<T> output, DataStream<T> stream) {
        PlaneOutput.KafkaTopic<T> topic = output.kafkaTopic();
        if (topic != null) {
            stream.sinkTo(topic.sink().create(kafka)).name(topic.operatorName()).uid(topic.uid());
        }
        rowsByTable.merge(output.clickhouse().name(), new TableRows<>(output, stream), TableRows::union);
    }

    @Override
    public void heartbeats(DataStream<HeartbeatRecord> heartbeats) {
        heartbeats.sinkTo(KafkaSinks.heartbeats(kafka.bootstrap(), kafka.client(), kafka.signing())).setParallelism(1)
                .name("kafka heartbeat topic").uid("kafka-heartbeat");
    }

    /**
     * One row operator per table and one Kafka sink for every ClickHouse row: the loader inserts them, outside the
     * job, and the archive job writes the detectors' rows to Iceberg.
     */
    @Override
    public void finish() {
        DataStream<WarehouseRow> rows = null;
        for (TableRows<?> t : rowsByTable.values()) {
            DataStream<WarehouseRow> r = t.rows();
            rows = rows == null ? r : rows.union(r);
        }
        if (rows != null) {
            rows.sinkTo(KafkaSinks.clickhouseRows(kafka.bootstrap(), kafka.client(),
                    kafka.transactionalIdPrefix() + "-rows"))
                    .name("kafka clickhouse rows").uid("kafka-clickhouse-rows");
        }
    }

    /** The streams of one ClickHouse table, rowed by the first output that writes it. */
    private record TableRows<T>(PlaneOutput<T> output, DataStream<T> stream) {
        TableRows<T> union(TableRows<?> other) {
            if (other.output().clickhouse() != output.clickhouse() || other.output().type() != output.type()) {
                throw new IllegalArgumentException(other.output() + " writes table " + output.clickhouse().name()
                        + " of " + output + " with another row form");
            }
            @SuppressWarnings("unchecked") // same record type, checked above
            DataStream<T> same = (DataStream<T>) other.stream();
            return new TableRows<>(output, stream.union(same));
        }

        DataStream<WarehouseRow> rows() {
            return stream.map(new RowOf<>(output)).returns(WarehouseRow.class).name(output.rowsOperatorName())
                    .uid(output.rowsUid());
        }
    }

    /** An output's ClickHouse row, with a detector's detector_outputs keys for the archive job. */
    private static final class RowOf<T> implements MapFunction<T, WarehouseRow> {
        private static final long serialVersionUID = 1L;
        private final PlaneOutput<T> output;

        RowOf(PlaneOutput<T> output) {
            this.output = output;
        }

        @Override
        public WarehouseRow map(T value) {
            return output.warehouseRow(value);
        }
    }
}
