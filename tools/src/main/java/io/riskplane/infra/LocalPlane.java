package io.riskplane.infra;

import io.riskplane.contract.Topics;
import io.riskplane.plane.PlaneConfig;
import io.riskplane.plane.PlaneRuntime;
import io.riskplane.sinks.clickhouse.ClickHouseHttp;
import io.riskplane.sinks.clickhouse.ClickHouseLoader;
import io.riskplane.sinks.clickhouse.LocalClickHouseServer;
import io.riskplane.sinks.iceberg.IcebergLakehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.core.execution.JobClient;

/**
 * The whole plane on one machine: an in-JVM Kafka broker, a private ClickHouse server, an Iceberg warehouse on
 * local disk, the decision job on a Flink MiniCluster, the archive job (Kafka to Iceberg) on a MiniCluster of its
 * own and the ClickHouse loader on a thread. `riskplane demo` and the end-to-end tests run this.
 */
public final class LocalPlane implements AutoCloseable {
    public final EmbeddedKafka kafka;
    public final LocalClickHouseServer clickhouseServer;
    public final ClickHouseHttp clickhouse;
    public final IcebergLakehouse lakehouse;
    public final Path warehouse;
    /** The running job; replaced by {@link #restartFromLatestCheckpoint()}. */
    public volatile JobClient job;
    /** The archive job (io.riskplane.archive.ArchiveJob), beside the decision job; null until startDownstream. */
    public volatile JobClient archive;

    public final PlaneConfig config;
    /** Inserts the plane's rows into ClickHouse, on a thread of its own beside the job; null until startDownstream. */
    public volatile ClickHouseLoader loader;

    public static final String SIGNING_KEY_ID = "local";
    /** The local plane's one operator: `riskplane control` signs with its key, keys/oncall.key under the work dir. */
    public static final String OPERATOR_KEY_ID = "oncall";
    /**
     * The local plane's risk desk: the demo signs its policies with its key, keys/risk-desk.key under the work dir
     * (`riskplane produce --policy-signer risk-desk --policy-key-file ...` signs yours). Signatures are verified, not
     * required, so the tests' unsigned policies still apply.
     */
    public static final String POLICY_KEY_ID = "risk-desk";

    /** The risk desk's key, which signs policies (security.policy_keys). */
    public io.riskplane.verify.ControlSigner policySigner() {
        return config.security().policyKeyRefs().stream()
                .filter(k -> k.keyId().equals(POLICY_KEY_ID))
                .findFirst()
                .orElseThrow()
                .load();
    }

    /** Where Flink's Prometheus reporter serves the plane's metrics. */
    public String metricsUrl() {
        return "http://127.0.0.1:" + config.flink().metricsPort() + "/metrics";
    }

    /** Where the archive job's MiniCluster serves its metrics. */
    public String archiveMetricsUrl() {
        return "http://127.0.0.1:" + config.archive().metricsPort() + "/metrics";
    }

    private LocalPlane(
            EmbeddedKafka kafka,
            LocalClickHouseServer ch,
            IcebergLakehouse lakehouse,
            Path warehouse,
            JobClient job,
            PlaneConfig config) {
        this.kafka = kafka;
        this.clickhouseServer = ch;
        this.clickhouse = new ClickHouseHttp(ch.httpUrl(), "default", "");
        this.lakehouse = lakehouse;
        this.warehouse = warehouse;
        this.job = job;
        this.config = config;
    }

    /**
     * @param webUiPort Flink web UI port, or null for a MiniCluster without the UI
     * @param progress receives one line per step
     */
    public static LocalPlane start(Path workDir, Integer webUiPort, int parallelism, Consumer<String> progress)
            throws Exception {
        return start(
                workDir,
                webUiPort,
                parallelism,
                DEFAULT_CHECKPOINT_INTERVAL_MS,
                true,
                io.riskplane.plane.PlaneOptions.DEFAULT_LIVE_LAG.toMillis(),
                progress);
    }

    /** The plane's Kafka consumer group. */
    public static final String GROUP_ID = "riskplane";

    /** Checkpoints every second by default: control events become visible to read_committed readers on each. */
    public static final long DEFAULT_CHECKPOINT_INTERVAL_MS = 1000;

    /**
     * The archive job commits to Iceberg every few seconds here, not every 2 minutes as in production
     * (archive.checkpoint_interval_ms): the demo runs a minute and shows its Iceberg rows.
     */
    public static final long DEFAULT_ARCHIVE_CHECKPOINT_INTERVAL_MS = 3000;

    public static LocalPlane start(
            Path workDir,
            Integer webUiPort,
            int parallelism,
            long checkpointIntervalMs,
            boolean controlExactlyOnce,
            long liveLagMs,
            Consumer<String> progress)
            throws Exception {
        return start(
                workDir, webUiPort, parallelism, checkpointIntervalMs, controlExactlyOnce, liveLagMs, null, progress);
    }

    /** @param icebergCatalogImpl an Iceberg Catalog class over the local warehouse (drills inject faults), or null */
    public static LocalPlane start(
            Path workDir,
            Integer webUiPort,
            int parallelism,
            long checkpointIntervalMs,
            boolean controlExactlyOnce,
            long liveLagMs,
            String icebergCatalogImpl,
            Consumer<String> progress)
            throws Exception {
        return start(
                workDir,
                webUiPort,
                parallelism,
                checkpointIntervalMs,
                controlExactlyOnce,
                liveLagMs,
                icebergCatalogImpl,
                DEFAULT_ARCHIVE_CHECKPOINT_INTERVAL_MS,
                progress);
    }

    /** @param archiveCheckpointIntervalMs how often the archive job commits to Iceberg */
    public static LocalPlane start(
            Path workDir,
            Integer webUiPort,
            int parallelism,
            long checkpointIntervalMs,
            boolean controlExactlyOnce,
            long liveLagMs,
            String icebergCatalogImpl,
            long archiveCheckpointIntervalMs,
            Consumer<String> progress)
            throws Exception {
        return start(
                EmbeddedKafka.Mode.IN_JVM,
                workDir,
                webUiPort,
                parallelism,
                checkpointIntervalMs,
                controlExactlyOnce,
                liveLagMs,
                icebergCatalogImpl,
                archiveCheckpointIntervalMs,
                progress);
    }

    /** @param brokerMode the broker in this JVM (demo, tests) or in a JVM process of its own (bench) */
    public static LocalPlane start(
            EmbeddedKafka.Mode brokerMode,
            Path workDir,
            Integer webUiPort,
            int parallelism,
            long checkpointIntervalMs,
            boolean controlExactlyOnce,
            long liveLagMs,
            String icebergCatalogImpl,
            long archiveCheckpointIntervalMs,
            Consumer<String> progress)
            throws Exception {
        return start(
                brokerMode,
                workDir,
                webUiPort,
                parallelism,
                checkpointIntervalMs,
                controlExactlyOnce,
                liveLagMs,
                icebergCatalogImpl,
                archiveCheckpointIntervalMs,
                true,
                progress);
    }

    /**
     * @param withDownstream whether the archive job and the loader start now; without, the decision job runs alone
     *     until {@link #startDownstream} (the bench measures it so, then the whole system catching up)
     */
    public static LocalPlane start(
            EmbeddedKafka.Mode brokerMode,
            Path workDir,
            Integer webUiPort,
            int parallelism,
            long checkpointIntervalMs,
            boolean controlExactlyOnce,
            long liveLagMs,
            String icebergCatalogImpl,
            long archiveCheckpointIntervalMs,
            boolean withDownstream,
            Consumer<String> progress)
            throws Exception {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            long t = System.nanoTime();
            EmbeddedKafka kafka = EmbeddedKafka.start(workDir.resolve("kafka"), brokerMode);
            started.add(kafka);
            List<String> topics = new ArrayList<>(Topics.INPUTS);
            topics.addAll(Topics.OUTPUTS);
            kafka.createTopics(topics, 1);
            progress.accept(String.format(
                    "Kafka broker (KRaft, %s) at %s, %d topics, ready in %.1f s",
                    brokerMode == EmbeddedKafka.Mode.IN_JVM ? "in this JVM" : "own JVM process " + kafka.pid(),
                    kafka.bootstrapServers(),
                    topics.size(),
                    (System.nanoTime() - t) / 1e9));

            t = System.nanoTime();
            LocalClickHouseServer ch = LocalClickHouseServer.start(workDir.resolve("clickhouse"));
            started.add(ch);
            progress.accept(String.format(
                    "ClickHouse server at %s (data in %s), ready in %.1f s",
                    ch.httpUrl(), ch.directory(), (System.nanoTime() - t) / 1e9));

            int metricsPort = EmbeddedKafka.freePort();
            // A fresh signing key per run, in a file only this user can read (docs/security.md).
            Path keyFile = writeKey(workDir.resolve("keys").resolve("control-signing.key"));
            // And one for the on-call operator, whose commands `riskplane control` signs with it.
            Path operatorKeyFile = writeKey(workDir.resolve("keys").resolve(OPERATOR_KEY_ID + ".key"));
            // And one for the risk desk, whose signature on a policy the plane verifies.
            Path policyKeyFile = writeKey(workDir.resolve("keys").resolve(POLICY_KEY_ID + ".key"));
            PlaneConfig.Security security = new PlaneConfig.Security(
                    new PlaneConfig.SigningKey(SIGNING_KEY_ID, null, keyFile.toString()),
                    null,
                    null,
                    List.of(new PlaneConfig.SigningKey(OPERATOR_KEY_ID, null, operatorKeyFile.toString())),
                    List.of(new PlaneConfig.SigningKey(POLICY_KEY_ID, null, policyKeyFile.toString())),
                    false);
            Path warehouse = workDir.resolve("warehouse").toAbsolutePath();
            PlaneConfig config = new PlaneConfig(
                    new PlaneConfig.Kafka(
                            kafka.bootstrapServers(),
                            Map.of(),
                            GROUP_ID,
                            "riskplane-control",
                            false,
                            1,
                            controlExactlyOnce ? PlaneConfig.Kafka.EXACTLY_ONCE : PlaneConfig.Kafka.AT_LEAST_ONCE),
                    new PlaneConfig.ClickHouse(ch.httpUrl(), "default", null, null, 2000, 500L),
                    icebergCatalogImpl == null
                            ? Map.of(
                                    "type",
                                    "hadoop",
                                    "warehouse",
                                    warehouse.toUri().toString())
                            : Map.of(
                                    "type",
                                    "custom",
                                    "catalog-impl",
                                    icebergCatalogImpl,
                                    "warehouse",
                                    warehouse.toUri().toString()),
                    new PlaneConfig.Flink(
                            parallelism,
                            checkpointIntervalMs,
                            workDir.resolve("checkpoints")
                                    .toAbsolutePath()
                                    .toUri()
                                    .toString(),
                            "hashmap",
                            webUiPort,
                            metricsPort,
                            null),
                    new PlaneConfig.Time(null, null, null, liveLagMs, null, null),
                    null,
                    null,
                    null,
                    security,
                    new PlaneConfig.Archive(
                            archiveCheckpointIntervalMs, null, null, null, EmbeddedKafka.freePort(), null));
            t = System.nanoTime();
            JobClient job = PlaneRuntime.start(config, webUiPort != null);
            started.add(() -> job.cancel().get());
            progress.accept(String.format(
                            "Flink MiniCluster: job %s submitted in %.1f s%s",
                            job.getJobID(),
                            (System.nanoTime() - t) / 1e9,
                            webUiPort == null ? "" : ", web UI at http://127.0.0.1:" + webUiPort)
                    + ", Prometheus metrics at http://127.0.0.1:" + metricsPort + "/metrics");
            LocalPlane plane = new LocalPlane(
                    kafka, ch, IcebergLakehouse.fromProperties(config.iceberg()), warehouse, job, config);
            if (withDownstream) {
                started.add(plane::stopDownstream);
                plane.startDownstream(progress);
            }
            return plane;
        } catch (Exception e) {
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** Starts the archive job and the ClickHouse loader (once), which catch up from the topics' committed offsets. */
    public synchronized void startDownstream(Consumer<String> progress) throws Exception {
        if (archive != null) {
            return;
        }
        long t = System.nanoTime();
        archive = io.riskplane.archive.ArchiveRuntime.start(config);
        progress.accept(String.format(
                "archive job %s (Kafka to Iceberg, commits every %.0f s) submitted in %.1f s",
                archive.getJobID(),
                config.archive().checkpointInterval().toMillis() / 1e3,
                (System.nanoTime() - t) / 1e9));
        ClickHouseLoader started = config.clickhouse()
                .loader(
                        config.kafka(),
                        config.options().maxFutureSkew(),
                        org.slf4j.LoggerFactory.getLogger(ClickHouseLoader.class)::warn);
        Thread loading = new Thread(started::run, "clickhouse-loader");
        loading.setDaemon(true);
        loading.start();
        loader = started;
    }

    private void stopDownstream() {
        try {
            if (archive != null) {
                archive.cancel().get();
            }
        } catch (Exception ignored) {
            // already finished or failed; its error was reported where it happened
        }
        if (loader != null) {
            loader.stop();
        }
    }

    /**
     * Kills the job (cancel, as a crash would leave it: uncommitted Kafka transactions and unflushed sink batches are
     * lost) and starts it again from its latest completed checkpoint, against the same Kafka, ClickHouse and
     * Iceberg. Returns the checkpoint it restored.
     */
    public Path restartFromLatestCheckpoint() throws Exception {
        job.cancel().get();
        Path latest =
                latestCheckpoint(Path.of(java.net.URI.create(config.flink().checkpointDir())));
        if (latest == null) {
            throw new IllegalStateException("no completed checkpoint to restart from");
        }
        job = PlaneRuntime.start(config.withFlink(config.flink().restoringFrom(latest.toString())), false);
        return latest;
    }

    /** The chk-N directory whose _metadata was written last, across every job that wrote to checkpoints. */
    public static Path latestCheckpoint(Path checkpoints) throws java.io.IOException {
        if (!java.nio.file.Files.isDirectory(checkpoints)) {
            return null;
        }
        // Flink deletes subsumed checkpoints while we walk: a file that vanished means walk again.
        for (int attempt = 1; ; attempt++) {
            try (java.util.stream.Stream<Path> all = java.nio.file.Files.walk(checkpoints, 3)) {
                return all.filter(p -> p.getFileName().toString().equals("_metadata")
                                && p.getParent().getFileName().toString().startsWith("chk-"))
                        .max(java.util.Comparator.comparingLong(p -> p.toFile().lastModified()))
                        .map(Path::getParent)
                        .orElse(null);
            } catch (java.nio.file.NoSuchFileException | java.io.UncheckedIOException e) {
                if (attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            job.cancel().get();
        } catch (Exception ignored) {
            // already finished or failed; its error was reported where it happened
        }
        stopDownstream();
        kafka.close();
        clickhouseServer.close();
    }

    /** A fresh random 32-byte key, base64, in a file only this user can read (docs/security.md). */
    static Path writeKey(Path file) throws java.io.IOException {
        Path keyFile = file.toAbsolutePath();
        java.nio.file.Files.createDirectories(keyFile.getParent());
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        java.nio.file.Files.writeString(keyFile, java.util.Base64.getEncoder().encodeToString(key));
        keyFile.toFile().setReadable(false, false);
        keyFile.toFile().setReadable(true, true);
        return keyFile;
    }
}
