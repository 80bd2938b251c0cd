package io.riskplane.service;

import io.riskplane.plane.PlaneConfig;
import io.riskplane.plane.PlaneRuntime;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What the Kubernetes image runs (k8s/image/Dockerfile): the decision job's entry class on a Flink cluster (`run`),
 * and the plane's companions beside it (`schema apply`, `clickhouse load`, `alerts forward`, `iceberg expire`). The
 * same commands are part of the full CLI (bin/riskplane, module tools), which also runs everything locally.
 */
@Command(
        name = "riskplane",
        mixinStandardHelpOptions = true,
        version = "riskplane 0.1.0",
        description = "The riskplane deployment's commands (the full CLI is bin/riskplane).",
        subcommands = {
            PlaneServices.SubmitCommand.class,
            SchemaCommand.class,
            ClickHouseCommand.class,
            IcebergCommand.class,
            AlertsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class PlaneServices implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        int code = new CommandLine(new PlaneServices()).execute(args);
        PlaneRuntime.exit(code);
    }

    /** Submits the decision job to the Flink cluster this JVM belongs to (application mode). */
    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = "Submits the decision job to the Flink cluster that runs this command (the FlinkDeployment's "
                    + "entry). Outside a cluster it refuses: `bin/riskplane run` runs the plane locally.")
    static final class SubmitCommand implements Callable<Integer> {
        @Option(names = "--config", required = true, paramLabel = "FILE", description = "YAML configuration.")
        Path config;

        @Override
        public Integer call() throws Exception {
            if (!PlaneRuntime.onCluster()) {
                throw new IllegalStateException(
                        "not on a Flink cluster: `bin/riskplane run --config FILE` runs the " + "plane locally");
            }
            PlaneRuntime.submitToCluster(PlaneConfig.load(config));
            return 0;
        }
    }
}
