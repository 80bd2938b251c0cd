package io.riskplane.cli;

import io.riskplane.plane.PlaneConfig;
import io.riskplane.plane.PlaneRuntime;
import io.riskplane.service.AlertsCommand;
import io.riskplane.service.ClickHouseCommand;
import io.riskplane.service.IcebergCommand;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Runs the plane against external Kafka, ClickHouse and Iceberg (see "
                + "config/riskplane.example.yaml). Locally: the decision job on a MiniCluster, the archive job "
                + "(topics to Iceberg) on one of its own and the ClickHouse loader; on a Flink cluster when "
                + "submitted there, the decision job only (the archive is `riskplane archive`). Stops on Ctrl-C.")
final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "YAML configuration.")
    Path config;

    /** Where the local web UI listens (flink.web_ui_port on flink.rest_bind_address). */
    static String webUi(PlaneConfig.Flink f) {
        PlaneConfig.Flink flink = f == null ? PlaneConfig.Flink.defaults() : f;
        String host = flink.restBindAddressOrDefault();
        return ", web UI at http://" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":"
                + flink.webUiPortOrDefault()
                + (flink.webCancel() ? "" : " (read-only: flink.web_cancel_enabled is off)");
    }

    @Override
    public Integer call() throws Exception {
        PlaneConfig c = PlaneConfig.load(config);
        System.out.printf(
                "riskplane run: Kafka %s, ClickHouse %s, Iceberg %s%n",
                c.kafka().bootstrap(),
                c.clickhouse().url(),
                c.iceberg().getOrDefault("warehouse", c.iceberg().get("uri")));
        if (PlaneRuntime.onCluster()) {
            // No cancel hook, no exit, no alerts forwarder there (a Deployment of its own).
            PlaneRuntime.submitToCluster(c);
            return 0;
        }
        JobClient job = PlaneRuntime.start(c, true);
        // The Iceberg tables are written by the archive job, beside the plane on a MiniCluster of its own (on
        // Kubernetes: a FlinkDeployment of its own running `riskplane archive`).
        JobClient archive = io.riskplane.archive.ArchiveRuntime.start(c);
        System.out.printf(
                "archive job %s running (commits to Iceberg every %s)%n",
                archive.getJobID(), c.archiveOrDefaults().checkpointInterval());
        // Rows reach ClickHouse through Kafka and this loader (on Kubernetes: `riskplane clickhouse load`).
        io.riskplane.sinks.clickhouse.ClickHouseLoader loader = ClickHouseCommand.loader(c);
        Thread loading = new Thread(loader::run, "clickhouse-loader");
        loading.setDaemon(true);
        loading.start();
        // The archive job commits an Iceberg snapshot per table on every checkpoint; expire old ones (on Kubernetes: a
        // CronJob running `riskplane iceberg expire`).
        java.util.concurrent.ScheduledExecutorService maintenance =
                IcebergCommand.expireEvery(c, java.time.Duration.ofMinutes(10));
        // With alerting.alertmanager_url set, alerts are forwarded from this process too (on Kubernetes the
        // forwarder is a Deployment of its own: `riskplane alerts forward`).
        io.riskplane.sinks.alerting.AlertmanagerForwarder forwarder = AlertsCommand.forwarder(c);
        if (forwarder != null) {
            Thread t = new Thread(forwarder::run, "alerts-forwarder");
            t.setDaemon(true);
            t.start();
            System.out.printf("forwarding alerts to %s%n", c.alerting().alertmanagerUrl());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            loader.stop();
            maintenance.shutdownNow();
            if (forwarder != null) {
                forwarder.stop();
            }
            for (JobClient j : java.util.List.of(job, archive)) {
                try {
                    j.cancel().get();
                } catch (Exception ignored) {
                    // stopping anyway
                }
            }
        }));
        System.out.printf("job %s running%s; Ctrl-C stops it%n", job.getJobID(), webUi(c.flink()));
        return PlaneRuntime.watch(job) ? 0 : 1;
    }
}
