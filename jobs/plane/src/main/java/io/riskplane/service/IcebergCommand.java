package io.riskplane.service;

import io.riskplane.plane.PlaneConfig;
import io.riskplane.sinks.iceberg.IcebergLakehouse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "iceberg",
        mixinStandardHelpOptions = true,
        description = "`riskplane iceberg expire --config FILE`: expires the lakehouse tables' snapshots older than "
                + "--max-age, keeping the newest --retain-last of each, while the plane keeps writing. The plane "
                + "commits a snapshot per table on every checkpoint; `run` expires every 10 minutes itself, on "
                + "Kubernetes a CronJob runs this. See docs/storage.md.")
public final class IcebergCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "expire", description = "The action: expire.")
    String action;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "YAML configuration.")
    Path config;

    @Option(
            names = "--max-age",
            defaultValue = "PT1H",
            paramLabel = "DURATION",
            description = "Expire snapshots older than this (ISO-8601; default ${DEFAULT-VALUE}).")
    Duration maxAge;

    @Option(
            names = "--retain-last",
            defaultValue = "100",
            paramLabel = "N",
            description = "Keep at least this many snapshots of each table (default ${DEFAULT-VALUE}).")
    int retainLast;

    @Override
    public Integer call() throws Exception {
        if (!"expire".equals(action)) {
            throw new IllegalArgumentException("unknown action '" + action + "' (expected: expire)");
        }
        IcebergLakehouse lakehouse =
                IcebergLakehouse.fromProperties(PlaneConfig.load(config).iceberg());
        report(lakehouse.expireSnapshots(maxAge, retainLast));
        return 0;
    }

    /**
     * Expires with the defaults every {@code period} on a daemon thread, for `run`; a failure is printed and tried
     * again next time.
     */
    public static ScheduledExecutorService expireEvery(PlaneConfig c, Duration period) {
        ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "iceberg-snapshot-expiry");
            t.setDaemon(true);
            return t;
        });
        IcebergLakehouse lakehouse = IcebergLakehouse.fromProperties(c.iceberg());
        maintenance.scheduleWithFixedDelay(
                () -> {
                    try {
                        report(lakehouse.expireSnapshots(
                                IcebergLakehouse.DEFAULT_SNAPSHOT_MAX_AGE,
                                IcebergLakehouse.DEFAULT_SNAPSHOTS_RETAINED));
                    } catch (RuntimeException e) {
                        System.err.printf(
                                "riskplane: iceberg snapshot expiry failed (tried again in %s): %s%n", period, e);
                    }
                },
                period.toMillis(),
                period.toMillis(),
                TimeUnit.MILLISECONDS);
        return maintenance;
    }

    static void report(Map<String, Integer> expired) {
        expired.forEach((table, n) -> System.out.printf("iceberg %s: %,d snapshots expired%n", table, n));
    }
}
