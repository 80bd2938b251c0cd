package io.riskplane.sinks.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.Topics;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.sinks.clickhouse.WarehouseRow;
import io.riskplane.v1.Envelope;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A row over the record bound becomes a bounded dead letter instead of failing the writer. */
class OversizedRowTest {
    @Test
    void anOversizedRowIsDeadLettered() throws Exception {
        byte[] json = ("{\"x\":\"" + "y".repeat(1_000_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        var serializer = new KafkaSinks.WarehouseRowSerializer();
        var record = serializer.serialize(WarehouseRow.json("raw_events", json), null, null);
        assertThat(record.topic()).isEqualTo(Topics.DEAD_LETTER);
        assertThat(record.value().length).isLessThan(100_000);
        Envelope e = Envelope.parseFrom(record.value());
        assertThat(e.getDeadLetter().getReasonCode()).isEqualTo(DeadLetterReason.OUTPUT_REJECTED);
        assertThat(e.getDeadLetter().getDetail()).contains("raw_events").contains(json.length + " bytes");
        assertThat(e.getDeadLetter().getOriginal().size()).isEqualTo(65_536);

        byte[] small = "{\"x\":1}".getBytes(StandardCharsets.UTF_8);
        var ok = serializer.serialize(WarehouseRow.json("raw_events", small), null, null);
        assertThat(ok.topic()).isEqualTo(Topics.CLICKHOUSE_ROWS);
        assertThat(ok.value()).isEqualTo(small);
        assertThat(DetectorOutputHeaders.read(ok.headers()))
                .as("no detector output on a plain row")
                .isNull();
    }

    /**
     * A detector's row is the row alone: its keys for the archive job are read from the row's columns, so the record
     * carries only the format header (what the headers once carried cost more bytes than most rows).
     */
    @Test
    void aDetectorRowCarriesNothingButItsRowAndFormat() {
        byte[] rowBinary = {3, 'w', '-', '1'};
        var record = new KafkaSinks.WarehouseRowSerializer()
                .serialize(WarehouseRow.binary("execution_telemetry", rowBinary), null, null);
        assertThat(record.topic()).isEqualTo(Topics.CLICKHOUSE_ROWS);
        assertThat(record.value()).isEqualTo(rowBinary);
        assertThat(record.headers().toArray()).hasSize(1);
        assertThat(DetectorOutputHeaders.isRowBinary(record.headers())).isTrue();
        assertThat(DetectorOutputHeaders.read(record.headers())).isNull();
    }
}
