package io.riskplane.service;

import io.riskplane.plane.PlaneConfig;
import io.riskplane.sinks.clickhouse.ClickHouseSchema;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "schema",
        mixinStandardHelpOptions = true,
        description = "Applies the ClickHouse schema (migrations V001.., idempotent): `riskplane schema apply "
                + "--config FILE`. `run` does this too; on Kubernetes a Job does it before the plane starts.")
public final class SchemaCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "apply", description = "The action: apply.")
    String action;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "YAML configuration.")
    Path config;

    @Override
    public Integer call() throws Exception {
        if (!"apply".equals(action)) {
            throw new IllegalArgumentException("unknown action '" + action + "' (expected: apply)");
        }
        PlaneConfig.ClickHouse ch = PlaneConfig.load(config).clickhouse();
        ClickHouseSchema.apply(ch.http());
        System.out.printf("ClickHouse schema applied at %s: %s%n", ch.url(), ClickHouseSchema.MIGRATIONS);
        return 0;
    }
}
