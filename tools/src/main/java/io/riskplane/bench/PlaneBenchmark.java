package io.riskplane.bench;

import io.riskplane.contract.Topics;
import io.riskplane.demo.TradingSession;
import io.riskplane.infra.EmbeddedKafka;
import io.riskplane.infra.EnvelopePublisher;
import io.riskplane.infra.LocalPlane;
import io.riskplane.infra.PrometheusScrape;
import io.riskplane.outputs.PlaneOutputs;
import io.riskplane.plane.PlaneOptions;
import io.riskplane.replay.Replay;
import io.riskplane.v1.Envelope;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * `riskplane bench`: the plane against the same machine's own limits, measured in one run on one broker, so that the
 * ratios hold on a noisy machine. The figures and how each is measured are in docs/benchmark.md.
 */
public final class PlaneBenchmark {
    static final String RTT_TOPIC = "riskplane.bench.rtt";
    static final int RTT_SAMPLES = 2000;

    private PlaneBenchmark() {}

    /** What one bench run measures; see BenchCommand for each option's meaning. */
    public record Settings(
            Duration sessionLength,
            int scale,
            List<Integer> parallelisms,
            long checkpointIntervalMs,
            boolean controlExactlyOnce,
            long liveLagMs,
            int breaches,
            EmbeddedKafka.Mode brokerMode) {}

    /** The figures each parallelism of a `--parallelism 1,2` run reports under by_parallelism. */
    static final List<String> PER_PARALLELISM = List.of(
            "plane_events_per_s",
            "throughput_ratio",
            "whole_system_events_per_s",
            "whole_system_ratio",
            "plane_input_committed_s",
            "plane_outputs_complete_s",
            "whole_system_caught_up_s",
            "raw_consume_events_per_s",
            "output_records",
            "output_bytes_per_event",
            "output_log_bytes_per_event",
            "checkpoint_bytes",
            "state_bytes_per_key",
            "peak_rss_mb");

    /** Runs every measurement and returns the figures, in the order they are reported. */
    public static Map<String, Object> run(Path workDir, Settings s, java.util.function.Consumer<String> log)
            throws Exception {
        Map<String, Object> f = new LinkedHashMap<>();
        log.accept(
                "generating a session of " + s.sessionLength().toMinutes() + " minutes at scale " + s.scale() + " ...");
        // The session ends now, so that the breaches injected live afterwards continue its event time.
        java.time.Instant start =
                java.time.Instant.now().minus(s.sessionLength()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        List<TradingSession.Item> items = new TradingSession(7, start, s.sessionLength(), s.scale()).generate();
        int n = items.size();
        // Length-delimited Protobuf, the record values as on Kafka: replay reads it without parsing JSON text.
        Path input = workDir.resolve("bench-input.pb");
        TradingSession.export(items, input);
        f.put("events", n);
        f.put("session_minutes", s.sessionLength().toMinutes());
        f.put("scale", s.scale());
        long keys = stateKeys(items);
        f.put("state_keys", keys);
        List<Integer> ps = s.parallelisms();
        f.put("parallelism", ps.get(ps.size() - 1));
        f.put("checkpoint_interval_ms", s.checkpointIntervalMs());
        f.put("control_delivery", s.controlExactlyOnce() ? "exactly_once" : "at_least_once");
        f.put("live_lag_ms", s.liveLagMs());
        f.put("broker", s.brokerMode() == EmbeddedKafka.Mode.OWN_PROCESS ? "own JVM process" : "in the plane's JVM");
        f.put("clickhouse_loader", "threads in the plane's JVM");
        // The plane JVM's options (bin/riskplane: RISKPLANE_JAVA_OPTS, default -Xmx4g -XX:MaxGCPauseMillis=20).
        f.put(
                "plane_jvm_options",
                String.join(
                        " ",
                        java.lang.management.ManagementFactory.getRuntimeMXBean()
                                .getInputArguments()));

        // Each parallelism gets a fresh broker, ClickHouse and plane; the last one also gets the measurements that
        // do not depend on it (Flink alone, round trips, detection latency), which keeps the run's length.
        Map<String, Object> byParallelism = new LinkedHashMap<>();
        List<Map<String, Object>> runs = new java.util.ArrayList<>();
        for (int i = 0; i < ps.size(); i++) {
            boolean last = i == ps.size() - 1;
            Map<String, Object> r =
                    planeRun(workDir.resolve("plane-p" + ps.get(i)), items, keys, ps.get(i), last, s, log);
            runs.add(r);
            if (ps.size() > 1) {
                Map<String, Object> sub = new LinkedHashMap<>();
                PER_PARALLELISM.forEach(k -> sub.put(k, r.get(k)));
                byParallelism.put(String.valueOf(ps.get(i)), sub);
            }
            if (last) {
                f.putAll(r);
            }
        }
        if (!byParallelism.isEmpty()) {
            f.put("by_parallelism", byParallelism);
        }

        // Replay: the same job graph, bounded, over the session file (parallelism 1, as `replay`), and over an empty
        // file: job start and end without records, taken off the first to give the rate net of start-up.
        long r0 = System.nanoTime();
        Replay.run(input, workDir.resolve("replay"), 1, PlaneOptions.replay());
        double replayS = (System.nanoTime() - r0) / 1e9;
        // Replay decides exactly what the plane decides: a run whose control topic lacked one of replay's control
        // events when its outputs were taken as complete measured input read while outputs were still held back (or
        // lost), not a throughput. The log names what differs.
        Map<String, String> replayIds = replayControlIds(workDir.resolve("replay"));
        f.put("replay_control_events", replayIds.size());
        for (int i = 0; i < ps.size(); i++) {
            @SuppressWarnings("unchecked")
            Map<String, String> live = (Map<String, String>) runs.get(i).get(CONTROL_IDS);
            boolean complete = live.keySet().containsAll(replayIds.keySet());
            if (ps.size() > 1) {
                @SuppressWarnings("unchecked")
                Map<String, Object> sub = (Map<String, Object>) byParallelism.get(String.valueOf(ps.get(i)));
                sub.put("outputs_complete_as_replay", complete);
            }
            if (i == ps.size() - 1) {
                f.put("outputs_complete_as_replay", complete);
            }
            if (!complete) {
                log.accept(String.format(
                        "parallelism %d: INCOMPLETE: %d control events on the topic when the outputs "
                                + "were taken as complete, replay decides %d; this run's decision-job figure is not a "
                                + "throughput",
                        ps.get(i), live.size(), replayIds.size()));
            }
            replayIds.forEach((id, what) -> {
                if (!live.containsKey(id)) {
                    log.accept("  not on the control topic, decided by replay: " + id + " " + what);
                }
            });
            live.forEach((id, what) -> {
                if (!replayIds.containsKey(id)) {
                    log.accept("  on the control topic, not decided by replay: " + id + " " + what);
                }
            });
        }
        f.remove(CONTROL_IDS);
        Path empty = Files.createFile(workDir.resolve("bench-empty.pb"));
        long e0 = System.nanoTime();
        Replay.run(empty, workDir.resolve("replay-empty"), 1, PlaneOptions.replay());
        double startupS = (System.nanoTime() - e0) / 1e9;
        f.put("replay_events_per_s", Math.round(n / replayS));
        f.put("replay_startup_s", round(startupS));
        f.put("replay_net_events_per_s", replayS > startupS ? Math.round(n / (replayS - startupS)) : null);
        log.accept(String.format("replay: %,d events in %.1f s; an empty file in %.1f s", n, replayS, startupS));
        lakeReplay(
                workDir.resolve("plane-p" + ps.get(ps.size() - 1)).resolve("warehouse"),
                items,
                n,
                replayS,
                replayIds,
                f,
                log);
        return f;
    }

    /**
     * Replay from the lake: the same session's range, from what the last plane run's archive job wrote to Iceberg
     * (the records as the broker stamped them), against the replay of the same events from the local .pb file just
     * before, whole command against whole command (both start their MiniClusters; the lake's also reads Iceberg, checks
     * the offsets and orders the partitions).
     */
    private static void lakeReplay(
            Path warehouse,
            List<TradingSession.Item> items,
            int n,
            double fileReplayS,
            Map<String, String> replayIds,
            Map<String, Object> f,
            java.util.function.Consumer<String> log)
            throws Exception {
        long first = items.stream()
                .mapToLong(TradingSession.Item::eventTimeMillis)
                .min()
                .orElse(0);
        io.riskplane.sinks.iceberg.IcebergLakehouse lake = io.riskplane.sinks.iceberg.IcebergLakehouse.localWarehouse(
                warehouse.toUri().toString());
        long l0 = System.nanoTime();
        io.riskplane.lake.LakeReplay.Outcome o = io.riskplane.lake.LakeReplay.run(
                lake,
                new io.riskplane.lake.LakeReplay.Request(
                        new io.riskplane.lake.LakeInput.Range(first, lastEventMillis(items) + 1),
                        Map.of(),
                        null,
                        null,
                        null),
                warehouse.resolveSibling("lake-replay"),
                1,
                PlaneOptions.replay(),
                line -> {});
        double lakeS = (System.nanoTime() - l0) / 1e9;
        Map<String, String> lakeIds = replayControlIds(warehouse.resolveSibling("lake-replay"));
        f.put("lake_replay_records", o.records());
        f.put("lake_replay_events_per_s", Math.round(o.records() / lakeS));
        f.put("lake_replay_read_s", round(o.readSeconds()));
        f.put("lake_replay_order_s", round(o.orderSeconds()));
        double ratio = (o.records() / lakeS) / (n / fileReplayS);
        boolean same = lakeIds.keySet().equals(replayIds.keySet());
        f.put("lake_vs_file_replay", round(ratio));
        f.put("lake_replay_same_control_events", same);
        log.accept(String.format(
                "lake replay: %,d records in %.1f s (%.1f s reading the lake, %.1f s checking and "
                        + "ordering it), %.2f of the file replay's rate; %d control events, %s",
                o.records(),
                lakeS,
                o.readSeconds(),
                o.orderSeconds(),
                ratio,
                lakeIds.size(),
                same ? "the file replay's" : "NOT the file replay's"));
    }

    /** A run's control events by id (decision time and rule), kept for the comparison with replay, not reported. */
    private static final String CONTROL_IDS = "_control_ids";

    /** The control topic's events by id, "decision time rule" each: read until there are {@code records}. */
    private static Map<String, String> controlIds(String bootstrap, long records) throws Exception {
        Map<String, String> ids = new java.util.TreeMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (io.riskplane.infra.CommittedTopicReader r = io.riskplane.infra.CommittedTopicReader.control(bootstrap)) {
            List<Envelope> seen = List.of();
            while (seen.size() < records && System.nanoTime() < deadline) {
                seen = r.poll(Duration.ofMillis(200));
            }
            for (Envelope e : seen) {
                ids.put(
                        e.getControl().getControlId(),
                        java.time.Instant.ofEpochMilli(io.riskplane.contract.ProtoTime.toMillis(e.getEventTime())) + " "
                                + e.getControl().getRuleId());
            }
        }
        return ids;
    }

    /** Replay's control ids (its control-events file), each with its event time and rule. */
    private static Map<String, String> replayControlIds(Path replayDir) throws IOException {
        Map<String, String> ids = new java.util.TreeMap<>();
        Path file = replayDir.resolve(PlaneOutputs.CONTROL_EVENTS.replayFile());
        if (Files.exists(file)) {
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            for (String line : Files.readAllLines(file)) {
                var n = json.readTree(line);
                ids.put(
                        n.path("control").path("controlId").asText(),
                        n.path("eventTime").asText() + " "
                                + n.path("control").path("ruleId").asText());
            }
        }
        return ids;
    }

    /** One plane (broker, ClickHouse, decision job, loader) at one parallelism, and what it measures. */
    static Map<String, Object> planeRun(
            Path dir,
            List<TradingSession.Item> items,
            long keys,
            int parallelism,
            boolean full,
            Settings s,
            java.util.function.Consumer<String> log)
            throws Exception {
        Map<String, Object> f = new LinkedHashMap<>();
        int n = items.size();
        boolean peakReset = resetPeakRss();
        log.accept("parallelism " + parallelism + ":");
        // The decision job runs alone until its outputs are complete (its throughput, with the machine to itself
        // as on its own pods); then the archive job and the loader start and catch up from the topics (the whole
        // system: everything processed, end to end, on the same two cores).
        try (LocalPlane plane = LocalPlane.start(
                s.brokerMode(),
                dir,
                null,
                parallelism,
                s.checkpointIntervalMs(),
                s.controlExactlyOnce(),
                s.liveLagMs(),
                null,
                LocalPlane.DEFAULT_ARCHIVE_CHECKPOINT_INTERVAL_MS,
                false,
                log)) {
            String bootstrap = plane.kafka.bootstrapServers();
            // The decision job's throughput: from the first record published to its consumer group having
            // committed every input offset. The source commits on each completed checkpoint, so every record has
            // been read and everything it produced is committed. The job runs while the records are published.
            long t0 = System.nanoTime();
            try (EnvelopePublisher p = new EnvelopePublisher(bootstrap, new Properties())) {
                for (TradingSession.Item i : items) {
                    p.send(i.topic(), i.envelope(), i.value());
                }
                p.flush();
            }
            double publishS = (System.nanoTime() - t0) / 1e9;
            f.put("produce_events_per_s", Math.round(n / publishS));
            Moments done = awaitWholeSystem(
                    bootstrap,
                    n,
                    t0,
                    lastEventMillis(items),
                    s.liveLagMs(),
                    s.checkpointIntervalMs(),
                    dir.resolve("checkpoints"),
                    downstreamConsumers(),
                    () -> {
                        plane.startDownstream(log);
                        return null;
                    });
            // Until its input is committed and, when the watermark showed it, everything the input causes is out.
            double planeS = done.watermarkSeen()
                    ? Math.max(done.inputCommitted(), done.outputsComplete())
                    : done.inputCommitted();
            double planeRate = n / planeS;
            double wholeRate = n / done.wholeSystem();
            f.put("plane_events_per_s", Math.round(planeRate));
            f.put("whole_system_events_per_s", Math.round(wholeRate));
            f.put("plane_input_committed_s", round(done.inputCommitted()));
            f.put("plane_outputs_complete_s", done.watermarkSeen() ? round(done.outputsComplete()) : null);
            f.put("whole_system_caught_up_s", round(done.wholeSystem()));
            f.put("late_events", PrometheusScrape.sum(plane.metricsUrl(), "_late_events"));
            log.accept(String.format(
                    "decision job: %,d events read in %.1f s, %s; whole system caught up at %.1f s",
                    n,
                    done.inputCommitted(),
                    done.watermarkSeen()
                            ? String.format("its outputs complete at %.1f s", done.outputsComplete())
                            : "its watermark did not pass the input's end: outputs still buffered are not counted",
                    done.wholeSystem()));

            // What the decision job wrote, before the latency phase adds to it.
            Map<String, long[]> output = OutputVolume.measure(bootstrap);
            f.put(
                    CONTROL_IDS,
                    controlIds(bootstrap, output.containsKey(Topics.CONTROL) ? output.get(Topics.CONTROL)[0] : 0));
            long payload = output.values().stream().mapToLong(v -> v[1]).sum();
            long logBytes = output.values().stream().mapToLong(v -> v[2]).sum();
            f.put(
                    "output_records",
                    output.values().stream().mapToLong(v -> v[0]).sum());
            f.put("output_bytes_per_event", round((double) payload / n));
            f.put("output_log_bytes_per_event", round((double) logBytes / n));
            Map<String, Object> byTopic = new LinkedHashMap<>();
            output.forEach((topic, v) -> {
                Map<String, Long> t = new LinkedHashMap<>();
                t.put("records", v[0]);
                t.put("bytes", v[1]);
                t.put("log_bytes", v[2]);
                byTopic.put(topic, t);
            });
            f.put("output_by_topic", byTopic);
            log.accept(
                    String.format("output: %,d bytes (%,d on the broker's log) for %,d events", payload, logBytes, n));

            // The raw ceiling, on a quiet machine: a plain consumer of the same topics on the same broker that
            // decodes the Protobuf. Read twice, the faster counts: the first read also warms the JIT, which in a
            // short run would otherwise lower the ceiling of the first parallelism only.
            double rawRate = Math.max(rawConsumeRate(bootstrap, n), rawConsumeRate(bootstrap, n));
            f.put("raw_consume_events_per_s", Math.round(rawRate));
            f.put("throughput_ratio", round(planeRate / rawRate));
            f.put("whole_system_ratio", round(wholeRate / rawRate));
            log.accept(String.format("raw consume: %,.0f events/s", rawRate));

            if (full) {
                // Flink's own share of the gap: the same topics through the source, the router and one keyed
                // exchange, nothing else (the plane is idle meanwhile: its input is read).
                Map<String, Double> ceiling = FlinkCeiling.measure(bootstrap, n, parallelism, s.checkpointIntervalMs());
                ceiling.forEach((variant, rate) -> {
                    f.put("flink_" + variant + "_events_per_s", Math.round(rate));
                    f.put("flink_" + variant + "_ratio", round(rate / rawRate));
                });
                log.accept("Flink without the plane's graph: " + ceiling);
                plane.kafka.createTopics(List.of(RTT_TOPIC), 1);
                double[] rtt = roundTripMillis(bootstrap, RTT_SAMPLES);
                f.put("kafka_round_trip_p50_ms", round(rtt[0]));
                f.put("kafka_round_trip_p99_ms", round(rtt[1]));
                DetectionLatency.Result detection = DetectionLatency.measure(bootstrap, s.breaches(), log);
                // The first halt readable is the early one: what execution obeys first, so the headline figure.
                f.put("detection_breaches", detection.early().size());
                f.put("detection_latency_p50_ms", round(percentile(detection.early(), 0.50)));
                f.put("detection_latency_p99_ms", round(percentile(detection.early(), 0.99)));
                f.put("latency_ratio", round(percentile(detection.early(), 0.99) / rtt[1]));
                f.put("confirmed_detection_latency_p50_ms", round(percentile(detection.confirmed(), 0.50)));
                f.put("confirmed_detection_latency_p99_ms", round(percentile(detection.confirmed(), 0.99)));
                f.put("confirmed_latency_ratio", round(percentile(detection.confirmed(), 0.99) / rtt[1]));
                // The same round trip under the detection phase's background load: the ratio against it is the
                // one with the same noise on both sides.
                f.put("kafka_round_trip_under_load_p50_ms", round(detection.loadedRoundTrip()[0]));
                f.put("kafka_round_trip_under_load_p99_ms", round(detection.loadedRoundTrip()[1]));
                f.put(
                        "latency_ratio_under_load",
                        round(percentile(detection.early(), 0.99) / detection.loadedRoundTrip()[1]));
                f.put(
                        "confirmed_latency_ratio_under_load",
                        round(percentile(detection.confirmed(), 0.99)
                                / detection.loadedRoundTrip()[1]));
            }
            Map<String, Object> rss = new LinkedHashMap<>();
            rss.put("plane_jvm", peakRssMb(ProcessHandle.current().pid()));
            if (plane.kafka.mode() == EmbeddedKafka.Mode.OWN_PROCESS) {
                rss.put("broker", peakRssMb(plane.kafka.pid()));
            }
            rss.put("clickhouse", peakRssMb(plane.clickhouseServer.pid()));
            f.put("peak_rss_mb", rss);
            if (!peakReset) {
                log.accept("peak RSS of this JVM could not be reset: plane_jvm is the peak since the JVM started");
            }
            CheckpointSize latestCheckpoint = latestCheckpointSize(dir.resolve("checkpoints"));
            long checkpoint = latestCheckpoint.bytes();
            f.put("checkpoint_bytes", checkpoint);
            f.put("state_bytes_per_event", round((double) checkpoint / n));
            f.put("state_bytes_per_key", round((double) checkpoint / keys));
            f.put("checkpoint_bytes_by_operator", latestCheckpoint.byOperator());
        }
        return f;
    }

    /** A consumer group and the topics it reads: caught up when it has committed up to their ends. */
    public record Downstream(String name, String group, List<String> topics) {}

    /**
     * Every consumer besides the decision job that must have caught up for the whole system to have processed the
     * input: the ClickHouse loader (input topics for raw_events, and the detector rows) and the archive job (input
     * topics, detector rows and both control topics, to Iceberg).
     */
    static List<Downstream> downstreamConsumers() {
        List<String> loaderTopics = new java.util.ArrayList<>(Topics.INPUTS);
        loaderTopics.add(Topics.CLICKHOUSE_ROWS);
        List<String> archiveTopics = new java.util.ArrayList<>(Topics.INPUTS);
        archiveTopics.addAll(List.of(Topics.CLICKHOUSE_ROWS, Topics.CONTROL, Topics.CONTROL_EARLY));
        // The loader writes raw_events from the input topics and the detector rows; the archive job writes Iceberg.
        return List.of(
                new Downstream(
                        "clickhouse_loader",
                        io.riskplane.sinks.clickhouse.ClickHouseLoader.DEFAULT_GROUP_ID,
                        loaderTopics),
                new Downstream("archive_job", io.riskplane.plane.PlaneConfig.Archive.DEFAULT_GROUP_ID, archiveTopics));
    }

    /** Seconds from the first record published to each moment {@link #awaitWholeSystem} waits for. */
    record Moments(double inputCommitted, double outputsComplete, boolean watermarkSeen, double wholeSystem) {}

    /**
     * Polls the broker until, in turn: the decision job has committed all n input offsets (its throughput); its
     * outputs are complete: the watermark its heartbeat reports has reached its final value for this input and a
     * checkpoint has completed after that; and every downstream consumer has committed what its topics held one
     * checkpoint interval later (the last transaction may commit a moment after the checkpoint). The last moment is
     * the first poll at which the consumers' committed offsets covered those ends. {@code startDownstream} (or null)
     * runs once the outputs are complete: the consumers start only then.
     *
     * <p>The final watermark: on a backlog the plane keeps pure event time, so the watermark stops at about the
     * last event's time less the out-of-orderness, once the other partitions are idle. It counts as final when it
     * reaches that, or when it is within the idleness timeout of that and has not moved for the idleness timeout and
     * two heartbeats. Without live lag, or if
     * the outputs are not complete 60 s after the input, the input moment stands in (and the log says so).
     */
    static Moments awaitWholeSystem(
            String bootstrap,
            long n,
            long t0,
            long lastEventMillis,
            long liveLagMs,
            long checkpointIntervalMs,
            Path checkpoints,
            List<Downstream> downstream,
            java.util.concurrent.Callable<?> startDownstream)
            throws Exception {
        PlaneOptions o = PlaneOptions.streaming();
        long finalWatermark = lastEventMillis - o.outOfOrderness().toMillis() - 1;
        long stableMs = o.idleness().toMillis() + 2 * o.heartbeatInterval().toMillis();
        long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
        long t0Wall = System.currentTimeMillis() - (System.nanoTime() - t0) / 1_000_000;
        double planeS = -1;
        double outputsS = -1;
        long watermark = Long.MIN_VALUE;
        long watermarkSinceWall = -1; // when the current watermark was first read
        java.util.TreeSet<Long> checkpointTimes = new java.util.TreeSet<>(); // _metadata mtimes seen
        boolean watermarkSeen = false;
        Map<TopicPartition, Long> ends = null;
        List<Map.Entry<Double, Map<TopicPartition, Long>>> history = new ArrayList<>();
        MarkersOnly markersOnly = new MarkersOnly(bootstrap);
        Properties hp = new Properties();
        hp.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
                KafkaConsumer<byte[], byte[]> heartbeats =
                        new KafkaConsumer<>(hp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> hbs = heartbeats.partitionsFor(Topics.HEARTBEAT).stream()
                    .map(pi -> new TopicPartition(Topics.HEARTBEAT, pi.partition()))
                    .toList();
            heartbeats.assign(hbs);
            heartbeats.seekToBeginning(hbs);
            while (System.nanoTime() < deadline) {
                // The poll is also the loop's pace (100 ms).
                for (ConsumerRecord<byte[], byte[]> r : heartbeats.poll(Duration.ofMillis(100))) {
                    Envelope e;
                    try {
                        e = Envelope.parseFrom(r.value());
                    } catch (com.google.protobuf.InvalidProtocolBufferException notOurs) {
                        continue;
                    }
                    if (e.getHeartbeat().hasWatermark()) {
                        long w = io.riskplane.contract.ProtoTime.toMillis(
                                e.getHeartbeat().getWatermark());
                        if (w > watermark) {
                            watermark = w;
                            watermarkSinceWall = System.currentTimeMillis();
                        }
                    }
                }
                long nowWall = System.currentTimeMillis();
                double now = (System.nanoTime() - t0) / 1e9;
                Path latest = LocalPlane.latestCheckpoint(checkpoints);
                if (latest != null) {
                    checkpointTimes.add(latest.resolve("_metadata").toFile().lastModified());
                }
                if (planeS < 0 && committedInputOffsets(admin) >= n) {
                    planeS = now;
                }
                if (planeS >= 0 && outputsS < 0) {
                    // Near the end and still: a watermark held back early (an idle split at parallelism 2 held it
                    // at the session's start for half a minute) is not final however long it stands.
                    boolean finalValue = watermarkSinceWall >= 0
                            && (watermark >= finalWatermark
                                    || watermark
                                                    >= finalWatermark
                                                            - o.idleness().toMillis()
                                            && nowWall - watermarkSinceWall >= stableMs);
                    Long after = finalValue ? checkpointTimes.higher(watermarkSinceWall) : null;
                    if (after != null) {
                        outputsS = Math.max(planeS, (after - t0Wall) / 1e3);
                        watermarkSeen = true;
                    } else if (liveLagMs <= 0 || now > planeS + 60) {
                        outputsS = planeS;
                    }
                }
                if (outputsS < 0) {
                    continue;
                }
                if (startDownstream != null) {
                    startDownstream.call();
                    startDownstream = null;
                }
                history.add(Map.entry(now, committed(admin, downstream)));
                if (ends == null && now >= outputsS + checkpointIntervalMs / 1e3) {
                    ends = stableEnds(admin, downstream);
                }
                if (ends != null) {
                    for (var h : history) {
                        if (covers(h.getValue(), ends, markersOnly)) {
                            return new Moments(planeS, outputsS, watermarkSeen, h.getKey());
                        }
                    }
                    history.clear(); // none covers the ends: the next polls will tell
                }
            }
        }
        throw new IllegalStateException(
                planeS < 0
                        ? "the decision job did not read " + n + " events within 60 minutes"
                        : "the consumers " + downstream + " did not catch up within 60 minutes");
    }

    /** The downstream groups' committed offsets on their topics. */
    static Map<TopicPartition, Long> committed(Admin admin, List<Downstream> downstream) throws Exception {
        Map<TopicPartition, Long> out = new java.util.HashMap<>();
        for (Downstream d : downstream) {
            admin.listConsumerGroupOffsets(d.group())
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .forEach((tp, o) -> {
                        if (o != null && d.topics().contains(tp.topic())) {
                            out.put(new TopicPartition(d.group() + "|" + tp.topic(), tp.partition()), o.offset());
                        }
                    });
        }
        return out;
    }

    /** The last stable offsets of the downstream groups' topics, keyed as {@link #committed}. */
    static Map<TopicPartition, Long> stableEnds(Admin admin, List<Downstream> downstream) throws Exception {
        Map<TopicPartition, Long> out = new java.util.HashMap<>();
        for (Downstream d : downstream) {
            Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
            admin.describeTopics(d.topics()).allTopicNames().get().forEach((topic, t) -> t.partitions()
                    .forEach(p -> latest.put(
                            new TopicPartition(topic, p.partition()),
                            org.apache.kafka.clients.admin.OffsetSpec.latest())));
            admin.listOffsets(
                            latest,
                            new org.apache.kafka.clients.admin.ListOffsetsOptions(
                                    org.apache.kafka.common.IsolationLevel.READ_COMMITTED))
                    .all()
                    .get()
                    .forEach((tp, o) ->
                            out.put(new TopicPartition(d.group() + "|" + tp.topic(), tp.partition()), o.offset()));
        }
        return out;
    }

    /**
     * True when every end is committed, less one: the marker of the last transaction, which a consumer need not
     * commit past.
     */
    static boolean covers(
            Map<TopicPartition, Long> committed,
            Map<TopicPartition, Long> ends,
            java.util.function.BiPredicate<TopicPartition, long[]> markersOnly) {
        for (var e : ends.entrySet()) {
            Long c = committed.get(e.getKey());
            if (e.getValue() > 0
                    && (c == null
                            || c + 1 < e.getValue() && !markersOnly.test(e.getKey(), new long[] {c, e.getValue()}))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a group's partition (keyed group|topic as in {@link #committed}) holds no record between a committed
     * offset and the end, only transaction markers: a Flink Kafka source (the archive job) commits the offset after
     * its last record, not its consumer's position past the markers that follow it. Read once per gap, cached.
     */
    static final class MarkersOnly implements java.util.function.BiPredicate<TopicPartition, long[]> {
        private final String bootstrap;
        private final Map<String, Boolean> seen = new java.util.HashMap<>();

        MarkersOnly(String bootstrap) {
            this.bootstrap = bootstrap;
        }

        @Override
        public boolean test(TopicPartition keyed, long[] range) {
            String topic = keyed.topic().substring(keyed.topic().indexOf('|') + 1);
            TopicPartition tp = new TopicPartition(topic, keyed.partition());
            return seen.computeIfAbsent(tp + "@" + range[0] + "-" + range[1], k -> {
                Properties p = new Properties();
                p.put("bootstrap.servers", bootstrap);
                p.put("isolation.level", "read_committed");
                try (KafkaConsumer<byte[], byte[]> c =
                        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                    c.assign(List.of(tp));
                    c.seek(tp, range[0]);
                    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                    while (c.position(tp) < range[1] && System.nanoTime() < deadline) {
                        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                            if (r.offset() < range[1]) {
                                return false;
                            }
                        }
                    }
                    return c.position(tp) >= range[1];
                }
            });
        }
    }

    /** The latest event time of the session's records, those too far in the future to be accepted left out. */
    static long lastEventMillis(List<TradingSession.Item> items) {
        long now = System.currentTimeMillis();
        return items.stream()
                .mapToLong(TradingSession.Item::eventTimeMillis)
                .filter(t -> t <= now)
                .max()
                .orElse(0);
    }

    /** The offsets the plane's consumer group has committed on the input topics, summed over partitions. */
    static long committedInputOffsets(Admin admin) throws Exception {
        long sum = 0;
        for (var e : admin.listConsumerGroupOffsets(LocalPlane.GROUP_ID)
                .partitionsToOffsetAndMetadata()
                .get()
                .entrySet()) {
            if (Topics.INPUTS.contains(e.getKey().topic()) && e.getValue() != null) {
                sum += e.getValue().offset();
            }
        }
        return sum;
    }

    static double rawConsumeRate(String bootstrap, int expected) throws IOException {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "riskplane-bench-raw");
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        p.put("isolation.level", "read_committed");
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(Topics.INPUTS);
            long count = 0;
            long t0 = System.nanoTime();
            long deadline = t0 + Duration.ofMinutes(10).toNanos();
            while (count < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    count++;
                    try {
                        Envelope.parseFrom(r.value()); // decoding is part of the ceiling, as in the plane
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        // the session's malformed records: counted, as the plane counts them
                    }
                }
            }
            if (count < expected) {
                throw new IllegalStateException("raw consumer read " + count + " of " + expected + " records");
            }
            return count / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** Produce-to-consume latency of single records (acks=all, no linger), p50 and p99 in ms. */
    static double[] roundTripMillis(String bootstrap, int samples) throws Exception {
        Properties pp = new Properties();
        pp.put("bootstrap.servers", bootstrap);
        pp.put("acks", "all");
        pp.put("linger.ms", "0");
        Properties cp = new Properties();
        cp.put("bootstrap.servers", bootstrap);
        cp.put("isolation.level", "read_committed");
        cp.put("fetch.max.wait.ms", "500");
        List<Double> latencies = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
                KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(RTT_TOPIC, 0);
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            consumer.position(tp);
            for (int i = 0; i < samples; i++) {
                long sent = System.nanoTime();
                producer.send(new ProducerRecord<>(
                        RTT_TOPIC, ByteBuffer.allocate(8).putLong(sent).array()));
                boolean seen = false;
                while (!seen) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        if (ByteBuffer.wrap(r.value()).getLong() == sent) {
                            latencies.add((System.nanoTime() - sent) / 1e6);
                            seen = true;
                        }
                    }
                }
            }
        }
        Collections.sort(latencies);
        return new double[] {percentile(latencies, 0.50), percentile(latencies, 0.99)};
    }

    static double percentile(List<Double> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    /** VmHWM (peak resident set) of a process, in MiB; -1 when it cannot be read. */
    static long peakRssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }

    /**
     * Resets this JVM's VmHWM to its current RSS (Linux 4.0+: "5" into clear_refs), so that each parallelism's
     * plane reports its own peak. False when the kernel does not allow it.
     */
    static boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * A checkpoint's size: the bytes of its files (hashmap backend: all state is in its chk-N directory), and its
     * state by operator (CheckpointBreakdown), both of the same checkpoint.
     */
    record CheckpointSize(long bytes, Map<String, Long> byOperator) {}

    /** The latest completed checkpoint's size; bytes -1 when there is none. */
    static CheckpointSize latestCheckpointSize(Path checkpoints) throws IOException {
        // The job still runs: the latest checkpoint can be subsumed and deleted while it is measured; take the next.
        for (int attempt = 1; ; attempt++) {
            Path latest = LocalPlane.latestCheckpoint(checkpoints);
            if (latest == null) {
                return new CheckpointSize(-1, Map.of());
            }
            long bytes = 0;
            try (Stream<Path> files = Files.walk(latest)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(p)) {
                        bytes += Files.size(p);
                    }
                }
                return new CheckpointSize(bytes, CheckpointBreakdown.of(latest));
            } catch (java.nio.file.NoSuchFileException | java.io.UncheckedIOException e) {
                if (attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /**
     * The keys the plane's keyed state is spread over, counted from the session itself: strategies (positions, PnL,
     * guardrails, telemetry), venue books (quote freshness, telemetry), instruments (dislocations), adapters (SLOs,
     * route fallbacks), lanes and cursor consumers (staleness, lane runs). An approximation: operators share keys.
     */
    static long stateKeys(List<TradingSession.Item> items) {
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (TradingSession.Item i : items) {
            io.riskplane.v1.Envelope e = i.envelope();
            if (e == null) {
                continue;
            }
            switch (e.getPayloadCase()) {
                case ORDER -> {
                    keys.add("strategy|" + e.getOrder().getOrg() + "|"
                            + e.getOrder().getStrategy());
                    keys.add("adapter|" + e.getOrder().getActualAdapter());
                }
                case FILL ->
                    keys.add("strategy|" + e.getFill().getOrg() + "|"
                            + e.getFill().getStrategy());
                case QUOTE -> {
                    keys.add("book|" + e.getQuote().getVenue() + "|"
                            + e.getQuote().getInstrument());
                    keys.add("instrument|" + e.getQuote().getInstrument());
                }
                case CURSOR_COMMIT -> keys.add("consumer|" + e.getCursorCommit().getConsumerId());
                case LANE_RUN -> keys.add("lane|" + e.getLaneRun().getLane());
                default -> {}
            }
        }
        return Math.max(1, keys.size());
    }
}
