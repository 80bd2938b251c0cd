package io.riskplane.plane;

import io.riskplane.contract.Topics;
import io.riskplane.sinks.clickhouse.ClickHouseSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/** Starts the plane's streaming job against Kafka, ClickHouse and Iceberg: shared by `demo` and `run`. */
public final class PlaneRuntime {
    private PlaneRuntime() {}

    /** Set when a job went to the Flink cluster whose JVM this is: main must then not call System.exit. */
    public static volatile boolean submittedToCluster;

    /**
     * Application mode: the cluster owns the job (savepoints, restarts, upgrades). Submits it and returns; the caller
     * must not wait on it nor exit the JVM ({@link #exit}).
     */
    public static JobClient submitToCluster(PlaneConfig config) throws Exception {
        JobClient job = start(config, false);
        System.out.printf("job %s submitted to the Flink cluster%n", job.getJobID());
        submittedToCluster = true;
        return job;
    }

    /**
     * Ends a command-line main with its exit code, except after a successful submission to the cluster this JVM
     * belongs to: in a Flink JobManager (application mode), exiting the JVM would take the cluster down with it.
     */
    public static void exit(int code) {
        if (code == 0 && submittedToCluster) {
            return;
        }
        System.exit(code);
    }

    /**
     * True when this process runs inside a Flink client or cluster (`flink run`, application mode), which then
     * owns the job: the caller must submit and return, not wait on it or exit the JVM.
     */
    public static boolean onCluster() {
        return !(StreamExecutionEnvironment.getExecutionEnvironment() instanceof LocalStreamEnvironment);
    }

    /**
     * Applies the ClickHouse DDL (idempotent), then submits the decision job. It writes only to Kafka: run
     * {@link PlaneConfig.ClickHouse#loader} beside it to insert the ClickHouse rows, and the archive job
     * (io.riskplane.archive.ArchiveRuntime) for the Iceberg tables.
     */
    public static JobClient start(PlaneConfig config, boolean localWebUi) throws Exception {
        PlaneConfig.ClickHouse ch = config.clickhouse();
        ClickHouseSchema.apply(ch.http());
        PlaneConfig.Kafka k = config.kafka();
        if (k.createTopicsOrDefault()) {
            createTopics(k);
        }

        PlaneConfig.Flink f = config.flinkOrDefaults();
        StreamExecutionEnvironment env = environment(f, f.checkpointDir(), f.metricsPort(), localWebUi);
        env.enableCheckpointing(f.checkpointIntervalMsOrDefault(), CheckpointingMode.EXACTLY_ONCE);
        env.getCheckpointConfig().setMinPauseBetweenCheckpoints(500);
        // Barriers overtake in-flight records, so a checkpoint does not stall the pipeline while a slow sink
        // back-pressures it (aligned barriers held every channel for 0.5-2 s of each second: docs/benchmark.md).
        env.getCheckpointConfig().enableUnalignedCheckpoints();

        PlaneOptions options = config.options();
        ExternalSinks sinks = new ExternalSinks(
                k.bootstrap(),
                k.clientProperties(),
                k.transactionalIdPrefixOrDefault(),
                config.signingKey(),
                k.controlExactlyOnce());
        String group = k.groupIdOrDefault();
        new RiskPlaneJob(
                        KafkaInput.source(k.bootstrap(), k.clientProperties(), group, options),
                        KafkaInput.arrivals(k.bootstrap(), k.clientProperties(), group, options),
                        KafkaInput.operatorCommands(k.bootstrap(), k.clientProperties(), group, options),
                        sinks,
                        options)
                .build(env);
        return env.executeAsync("riskplane");
    }

    /**
     * A job's environment: the cluster's when this process runs in one, else a local MiniCluster of its own (REST
     * endpoint per {@link #localExposure}); state backend, retained checkpoints in checkpointDir (when set), restore
     * path and Prometheus reporter on metricsPort (when set) from f. Parallelism: f's, else the cluster's, else
     * flink.parallelism's default.
     */
    public static StreamExecutionEnvironment environment(
            PlaneConfig.Flink f, String checkpointDir, Integer metricsPort, boolean localWebUi) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, f.stateBackendOrDefault());
        if (checkpointDir != null) {
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir);
        }
        // Keep the latest checkpoint when the job is cancelled or the process dies, so a restart resumes from it.
        conf.setString("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        if (f.restoreFrom() != null) {
            conf.setString("execution.state-recovery.path", f.restoreFrom());
        }
        if (metricsPort != null) {
            // Flink's Prometheus metrics (every operator metric, riskplane_* counters included) on /metrics, on
            // flink.metrics_bind_address only: Flink's own PrometheusReporter binds every interface.
            conf.setString("metrics.reporter.prom.factory.class", LoopbackPrometheusReporter.Factory.class.getName());
            conf.setString(
                    "metrics.reporter.prom." + LoopbackPrometheusReporter.ARG_HOST, f.metricsBindAddressOrDefault());
            conf.setString("metrics.reporter.prom." + LoopbackPrometheusReporter.ARG_PORT, String.valueOf(metricsPort));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        boolean local = env instanceof LocalStreamEnvironment;
        if (local) {
            env = LocalFlink.environment(localExposure(conf, f, localWebUi));
        }
        // On a cluster (e.g. application mode under the Flink Kubernetes Operator) the deployment's parallelism
        // applies unless the configuration names one; locally the option's default.
        if (f.parallelism() != null) {
            env.setParallelism(f.parallelism());
        } else if (local) {
            env.setParallelism(PlaneConfigOptions.FLINK_PARALLELISM.defaultValue());
        }
        return env;
    }

    /**
     * The local MiniCluster's REST endpoint (there even without the web UI, on a random port) and what it serves:
     * flink.rest_bind_address (loopback by default), jar upload only with flink.web_submit_enabled, and only GET
     * handlers unless flink.web_cancel_enabled (docs/security.md, "Local REST API and metrics").
     */
    public static Configuration localExposure(Configuration conf, PlaneConfig.Flink f, boolean webUi) {
        String bind = f.restBindAddressOrDefault();
        conf.set(RestOptions.BIND_ADDRESS, bind);
        conf.set(RestOptions.ADDRESS, bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind);
        conf.set(WebOptions.SUBMIT_ENABLE, f.webSubmit());
        conf.set(WebOptions.CANCEL_ENABLE, f.webCancel());
        conf.set(LocalFlink.JOB_CONTROL, f.webCancel());
        if (webUi) {
            conf.set(RestOptions.PORT, f.webUiPortOrDefault());
        }
        return conf;
    }

    static void createTopics(PlaneConfig.Kafka k) throws Exception {
        Map<String, Object> props = new java.util.HashMap<>();
        k.clientProperties().forEach((key, v) -> props.put((String) key, v));
        props.put("bootstrap.servers", k.bootstrap());
        try (Admin admin = Admin.create(props)) {
            java.util.Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> topics = new ArrayList<>();
            List<String> all = new ArrayList<>(Topics.INPUTS);
            all.addAll(Topics.OUTPUTS);
            for (String t : all) {
                if (!existing.contains(t)) {
                    NewTopic topic = new NewTopic(t, k.partitionsOrDefault(), (short) -1);
                    if (Topics.COMPACTED.contains(t)) {
                        topic.configs(Map.of("cleanup.policy", "compact"));
                    }
                    topics.add(topic);
                }
            }
            admin.createTopics(topics).all().get();
        }
    }

    /** Prints the job's status changes until it ends; true when it finished. */
    public static boolean watch(JobClient job) throws Exception {
        JobStatus last = null;
        while (true) {
            JobStatus s = job.getJobStatus().get();
            if (s != last) {
                System.out.printf("job status: %s%n", s);
                last = s;
            }
            if (s.isGloballyTerminalState()) {
                job.getJobExecutionResult().get();
                return s == JobStatus.FINISHED;
            }
            Thread.sleep(1000);
        }
    }
}
