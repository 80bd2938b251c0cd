package io.riskplane.ingest;

import io.riskplane.model.Decoded;
import io.riskplane.model.RawEvent;
import io.riskplane.sinks.clickhouse.ClickHouseLoader;
import io.riskplane.sinks.clickhouse.ClickHouseRows;
import io.riskplane.sinks.clickhouse.WarehouseRow;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The ClickHouse loader's raw_events rows, read straight from the input topics: each record decoded and validated
 * as the plane's source does it (same decoder, same maximum future skew, the broker timestamp as reference and
 * ingest time), so that a record is a raw event here exactly when it is valid to the plane's decoder. A record the
 * decoder refuses has no row: it is a dead letter of the plane, with its reason.
 */
public final class RawEventRows implements ClickHouseLoader.InputRows {
    private final EnvelopeDecoder decoder;

    public RawEventRows(EnvelopeDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public WarehouseRow rowOf(ConsumerRecord<byte[], byte[]> r) {
        Decoded d =
                decoder.decode(r.value(), false, r.topic(), r.partition(), r.offset(), r.timestamp(), r.timestamp());
        return d.isDeadLetter() ? null : ClickHouseRows.RAW_EVENTS.row(RawEvent.of(d));
    }
}
