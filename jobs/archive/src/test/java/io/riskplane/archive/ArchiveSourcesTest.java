package io.riskplane.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.model.ControlRecord;
import io.riskplane.model.DetectorOutput;
import io.riskplane.sinks.kafka.DetectorOutputHeaders;
import io.riskplane.v1.ControlEvent;
import io.riskplane.v1.Envelope;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** What the archive job makes of the records it reads, and that each control event is archived once. */
class ArchiveSourcesTest {
    @Test
    void aControlRecordIsTheEnvelopeAsPublishedAndForeignRecordsAreNotArchived() {
        Envelope e = Envelope.newBuilder()
                .setEventId("ctl-1")
                .setEventTime(ProtoTime.fromMillis(1_795_000_000_123L))
                .setControl(ControlEvent.newBuilder()
                        .setControlId("ctl-1")
                        .setRuleId("guardrail.order-rate.early")
                        .setDecidedAt(ProtoTime.fromMillis(1_795_000_000_123L)))
                .build();
        List<ControlRecord> out = new ArrayList<>();
        ArchiveSources.ControlDeserializer d = new ArchiveSources.ControlDeserializer();
        d.deserialize(new ConsumerRecord<>(Topics.CONTROL_EARLY, 0, 5, null, e.toByteArray()), collector(out));
        d.deserialize(
                new ConsumerRecord<>(Topics.CONTROL, 0, 6, null, "not protobuf".getBytes(StandardCharsets.UTF_8)),
                collector(out));
        d.deserialize(
                new ConsumerRecord<>(
                        Topics.CONTROL,
                        0,
                        7,
                        null,
                        Envelope.newBuilder().setEventId("q").build().toByteArray()),
                collector(out));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).controlId()).isEqualTo("ctl-1");
        assertThat(out.get(0).decidedAtMillis()).isEqualTo(1_795_000_000_123L);
        assertThat(out.get(0).ruleId()).isEqualTo("guardrail.order-rate.early");
        assertThat(out.get(0).envelope()).isEqualTo(e.toByteArray());
    }

    /** A record of a job before RowBinary: its detector output (keys and replay JSON) travels in the headers. */
    @Test
    void aRowOfAJobBeforeRowBinaryKeepsTheDetectorOutputOfItsHeaders() {
        DetectorOutput o = new DetectorOutput("g-1", "guardrails", "strategy|acme|momo|", 1_795_000_000_000L, "{}");
        ConsumerRecord<byte[], byte[]> row = new ConsumerRecord<>(
                Topics.CLICKHOUSE_ROWS,
                0,
                1,
                "guardrail_trips".getBytes(StandardCharsets.UTF_8),
                "{}".getBytes(StandardCharsets.UTF_8));
        DetectorOutputHeaders.write(row.headers(), o);
        ConsumerRecord<byte[], byte[]> plain = new ConsumerRecord<>(
                Topics.CLICKHOUSE_ROWS,
                0,
                2,
                "alerts".getBytes(StandardCharsets.UTF_8),
                "{}".getBytes(StandardCharsets.UTF_8));
        List<DetectorOutput> out = new ArrayList<>();
        ArchiveSources.DetectorRowDeserializer d = new ArchiveSources.DetectorRowDeserializer();
        d.deserialize(row, collector(out));
        d.deserialize(plain, collector(out));
        assertThat(out).containsExactly(o);
    }

    /**
     * A RowBinary row as the decision job writes it (no headers but its format): the detector_outputs row has the
     * keys read from the row's columns, equal to the record's own (its evaluation id, scope key and measurement time),
     * and, as its json, the row read back as its JSONEachRow line (which the JSON writer prints independently). A row
     * of a table that is no detector's is passed over; a row that is not one of its table is not archived.
     */
    @Test
    void aRowBinaryDetectorRowIsArchivedWithKeysFromItsColumnsAndItsRowAsJson() {
        long t0 = 1_795_000_000_000L;
        io.riskplane.model.SloMeasurement m = new io.riskplane.model.SloMeasurement(
                "slo-m1",
                io.riskplane.model.SloMeasurement.QUOTE_FRESHNESS,
                io.riskplane.model.SloMeasurement.VENUE_INSTRUMENT,
                "kraken",
                "ETH",
                "",
                t0,
                t0 - 900,
                900.0,
                1,
                java.util.Map.of(),
                new String[] {"q1", "q2"});
        io.riskplane.model.SloEvaluation slo = new io.riskplane.model.SloEvaluation(
                "sle-1",
                m,
                io.riskplane.model.SloEvaluation.HEALTHY,
                "quote_freshness_ms",
                10_000,
                0,
                1,
                false,
                false,
                false,
                "p",
                1,
                3,
                2,
                true,
                java.util.Map.of("x", 1.5),
                new String[] {"slo-m0", "slo-m1"},
                io.riskplane.eventtime.StoreOnChange.PERIODIC);
        var output = io.riskplane.outputs.PlaneOutputs.SLO_EVALUATIONS;
        var w = new io.riskplane.sinks.kafka.KafkaSinks.WarehouseRowSerializer()
                .serialize(output.warehouseRow(slo), null, null);
        ConsumerRecord<byte[], byte[]> row = new ConsumerRecord<>(Topics.CLICKHOUSE_ROWS, 0, 1, w.key(), w.value());
        w.headers().forEach(h -> row.headers().add(h));
        byte[] cut = java.util.Arrays.copyOf(w.value(), w.value().length - 1);
        ConsumerRecord<byte[], byte[]> broken = new ConsumerRecord<>(
                Topics.CLICKHOUSE_ROWS, 0, 2, "slo_evaluations".getBytes(StandardCharsets.UTF_8), cut);
        DetectorOutputHeaders.writeRowBinary(broken.headers());
        ConsumerRecord<byte[], byte[]> alert = new ConsumerRecord<>(
                Topics.CLICKHOUSE_ROWS, 0, 3, "alerts".getBytes(StandardCharsets.UTF_8), new byte[] {1, 'a'});
        DetectorOutputHeaders.writeRowBinary(alert.headers());

        List<DetectorOutput> out = new ArrayList<>();
        ArchiveSources.DetectorRowDeserializer d = new ArchiveSources.DetectorRowDeserializer();
        d.deserialize(row, collector(out));
        d.deserialize(broken, collector(out));
        d.deserialize(alert, collector(out));
        String json = new String(output.clickhouse().jsonRow(slo), StandardCharsets.UTF_8);
        assertThat(out)
                .containsExactly(
                        new DetectorOutput("sle-1", "slo", "quote_freshness|venue_instrument|kraken|ETH|", t0, json));
        assertThat(slo.scopeKey()).isEqualTo("quote_freshness|venue_instrument|kraken|ETH|");
        assertThat(json)
                .startsWith("{\"evaluation_id\":\"sle-1\",\"slo\":\"quote_freshness\"")
                .contains("\"value\":900.0")
                .contains("\"measurement_id\":\"slo-m1\"")
                .contains("\"streak_measurement_ids\":\"slo-m0,slo-m1\"")
                .contains("\"derived_json\":\"{\\\"x\\\":1.5}\"");
    }

    /** The early topic is at least once: a copy written again after a recovery of the plane is not archived twice. */
    @Test
    void eachControlIdIsArchivedOnce() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ControlRecord, ControlRecord> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new ArchiveJob.FirstOfEachControl(), ControlRecord::controlId, Types.STRING);
        ControlRecord a = new ControlRecord("ctl-a", "", 1L, "r", new byte[] {1});
        ControlRecord b = new ControlRecord("ctl-b", "", 2L, "r", new byte[] {2});
        h.processElement(a, 0);
        h.processElement(b, 0);
        h.processElement(a, 0);
        assertThat(h.extractOutputValues()).extracting(ControlRecord::controlId).containsExactly("ctl-a", "ctl-b");
    }

    private static <T> Collector<T> collector(List<T> out) {
        return new Collector<>() {
            @Override
            public void collect(T record) {
                out.add(record);
            }

            @Override
            public void close() {}
        };
    }
}
