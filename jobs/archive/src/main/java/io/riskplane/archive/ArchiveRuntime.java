package io.riskplane.archive;

import io.riskplane.plane.PlaneConfig;
import io.riskplane.plane.PlaneRuntime;
import io.riskplane.sinks.iceberg.IcebergLakehouse;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Starts the archive job: locally on a MiniCluster of its own (beside the plane's, in `demo` and `run`), or on the
 * Flink cluster this process runs in (`riskplane archive` in application mode, a FlinkDeployment of its own).
 */
public final class ArchiveRuntime {
    private ArchiveRuntime() {}

    /** Creates the Iceberg tables when missing (idempotent), then submits the archive job. */
    public static JobClient start(PlaneConfig config) throws Exception {
        IcebergLakehouse lakehouse = IcebergLakehouse.fromProperties(config.iceberg());
        lakehouse.ensureTables();
        PlaneConfig.Archive a = config.archiveOrDefaults();
        PlaneConfig.Flink f = config.flinkOrDefaults();
        // The plane's local settings, but its own parallelism, checkpoints, metrics port and restore path; no web UI
        // (the plane's has the port), its REST endpoint on a free port.
        PlaneConfig.Flink own = new PlaneConfig.Flink(
                a.parallelism() != null ? a.parallelism() : f.parallelism(),
                a.checkpointInterval().toMillis(),
                a.checkpointDirOr(f.checkpointDir()),
                f.stateBackend(),
                null,
                a.metricsPort(),
                a.restoreFrom(),
                f.restBindAddress(),
                f.metricsBindAddress(),
                false,
                f.webCancelEnabled());
        StreamExecutionEnvironment env = PlaneRuntime.environment(own, own.checkpointDir(), own.metricsPort(), false);
        env.enableCheckpointing(a.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.getCheckpointConfig()
                .setMinPauseBetweenCheckpoints(Math.min(a.checkpointInterval().toMillis() / 2, 10_000));
        PlaneConfig.Kafka k = config.kafka();
        String group = a.groupIdOrDefault();
        new ArchiveJob(
                        ArchiveSources.inputs(
                                k.bootstrap(),
                                k.clientProperties(),
                                group,
                                config.options().maxFutureSkew().toMillis()),
                        ArchiveSources.detectorRows(k.bootstrap(), k.clientProperties(), group),
                        ArchiveSources.controls(k.bootstrap(), k.clientProperties(), group),
                        ArchiveSinks.iceberg(lakehouse))
                .build(env);
        return env.executeAsync("riskplane-archive");
    }
}
