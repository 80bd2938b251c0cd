package io.riskplane.service;

import io.riskplane.plane.PlaneConfig;
import io.riskplane.sinks.alerting.AlertmanagerForwarder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "alerts",
        mixinStandardHelpOptions = true,
        description = "`riskplane alerts forward --config FILE`: posts the plane's alerts (topic riskplane.v1.alerts) "
                + "to Alertmanager (alerting.alertmanager_url), retrying with backoff while it is unreachable. "
                + "Runs until stopped. See docs/alerting.md.")
public final class AlertsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "forward", description = "The action: forward.")
    String action;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "YAML configuration.")
    Path config;

    @Override
    public Integer call() throws Exception {
        if (!"forward".equals(action)) {
            throw new IllegalArgumentException("unknown action '" + action + "' (expected: forward)");
        }
        PlaneConfig c = PlaneConfig.load(config);
        AlertmanagerForwarder f = forwarder(c);
        if (f == null) {
            throw new IllegalArgumentException(config + " sets no alerting.alertmanager_url");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(f::stop));
        System.out.printf(
                "forwarding %s from %s to %s%n",
                io.riskplane.contract.Topics.ALERTS,
                c.kafka().bootstrap(),
                c.alerting().alertmanagerUrl());
        f.run();
        return 0;
    }

    /** The forwarder the configuration asks for, or null when it names no Alertmanager. */
    public static AlertmanagerForwarder forwarder(PlaneConfig c) {
        PlaneConfig.Alerting a = c.alerting();
        if (a == null || a.alertmanagerUrl() == null || a.alertmanagerUrl().isBlank()) {
            return null;
        }
        return new AlertmanagerForwarder(
                c.kafka().bootstrap(),
                c.kafka().clientProperties(),
                a.forwarderGroupIdOrDefault(),
                a.alertmanagerUrl(),
                Duration.ofMillis(500),
                Duration.ofSeconds(30),
                line -> System.err.println(line));
    }
}
