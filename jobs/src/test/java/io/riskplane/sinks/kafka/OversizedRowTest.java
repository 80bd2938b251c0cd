package io.riskplane.sinks.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.Topics;
import io.riskplane.model.DeadLetterReason;
import io.riskplane.model.DetectorOutput;
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
        assertThat(DetectorOutputHeaders.read(ok.headers())).as("no detector output on a plain row").isNull();
    }

    /** A detector's row carries its lakehouse row in the headers, for the archive job; the value is the row alone. */
    @Test
    void aDetectorRowCarriesItsLakehouseRowInItsHeaders() {
        byte[] json = "{\"window_id\":\"w1\"}".getBytes(StandardCharsets.UTF_8);
        DetectorOutput out = new DetectorOutput("w1", "execution_telemetry", "1m|adapter|x", 1_795_000_000_000L,
                "{\"window_id\":\"w1\",\"fills\":3}");
        var serializer = new KafkaSinks.WarehouseRowSerializer();
        var record = serializer.serialize(WarehouseRow.json("execution_telemetry", json).withArchive(out), null, null);
        assertThat(record.topic()).isEqualTo(Topics.CLICKHOUSE_ROWS);
        assertThat(record.value()).isEqualTo(json);
        assertThat(DetectorOutputHeaders.read(record.headers())).isEqualTo(out);

        // The row and its lakehouse form together over the bound: dead-lettered whole, never half written.
        DetectorOutput huge = new DetectorOutput("w2", "execution_telemetry", "k", 1L, "z".repeat(900 * 1024));
        var rejected = serializer.serialize(WarehouseRow.json("execution_telemetry", json).withArchive(huge), null,
                null);
        assertThat(rejected.topic()).isEqualTo(Topics.DEAD_LETTER);
    }
}
