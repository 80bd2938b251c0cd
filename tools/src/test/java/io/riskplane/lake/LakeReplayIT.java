package io.riskplane.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.demo.TradingSession;
import io.riskplane.ingest.EnvelopeDecoder;
import io.riskplane.ingest.RecordFileFormat;
import io.riskplane.model.Decoded;
import io.riskplane.model.RawEvent;
import io.riskplane.plane.PlaneOptions;
import io.riskplane.replay.Replay;
import io.riskplane.sinks.iceberg.IcebergLakehouse;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Quote;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `replay --from-lake` on a real Iceberg catalog (Hadoop, on disk), written by the archive's own row code from Kafka
 * records: the demo session's replay from the lake decides exactly what a replay of the same records in the order
 * they were published decides; a what-if policy changes exactly the decisions it should; a policy the plane would
 * refuse is refused; and a range whose archive misses offsets is refused, the gap named, unless the offsets are
 * archived elsewhere (a refused record, an event of another day).
 */
public class LakeReplayIT {
    static final long MS_PER_DAY = 86_400_000L;

    @TempDir
    static Path dir;

    static IcebergLakehouse lake;
    static Path published;
    static LakeInput.Range session;
    static Path fromLake;
    static Path fromRecords;
    static Path kept;
    static LakeReplay.Outcome lakeOutcome;

    @BeforeAll
    static void archiveTheDemoSession() throws Exception {
        List<TradingSession.Item> items = TradingSession.demo().generate();
        published = dir.resolve("published.records");
        Map<String, Long> offsets = new HashMap<>();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        try (DataOutputStream w = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(published)))) {
            RecordFileFormat.writeHeader(w);
            for (TradingSession.Item i : items) {
                long offset = offsets.merge(i.topic(), 1L, Long::sum) - 1;
                // The broker stamps each record as it arrives, a little after its event time.
                RecordFileFormat.write(w, i.topic(), 0, offset, i.eventTimeMillis() + 50, i.value());
                min = Math.min(min, i.eventTimeMillis());
                max = Math.max(max, i.eventTimeMillis());
            }
        }
        lake = IcebergLakehouse.localWarehouse(dir.resolve("warehouse").toString());
        lake.ensureTables();
        archive(lake, published);
        // The session, less the registry and policies a minute before it: those come as "published before".
        session = new LakeInput.Range(TradingSession.DEFAULT_START.toEpochMilli(), max + 1);
        fromLake = dir.resolve("from-lake");
        kept = dir.resolve("kept.records");
        lakeOutcome = LakeReplay.run(
                lake,
                new LakeReplay.Request(new LakeInput.Range(min, max + 1), Map.of(), null, null, kept),
                fromLake,
                2,
                PlaneOptions.replay(),
                line -> {}); // at 2: as the file replay at 1
        fromRecords = dir.resolve("from-records");
        Replay.run(published, fromRecords, 1, PlaneOptions.replay());
    }

    /** What the archive job does with each input record (ArchiveJob), over a file of them, bounded. */
    public static void archive(IcebergLakehouse lake, Path records) throws Exception {
        archive(lake, records, true);
    }

    /**
     * The rows of these records only, as if the archive had lost the others (no SkippedOffsets: an offset missing
     * from the file is a lost row, not one the consumer passed over).
     */
    public static void writeRowsOnly(IcebergLakehouse lake, Path records) throws Exception {
        archive(lake, records, false);
    }

    static void archive(IcebergLakehouse lake, Path records, boolean asTheArchiveJob) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        DataStream<Decoded> input = env.fromSource(
                FileSource.forRecordStreamFormat(
                                new RecordFileFormat(new EnvelopeDecoder(
                                        PlaneOptions.replay().maxFutureSkew().toMillis())),
                                new org.apache.flink.core.fs.Path(records.toUri()))
                        .build(),
                WatermarkStrategy.noWatermarks(),
                "records");
        if (asTheArchiveJob) {
            input = input.flatMap(new io.riskplane.archive.SkippedOffsets());
        }
        lake.rawEvents(input.filter(d -> !d.isDeadLetter()).map(RawEvent::of).returns(RawEvent.class));
        lake.rejectedInputs(input.filter(Decoded::isDeadLetter));
        env.execute("archive " + records.getFileName());
    }

    static String read(Path dir, String file) throws Exception {
        return Files.readString(dir.resolve(file));
    }

    static Set<String> controlIds(Path dir, String file) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Set<String> ids = new TreeSet<>();
        for (String l : Files.readAllLines(dir.resolve(file))) {
            JsonNode n = json.readTree(l);
            ids.add((n.has("control") ? n.get("control") : n).path("controlId").asText());
        }
        return ids;
    }

    @Test
    void theLakeDecidesWhatThePublishedRecordsDecide() throws Exception {
        assertThat(controlIds(fromLake, "control-events.jsonl")).hasSizeGreaterThan(5);
        for (String f : List.of(
                "control-events.jsonl",
                "alerts.jsonl",
                "halt-states.jsonl",
                "dead-letters.jsonl",
                "pnl-bars.jsonl",
                "guardrail-trips.jsonl")) {
            assertThat(read(fromLake, f)).as(f).isEqualTo(read(fromRecords, f));
        }
        // Early decisions judge each partition in offset order: the same, whatever the interleaving.
        assertThat(controlIds(fromLake, "control-events-early.jsonl"))
                .isEqualTo(controlIds(fromRecords, "control-events-early.jsonl"))
                .isNotEmpty();
        // Every malformed record of the session is in rejected_inputs, and replays as its dead letter.
        long malformed =
                Files.readAllLines(fromRecords.resolve("dead-letters.jsonl")).size();
        assertThat(malformed).isPositive();
        JsonNode manifest = new ObjectMapper()
                .readTree(fromLake.resolve(LakeReplay.MANIFEST).toFile());
        assertThat(manifest.path("what_if").asBoolean()).isFalse();
        // Every published record, once, and --keep-input kept them in the order replayed.
        assertThat(lakeOutcome.records()).isEqualTo(Replay.countRecords(published));
        assertThat(Replay.countRecords(kept)).isEqualTo(lakeOutcome.records());
        assertThat(manifest.path("read_from_envelope_json").asBoolean()).isFalse();
    }

    @Test
    void aWhatIfPolicyChangesExactlyTheDecisionsItGoverns() throws Exception {
        Path policies = dir.resolve("looser.jsonl");
        Files.writeString(
                policies,
                "# acme/momentum-btc with a limit it never reaches\n"
                        + "{\"policyId\":\"acme-momentum-btc\",\"scope\":{\"org\":\"acme\",\"strategy\":\"momentum-btc\"},"
                        + "\"currency\":\"USD\",\"maxDrawdown\":1e12,\"capitalBase\":1000000}\n");
        Path out = dir.resolve("what-if");
        LakeReplay.Outcome o = LakeReplay.run(
                lake,
                new LakeReplay.Request(session, Map.of(), policies, null, null),
                out,
                1,
                PlaneOptions.replay(),
                line -> {});
        assertThat(o.whatIf()).containsExactly("acme-momentum-btc v2 (in force before: v1)");
        // The same decisions less the drawdown kill-switches of acme/momentum-btc, read from the plain replay.
        ObjectMapper json = new ObjectMapper();
        Set<String> expected = new TreeSet<>();
        Set<String> dropped = new TreeSet<>();
        for (String l : Files.readAllLines(fromLake.resolve("control-events.jsonl"))) {
            JsonNode c = json.readTree(l);
            c = c.has("control") ? c.get("control") : c;
            boolean governed = c.path("ruleId").asText().equals("pnl.drawdown.kill-switch")
                    && c.path("scope").path("strategy").asText().equals("momentum-btc");
            (governed ? dropped : expected).add(c.path("controlId").asText());
        }
        assertThat(dropped).isNotEmpty();
        assertThat(controlIds(out, "control-events.jsonl")).isEqualTo(expected);
        JsonNode manifest = json.readTree(out.resolve(LakeReplay.MANIFEST).toFile());
        assertThat(manifest.path("what_if").asBoolean()).isTrue();
        assertThat(manifest.path("what_if_policies").path("policies").get(0).asText())
                .startsWith("acme-momentum-btc v2");
        // diff says which side is the what-if, and lists what vanished in it.
        java.io.StringWriter table = new java.io.StringWriter();
        int code = new picocli.CommandLine(new io.riskplane.cli.RiskPlaneCli())
                .setOut(new java.io.PrintWriter(table, true))
                .execute("diff", fromLake.toString(), out.toString(), "--only-changes");
        assertThat(code).isEqualTo(1);
        assertThat(table.toString())
                .contains("B is a WHAT-IF (" + policies + ", in force from ")
                .contains("acme-momentum-btc v2")
                .contains("ONLY_IN_A");
    }

    @Test
    void aPolicyThePlaneWouldRefuseIsRefusedWithItsLine() throws Exception {
        Path nan = dir.resolve("nan.jsonl");
        Files.writeString(
                nan,
                "{\"policyId\":\"acme-momentum-btc\",\"scope\":{\"org\":\"acme\",\"strategy\":"
                        + "\"momentum-btc\"},\"currency\":\"USD\",\"maxDrawdown\":\"NaN\"}\n");
        assertThatThrownBy(() -> LakeReplay.run(
                        lake,
                        new LakeReplay.Request(session, Map.of(), nan, null, null),
                        dir.resolve("nan-out"),
                        1,
                        PlaneOptions.replay(),
                        line -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(nan + ":1: refused")
                .hasMessageContaining("max_drawdown");
        Path old = dir.resolve("old.jsonl");
        Files.writeString(
                old,
                "{\"policyId\":\"acme-momentum-btc\",\"version\":1,\"scope\":{\"org\":\"acme\","
                        + "\"strategy\":\"momentum-btc\"},\"currency\":\"USD\",\"maxDrawdown\":5}\n");
        assertThatThrownBy(() -> LakeReplay.run(
                        lake,
                        new LakeReplay.Request(session, Map.of(), old, null, null),
                        dir.resolve("old-out"),
                        1,
                        PlaneOptions.replay(),
                        line -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version 1 is not above version 1");
    }

    @Test
    void aRangeWhoseArchiveMissesOffsetsIsRefusedUntilTheyAreFound() throws Exception {
        IcebergLakehouse holed =
                IcebergLakehouse.localWarehouse(dir.resolve("holed").toString());
        holed.ensureTables();
        long day = TradingSession.DEFAULT_START.toEpochMilli();
        Path records = dir.resolve("holed.records");
        quotes(records, day, 30, Set.of(12L, 13L));
        writeRowsOnly(holed, records);
        LakeInput.Range range = new LakeInput.Range(day, day + MS_PER_DAY / 2);
        assertThatThrownBy(() -> LakeReplay.run(
                        holed,
                        new LakeReplay.Request(range, Map.of(), null, null, null),
                        dir.resolve("holed-out"),
                        1,
                        PlaneOptions.replay(),
                        line -> {}))
                .isInstanceOf(LakeReplay.IncompleteArchive.class)
                .hasMessageContaining(Topics.QUOTES + " partition 0: offsets 12-13 (2 records) are not in the archive,"
                        + " after offset 11");
        assertThat(Files.exists(dir.resolve("holed-out").resolve("control-events.jsonl")))
                .isFalse();

        // Offset 12 was refused by the decoder, offset 13 is an event of the next day: the archive is whole.
        Path more = dir.resolve("found.records");
        try (DataOutputStream w = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(more)))) {
            RecordFileFormat.writeHeader(w);
            // (Refused records are replayed by where they were read, not when: this one was stamped days later.)
            RecordFileFormat.write(
                    w, Topics.QUOTES, 0, 12, day + 9 * MS_PER_DAY, "not protobuf".getBytes(StandardCharsets.UTF_8));
            RecordFileFormat.write(w, Topics.QUOTES, 0, 13, day + MS_PER_DAY + 5, quote(13, day + MS_PER_DAY));
        }
        writeRowsOnly(holed, more);
        Path out = dir.resolve("found-out");
        LakeReplay.Outcome o = LakeReplay.run(
                holed,
                new LakeReplay.Request(range, Map.of(), null, null, null),
                out,
                1,
                PlaneOptions.replay(),
                line -> {});
        assertThat(o.records()).isEqualTo(29); // 28 quotes of the range and the refused record
        assertThat(Files.readAllLines(out.resolve("dead-letters.jsonl")))
                .singleElement()
                .asString()
                .contains("UNDECODABLE")
                .contains("\"sourceOffset\":\"12\"");
    }

    @Test
    void offsetsTheConsumerPassedOverAreNoGapAndNotReplayed() throws Exception {
        // Offsets 3 and 4 hold no record a consumer reads (a transaction's marker, an aborted record): the archive
        // passes over them as the plane does, and says so in rejected_inputs.
        IcebergLakehouse lake =
                IcebergLakehouse.localWarehouse(dir.resolve("markers").toString());
        lake.ensureTables();
        long day = TradingSession.DEFAULT_START.toEpochMilli();
        Path records = dir.resolve("markers.records");
        quotes(records, day, 10, Set.of(3L, 4L));
        archive(lake, records);
        assertThat(lake.readAll(IcebergLakehouse.REJECTED_INPUTS))
                .extracting(r -> r.getField("source_offset") + " " + r.getField("reason_code"))
                .containsExactlyInAnyOrder("3 NO_RECORD", "4 NO_RECORD");
        Path out = dir.resolve("markers-out");
        LakeReplay.Outcome o = LakeReplay.run(
                lake,
                new LakeReplay.Request(new LakeInput.Range(day, day + MS_PER_DAY / 2), Map.of(), null, null, null),
                out,
                1,
                PlaneOptions.replay(),
                line -> {});
        assertThat(o.records()).isEqualTo(8);
        assertThat(Files.readAllLines(out.resolve("dead-letters.jsonl"))).isEmpty();
    }

    @Test
    void theOffsetsAreReadFromTheSnapshotTheReplayRead() throws Exception {
        // The archive commits while a replay runs: a row committed after the replay's read must not fill a hole in
        // it (the replay would lack that record and still pass the check).
        IcebergLakehouse lake =
                IcebergLakehouse.localWarehouse(dir.resolve("pinned").toString());
        lake.ensureTables();
        long day = TradingSession.DEFAULT_START.toEpochMilli();
        Path records = dir.resolve("pinned.records");
        quotes(records, day, 10, Set.of(5L));
        writeRowsOnly(lake, records);
        LakeInput.Range range = new LakeInput.Range(day, day + MS_PER_DAY / 2);
        LakeInput.Snapshots read = new LakeInput(lake).snapshots(range);
        Path late = dir.resolve("late.records");
        try (DataOutputStream w = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(late)))) {
            RecordFileFormat.writeHeader(w);
            RecordFileFormat.write(w, Topics.QUOTES, 0, 5, day + 5_005, quote(5, day + 5_000));
        }
        writeRowsOnly(lake, late);
        Map<String, List<ArchivedRecord>> partitions = PartitionMerge.byPartition(List.of(
                PartitionMergeTest.rec(Topics.QUOTES, 0, 4, day + 4_000),
                PartitionMergeTest.rec(Topics.QUOTES, 0, 6, day + 6_000)));
        assertThat(new LakeOffsets(lake, partitions, read).offsets(Topics.QUOTES, 0, 5, 5))
                .isEmpty();
        assertThat(new LakeOffsets(lake, partitions, new LakeInput(lake).snapshots(range))
                        .offsets(Topics.QUOTES, 0, 5, 5))
                .containsExactly(5L);
        assertThat(ArchiveContinuity.check(partitions, new LakeOffsets(lake, partitions, read))
                        .gaps())
                .extracting(g -> g.first() + "-" + g.last())
                .containsExactly("5-5");
    }

    @Test
    void rowsOfAnArchiveFromBeforeTheEnvelopeColumnAreReadFromTheirJson() throws Exception {
        // A raw_events table as the archive created it before issue 17: no ingest_time, no envelope.
        Path warehouse = dir.resolve("older");
        IcebergLakehouse older = IcebergLakehouse.localWarehouse(warehouse.toString());
        org.apache.iceberg.hadoop.HadoopCatalog catalog = new org.apache.iceberg.hadoop.HadoopCatalog(
                new org.apache.hadoop.conf.Configuration(), warehouse.toString());
        org.apache.iceberg.Schema v1 = new org.apache.iceberg.Schema(
                org.apache.iceberg.types.Types.NestedField.required(
                        1, "event_id", org.apache.iceberg.types.Types.StringType.get()),
                org.apache.iceberg.types.Types.NestedField.required(
                        2, "kind", org.apache.iceberg.types.Types.StringType.get()),
                org.apache.iceberg.types.Types.NestedField.optional(
                        3, "source", org.apache.iceberg.types.Types.StringType.get()),
                org.apache.iceberg.types.Types.NestedField.required(
                        4, "event_time", org.apache.iceberg.types.Types.TimestampType.withZone()),
                org.apache.iceberg.types.Types.NestedField.optional(
                        5, "source_topic", org.apache.iceberg.types.Types.StringType.get()),
                org.apache.iceberg.types.Types.NestedField.optional(
                        6, "source_partition", org.apache.iceberg.types.Types.IntegerType.get()),
                org.apache.iceberg.types.Types.NestedField.optional(
                        7, "source_offset", org.apache.iceberg.types.Types.LongType.get()),
                org.apache.iceberg.types.Types.NestedField.required(
                        8, "envelope_json", org.apache.iceberg.types.Types.StringType.get()));
        catalog.createTable(
                org.apache.iceberg.catalog.TableIdentifier.of(IcebergLakehouse.NAMESPACE, IcebergLakehouse.RAW_EVENTS),
                v1,
                org.apache.iceberg.PartitionSpec.builderFor(v1)
                        .day("event_time")
                        .build());
        older.ensureTables();
        assertThat(older.table(IcebergLakehouse.RAW_EVENTS).schema().findField("envelope"))
                .isNotNull();
        assertThat(older.table(IcebergLakehouse.RAW_EVENTS).schema().findField("ingest_time"))
                .isNotNull();

        long day = TradingSession.DEFAULT_START.toEpochMilli();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        List<RawEvent> rows = new java.util.ArrayList<>();
        for (long o = 0; o < 20; o++) {
            Envelope e = Envelope.parseFrom(quote(o, day + o * 1000));
            // As the archive wrote them then: JSON only, no value, no broker timestamp.
            rows.add(new RawEvent(
                    e.getEventId(),
                    "quote",
                    "feed",
                    day + o * 1000,
                    Topics.QUOTES,
                    0,
                    o,
                    0,
                    io.riskplane.contract.EnvelopeJson.print(e)));
        }
        older.rawEvents(env.fromData(rows).returns(RawEvent.class));
        env.execute("an older archive");

        Path out = dir.resolve("older-out");
        LakeReplay.Outcome o = LakeReplay.run(
                older,
                new LakeReplay.Request(new LakeInput.Range(day, day + MS_PER_DAY / 2), Map.of(), null, null, null),
                out,
                1,
                PlaneOptions.replay(),
                line -> {});
        assertThat(o.records()).isEqualTo(20);
        assertThat(Files.readAllLines(out.resolve("dead-letters.jsonl"))).isEmpty();
        JsonNode manifest =
                new ObjectMapper().readTree(out.resolve(LakeReplay.MANIFEST).toFile());
        assertThat(manifest.path("read_from_envelope_json").asBoolean()).isTrue();
    }

    /**
     * A file of {@code count} quotes on partition 0 of the quotes topic, one a second from {@code start} (offset n
     * at start + n s, stamped by the broker 5 ms later), less the offsets in {@code missing}.
     */
    public static void quotes(Path file, long start, long count, Set<Long> missing) throws Exception {
        try (DataOutputStream w = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            RecordFileFormat.writeHeader(w);
            for (long o = 0; o < count; o++) {
                if (!missing.contains(o)) {
                    RecordFileFormat.write(w, Topics.QUOTES, 0, o, start + o * 1000 + 5, quote(o, start + o * 1000));
                }
            }
        }
    }

    public static byte[] quote(long n, long t) {
        return Envelope.newBuilder()
                .setEventId("q-" + n)
                .setSource("feed")
                .setEventTime(ProtoTime.fromMillis(t))
                .setQuote(Quote.newBuilder()
                        .setInstrument("EQ:AAPL")
                        .setVenue("nasdaq")
                        .setBid(100 + n * 0.01)
                        .setAsk(100.02 + n * 0.01)
                        .setBidSize(100)
                        .setAskSize(100))
                .build()
                .toByteArray();
    }
}
