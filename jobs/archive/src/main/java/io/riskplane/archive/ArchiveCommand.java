package io.riskplane.archive;

import io.riskplane.plane.PlaneConfig;
import io.riskplane.plane.PlaneRuntime;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "archive",
        mixinStandardHelpOptions = true,
        description = "Runs the archive job alone: the input topics, the detectors' rows and the control topics "
                + "into the Iceberg tables raw_events, detector_outputs and control_events, committed every "
                + "archive.checkpoint_interval_ms (default 2 minutes). `run` and `demo` start it beside the plane; "
                + "on Kubernetes it is a FlinkDeployment of its own. Locally on a MiniCluster, or on a Flink cluster "
                + "when submitted there. Stops on Ctrl-C. See docs/storage.md.")
public final class ArchiveCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "YAML configuration.")
    Path config;

    @Override
    public Integer call() throws Exception {
        PlaneConfig c = PlaneConfig.load(config);
        System.out.printf(
                "riskplane archive: Kafka %s -> Iceberg %s, commits every %s%n",
                c.kafka().bootstrap(),
                c.iceberg().getOrDefault("warehouse", c.iceberg().get("uri")),
                c.archiveOrDefaults().checkpointInterval());
        JobClient job = ArchiveRuntime.start(c);
        if (PlaneRuntime.onCluster()) {
            // Application mode: the cluster owns the job; submit and return without exiting the JVM.
            System.out.printf("archive job %s submitted to the Flink cluster%n", job.getJobID());
            PlaneRuntime.submittedToCluster = true;
            return 0;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                job.cancel().get();
            } catch (Exception ignored) {
                // stopping anyway
            }
        }));
        System.out.printf("archive job %s running; Ctrl-C stops it%n", job.getJobID());
        return PlaneRuntime.watch(job) ? 0 : 1;
    }

    /** The archive FlinkDeployment's entry class (k8s/base/archive): `--config FILE`. */
    public static void main(String[] args) {
        int code = new picocli.CommandLine(new ArchiveCommand()).execute(args);
        PlaneRuntime.exit(code);
    }
}
