package io.riskplane.bench;

import io.riskplane.contract.Topics;
import io.riskplane.demo.TradingSession;
import io.riskplane.infra.EnvelopePublisher;
import io.riskplane.infra.LocalPlane;
import io.riskplane.infra.PrometheusScrape;
import io.riskplane.plane.PlaneOptions;
import io.riskplane.plane.Replay;
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
import java.util.function.Consumer;
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

    /** Runs every measurement and returns the figures, in the order they are reported. */
    public static Map<String, Object> run(Path workDir, Duration sessionLength, int parallelism,
            long checkpointIntervalMs, boolean controlExactlyOnce, long liveLagMs, int breaches, Consumer<String> log)
            throws Exception {
        Map<String, Object> f = new LinkedHashMap<>();
        log.accept("generating a session of " + sessionLength.toMinutes() + " minutes ...");
        // The session ends now, so that the breaches injected live afterwards continue its event time.
        java.time.Instant start = java.time.Instant.now().minus(sessionLength).truncatedTo(
                java.time.temporal.ChronoUnit.SECONDS);
        List<TradingSession.Item> items = new TradingSession(7, start, sessionLength).generate();
        int n = items.size();
        // Length-delimited Protobuf, the record values as on Kafka: replay reads it without parsing JSON text.
        Path input = workDir.resolve("bench-input.pb");
        TradingSession.export(items, input);
        f.put("events", n);
        f.put("session_minutes", sessionLength.toMinutes());
        f.put("parallelism", parallelism);
        f.put("checkpoint_interval_ms", checkpointIntervalMs);
        f.put("control_delivery", controlExactlyOnce ? "exactly_once" : "at_least_once");
        f.put("live_lag_ms", liveLagMs);

        try (LocalPlane plane = LocalPlane.start(workDir.resolve("plane"), null, parallelism, checkpointIntervalMs,
                controlExactlyOnce, liveLagMs, log)) {
            // Plane throughput: from the first record published to the plane having read every record
            // (its events_in counter, valid or not), with every detector, rule and sink on.
            long t0 = System.nanoTime();
            try (EnvelopePublisher p = new EnvelopePublisher(plane.kafka.bootstrapServers(), new Properties())) {
                for (TradingSession.Item i : items) {
                    p.send(i.topic(), i.envelope(), i.value());
                }
                p.flush();
            }
            double publishS = (System.nanoTime() - t0) / 1e9;
            f.put("produce_events_per_s", Math.round(n / publishS));
            long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
            // Done when the plane's consumer group has committed every input offset: the source commits on each
            // completed checkpoint, so every record has been read and everything it produced is checkpointed.
            // (Scraping the plane's Prometheus page once a second, as before, took a tenth of the CPU itself.)
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", plane.kafka.bootstrapServers()))) {
                while (committedInputOffsets(admin) < n) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the plane did not read " + n + " events within 60 minutes");
                    }
                    Thread.sleep(200);
                }
            }
            double planeS = (System.nanoTime() - t0) / 1e9;
            double planeRate = n / planeS;
            f.put("plane_events_per_s", Math.round(planeRate));
            f.put("late_events", PrometheusScrape.sum(plane.metricsUrl(), "_late_events"));
            log.accept(String.format("plane: %,d events in %.1f s", n, planeS));

            // The raw ceiling: a plain consumer of the same topics on the same broker that decodes the Protobuf.
            double rawRate = rawConsumeRate(plane.kafka.bootstrapServers(), n);
            f.put("raw_consume_events_per_s", Math.round(rawRate));
            f.put("throughput_ratio", round(planeRate / rawRate));
            log.accept(String.format("raw consume: %,.0f events/s", rawRate));

            // Flink's own share of the gap: the same topics through the source, the router and one keyed exchange,
            // nothing else (the plane is idle meanwhile: its input is read).
            Map<String, Double> ceiling = FlinkCeiling.measure(plane.kafka.bootstrapServers(), n, parallelism,
                    checkpointIntervalMs);
            ceiling.forEach((variant, rate) -> {
                f.put("flink_" + variant + "_events_per_s", Math.round(rate));
                f.put("flink_" + variant + "_ratio", round(rate / rawRate));
            });
            log.accept("Flink without the plane's graph: " + ceiling);

            // Latency is measured on a quiet plane: the ClickHouse loader (in this JVM) first finishes the backlog's
            // rows, which took a core for a minute or more and inflated the round trip it is compared with.
            double loaderS = awaitLoaderCaughtUp(plane.kafka.bootstrapServers());
            log.accept(String.format("ClickHouse loader caught up %.1f s after the raw consume", loaderS));
            f.put("clickhouse_loader_catch_up_s", round(loaderS));
            plane.kafka.createTopics(List.of(RTT_TOPIC), 1);
            double[] rtt = roundTripMillis(plane.kafka.bootstrapServers(), RTT_SAMPLES);
            f.put("kafka_round_trip_p50_ms", round(rtt[0]));
            f.put("kafka_round_trip_p99_ms", round(rtt[1]));
            DetectionLatency.Result detection = DetectionLatency.measure(plane.kafka.bootstrapServers(), breaches,
                    log);
            // The first halt readable is the early one: what execution obeys first, so the headline figure.
            f.put("detection_breaches", detection.early().size());
            f.put("detection_latency_p50_ms", round(percentile(detection.early(), 0.50)));
            f.put("detection_latency_p99_ms", round(percentile(detection.early(), 0.99)));
            f.put("latency_ratio", round(percentile(detection.early(), 0.99) / rtt[1]));
            f.put("confirmed_detection_latency_p50_ms", round(percentile(detection.confirmed(), 0.50)));
            f.put("confirmed_detection_latency_p99_ms", round(percentile(detection.confirmed(), 0.99)));
            f.put("confirmed_latency_ratio", round(percentile(detection.confirmed(), 0.99) / rtt[1]));
            // The same round trip measured under the detection phase's background load, for context: the ratios
            // above keep the idle round trip as their baseline.
            f.put("kafka_round_trip_under_load_p50_ms", round(detection.loadedRoundTrip()[0]));
            f.put("kafka_round_trip_under_load_p99_ms", round(detection.loadedRoundTrip()[1]));
            f.put("latency_ratio_under_load", round(percentile(detection.early(), 0.99)
                    / detection.loadedRoundTrip()[1]));
            f.put("peak_rss_mb", peakRssMb());
            long checkpoint = latestCheckpointBytes(workDir.resolve("plane").resolve("checkpoints"));
            f.put("checkpoint_bytes", checkpoint);
            f.put("state_bytes_per_event", round((double) checkpoint / n));
            long keys = stateKeys(items);
            f.put("state_keys", keys);
            f.put("state_bytes_per_key", round((double) checkpoint / keys));
        }

        // Replay throughput: the same job graph, bounded, over the session file (parallelism 1, as `replay`).
        long r0 = System.nanoTime();
        Replay.run(input, workDir.resolve("replay"), 1, PlaneOptions.replay());
        double replayS = (System.nanoTime() - r0) / 1e9;
        f.put("replay_events_per_s", Math.round(n / replayS));
        log.accept(String.format("replay: %,d events in %.1f s", n, replayS));
        return f;
    }

    /**
     * Waits until the ClickHouse loader's committed offsets reach the rows topic's last stable offset (less the
     * transaction marker it may not have committed past), at most 30 minutes; returns the seconds waited.
     */
    static double awaitLoaderCaughtUp(String bootstrap) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + Duration.ofMinutes(30).toNanos();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed = admin
                        .listConsumerGroupOffsets(io.riskplane.sinks.clickhouse.ClickHouseLoader.DEFAULT_GROUP_ID)
                        .partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
                admin.describeTopics(List.of(Topics.CLICKHOUSE_ROWS)).allTopicNames().get()
                        .get(Topics.CLICKHOUSE_ROWS).partitions().forEach(p -> latest.put(
                                new TopicPartition(Topics.CLICKHOUSE_ROWS, p.partition()),
                                org.apache.kafka.clients.admin.OffsetSpec.latest()));
                var ends = admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(
                        org.apache.kafka.common.IsolationLevel.READ_COMMITTED)).all().get();
                boolean caughtUp = true;
                for (var e : ends.entrySet()) {
                    var c = committed.get(e.getKey());
                    if (e.getValue().offset() > 0 && (c == null || c.offset() + 1 < e.getValue().offset())) {
                        caughtUp = false;
                    }
                }
                if (caughtUp) {
                    return (System.nanoTime() - t0) / 1e9;
                }
                Thread.sleep(500); // polling the broker
            }
        }
        throw new IllegalStateException("the ClickHouse loader did not catch up within 30 minutes");
    }

    /** The offsets the plane's consumer group has committed on the input topics, summed over partitions. */
    static long committedInputOffsets(Admin admin) throws Exception {
        long sum = 0;
        for (var e : admin.listConsumerGroupOffsets(LocalPlane.GROUP_ID).partitionsToOffsetAndMetadata().get()
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
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
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
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(),
                new ByteArraySerializer());
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp, new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(RTT_TOPIC, 0);
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            consumer.position(tp);
            for (int i = 0; i < samples; i++) {
                long sent = System.nanoTime();
                producer.send(new ProducerRecord<>(RTT_TOPIC, ByteBuffer.allocate(8).putLong(sent).array()));
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

    /** VmHWM of this JVM, which holds the broker, the MiniCluster and the plane (ClickHouse is its own process). */
    static long peakRssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    /** Size of the newest completed checkpoint (hashmap backend: all state is in its chk-N directory). */
    static long latestCheckpointBytes(Path checkpoints) throws IOException {
        Path latest = LocalPlane.latestCheckpoint(checkpoints);
        if (latest == null) {
            return -1;
        }
        long bytes = 0;
        try (Stream<Path> files = Files.walk(latest)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)) {
                    bytes += Files.size(p);
                }
            }
        }
        return bytes;
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
                    keys.add("strategy|" + e.getOrder().getOrg() + "|" + e.getOrder().getStrategy());
                    keys.add("adapter|" + e.getOrder().getActualAdapter());
                }
                case FILL -> keys.add("strategy|" + e.getFill().getOrg() + "|" + e.getFill().getStrategy());
                case QUOTE -> {
                    keys.add("book|" + e.getQuote().getVenue() + "|" + e.getQuote().getInstrument());
                    keys.add("instrument|" + e.getQuote().getInstrument());
                }
                case CURSOR_COMMIT -> keys.add("consumer|" + e.getCursorCommit().getConsumerId());
                case LANE_RUN -> keys.add("lane|" + e.getLaneRun().getLane());
                default -> { }
            }
        }
        return Math.max(1, keys.size());
    }
}
