package io.riskplane.service;

import io.riskplane.contract.Topics;
import io.riskplane.plane.PlaneConfig;
import io.riskplane.sinks.clickhouse.ClickHouseLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "clickhouse",
        mixinStandardHelpOptions = true,
        description = "`riskplane clickhouse load --config FILE`: inserts the plane's rows (topic "
                + "riskplane.v1.clickhouse-rows) and the valid input events (raw_events, read from the input topics) "
                + "into ClickHouse, retrying with backoff while it is unreachable. "
                + "Runs until stopped. `run` and `demo` load in-process; on Kubernetes it is a Deployment of its own. "
                + "See docs/storage.md.")
public final class ClickHouseCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "load", description = "The action: load.")
    String action;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "YAML configuration.")
    Path config;

    @Override
    public Integer call() throws Exception {
        if (!"load".equals(action)) {
            throw new IllegalArgumentException("unknown action '" + action + "' (expected: load)");
        }
        PlaneConfig c = PlaneConfig.load(config);
        ClickHouseLoader loader = loader(c);
        Runtime.getRuntime().addShutdownHook(new Thread(loader::stop));
        System.out.printf(
                "loading %s and the input topics from %s into %s%n",
                Topics.CLICKHOUSE_ROWS, c.kafka().bootstrap(), c.clickhouse().url());
        loader.run();
        return 0;
    }

    public static ClickHouseLoader loader(PlaneConfig c) {
        return c.clickhouse()
                .loader(c.kafka(), c.options().maxFutureSkew(), line -> System.err.println("riskplane: " + line));
    }
}
