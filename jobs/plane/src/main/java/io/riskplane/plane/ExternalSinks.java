package io.riskplane.plane;

import io.riskplane.model.HeartbeatRecord;
import io.riskplane.outputs.PlaneOutput;
import io.riskplane.sinks.clickhouse.WarehouseRow;
import io.riskplane.sinks.kafka.KafkaSinks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The production wiring, all of it to Kafka: the outputs with a topic of their own (control events confirmed and
 * early, alerts, dead letters) to it, and heartbeats; every output as ClickHouse rows (RowBinary) for the loader,
 * which the archive job also reads a detector's detector_outputs row from. The decision job writes no raw events
 * (the loader and the archive job read the input topics themselves) and nothing to Iceberg (the archive job does,
 * from these topics): a slow store never back-pressures the control path.
 */
public final class ExternalSinks implements PlaneSinks {
    private final KafkaSinks.Settings kafka;
    /** Each table's rows, one stream per table (confirmed and early control events share one), written in finish(). */
    private final Map<String, TableRows<?>> rowsByTable = new LinkedHashMap<>();

    public ExternalSinks(
            String bootstrap,
            Properties kafkaClient,
            String transactionalIdPrefix,
            io.riskplane.verify.SigningKey signing,
            boolean controlExactlyOnce) {
        this.kafka =
                new KafkaSinks.Settings(bootstrap, kafkaClient, transactionalIdPrefix, signing, controlExactlyOnce);
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
        heartbeats
                .sinkTo(KafkaSinks.heartbeats(kafka.bootstrap(), kafka.client(), kafka.signing()))
                .setParallelism(1)
                .name("kafka heartbeat topic")
                .uid("kafka-heartbeat");
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
            rows.sinkTo(KafkaSinks.clickhouseRows(
                            kafka.bootstrap(), kafka.client(), kafka.transactionalIdPrefix() + "-rows"))
                    .name("kafka clickhouse rows")
                    .uid("kafka-clickhouse-rows");
        }
    }

    /**
     * The streams of one ClickHouse table, rowed by the first output that writes it. Each stream gets a row operator
     * of its own, chained to the operator that produced it, and only the rows are united: a record crosses no
     * exchange on its way to its row (the PnL bars of the strategy and org hosts, the confirmed and early control
     * events). The first stream's row operator has the output's rows uid, the n-th's that uid and "-n".
     */
    private record TableRows<T>(PlaneOutput<T> output, List<DataStream<T>> streams) {
        TableRows(PlaneOutput<T> output, DataStream<T> stream) {
            this(output, List.of(stream));
        }

        TableRows<T> union(TableRows<?> other) {
            if (other.output().clickhouse() != output.clickhouse()
                    || other.output().type() != output.type()) {
                throw new IllegalArgumentException(other.output() + " writes table "
                        + output.clickhouse().name() + " of " + output + " with another row form");
            }
            List<DataStream<T>> all = new ArrayList<>(streams);
            for (DataStream<?> s : other.streams()) {
                @SuppressWarnings("unchecked") // same record type, checked above
                DataStream<T> same = (DataStream<T>) s;
                all.add(same);
            }
            return new TableRows<>(output, all);
        }

        DataStream<WarehouseRow> rows() {
            DataStream<WarehouseRow> rows = null;
            for (int i = 0; i < streams.size(); i++) {
                DataStream<WarehouseRow> r = streams.get(i)
                        .map(new RowOf<>(output))
                        .returns(WarehouseRow.class)
                        .name(output.rowsOperatorName())
                        .uid(i == 0 ? output.rowsUid() : output.rowsUid() + "-" + (i + 1));
                rows = rows == null ? r : rows.union(r);
            }
            return rows;
        }
    }

    /** An output's ClickHouse row (the archive job reads a detector's detector_outputs keys from it). */
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
