package io.riskplane.infra;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one) on loopback ports, with its log in a
 * directory of ours: inside this JVM ({@link Mode#IN_JVM}, `riskplane demo` and the tests) or in a JVM process of
 * its own ({@link Mode#OWN_PROCESS}, `riskplane bench`: as on Kubernetes, where the broker does not share a heap,
 * a garbage collector or a process with the plane). Production points at a real cluster.
 */
public final class EmbeddedKafka implements AutoCloseable {
    /** Where the broker runs. */
    public enum Mode {
        IN_JVM,
        OWN_PROCESS
    }

    /** Heap and GC settings of the broker process: kafka-server-start.sh's defaults. */
    static final List<String> BROKER_JVM_OPTIONS = List.of(
            "-Xmx1G",
            "-Xms1G",
            "-server",
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35",
            "-XX:+ExplicitGCInvokesConcurrent",
            "-Djava.awt.headless=true");

    private final KafkaRaftServer server;
    private final Process process;
    private final Path dir;
    private final String bootstrap;

    private EmbeddedKafka(KafkaRaftServer server, Process process, Path dir, String bootstrap) {
        this.server = server;
        this.process = process;
        this.dir = dir;
        this.bootstrap = bootstrap;
    }

    public static EmbeddedKafka start(Path dir) throws IOException {
        return start(dir, Mode.IN_JVM);
    }

    public static EmbeddedKafka start(Path dir, Mode mode) throws IOException {
        int brokerPort = freePort();
        int controllerPort = freePort();
        Path logs = dir.resolve("kafka-logs");
        Files.createDirectories(logs);
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put(
                "advertised.listeners",
                "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logs.toAbsolutePath().toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "1");
        props.put("log.flush.interval.messages", "9223372036854775807");
        Path config = dir.resolve("server.properties");
        try (var out = Files.newOutputStream(config)) {
            props.store(out, "riskplane embedded broker");
        }
        ByteArrayOutputStream formatLog = new ByteArrayOutputStream();
        int rc = StorageTool.execute(
                new String[] {
                    "format",
                    "-t",
                    Uuid.randomUuid().toString(),
                    "-c",
                    config.toString(),
                    "--standalone",
                    "--ignore-formatted"
                },
                new PrintStream(formatLog, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new IOException("formatting the embedded Kafka log directory failed: " + formatLog);
        }
        String bootstrap = "127.0.0.1:" + brokerPort;
        if (mode == Mode.OWN_PROCESS) {
            EmbeddedKafka kafka = new EmbeddedKafka(null, launch(config, dir), dir, bootstrap);
            try {
                kafka.awaitReady(Duration.ofSeconds(60));
            } catch (IOException e) {
                kafka.close();
                throw e;
            }
            return kafka;
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        EmbeddedKafka kafka = new EmbeddedKafka(server, null, dir, bootstrap);
        kafka.awaitReady(Duration.ofSeconds(60));
        return kafka;
    }

    /**
     * `kafka.Kafka server.properties` on this JVM's classpath, through {@link KafkaBrokerProcess}, which only adds a
     * watch on this JVM so that the broker stops when we die without closing it. Output goes to broker.log.
     */
    private static Process launch(Path config, Path dir) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(BROKER_JVM_OPTIONS);
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                KafkaBrokerProcess.class.getName(),
                String.valueOf(ProcessHandle.current().pid()),
                config.toAbsolutePath().toString()));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("broker.log").toFile()))
                .start();
    }

    /** The broker's process id: its own process, or this JVM's when it runs inside it. */
    public long pid() {
        return process != null ? process.pid() : ProcessHandle.current().pid();
    }

    public Mode mode() {
        return process != null ? Mode.OWN_PROCESS : Mode.IN_JVM;
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    public void createTopics(Collection<String> topics, int partitions) {
        try (Admin admin = admin()) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (String t : topics) {
                NewTopic topic = new NewTopic(t, partitions, (short) 1);
                if (io.riskplane.contract.Topics.COMPACTED.contains(t)) {
                    topic.configs(java.util.Map.of("cleanup.policy", "compact"));
                }
                newTopics.add(topic);
            }
            admin.createTopics(newTopics).values().forEach((name, f) -> {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + name, e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private void awaitReady(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                if (process != null && !process.isAlive()) {
                    throw new IOException("the Kafka broker process exited with " + process.exitValue() + "; see "
                            + dir.resolve("broker.log"));
                }
                try {
                    if (!admin.describeCluster().nodes().get().isEmpty()) {
                        return;
                    }
                } catch (ExecutionException e) {
                    last = e;
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IOException("embedded Kafka did not become ready within " + timeout, last);
    }

    @Override
    public void close() {
        if (process == null) {
            server.shutdown();
            server.awaitShutdown();
            return;
        }
        process.destroy(); // SIGTERM: the broker's own shutdown hook shuts it down in order
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
