package io.riskplane.plane;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.Properties;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Flink's Prometheus reporter, serving /metrics on a chosen address instead of every interface.
 *
 * <p>flink-metrics-prometheus 2.0.0's PrometheusReporter takes a port (range) and no host: it binds
 * {@code new InetSocketAddress(port)}, the wildcard address. This reporter reuses its metric conversion
 * ({@link AbstractPrometheusReporter}) and starts the same HTTP server on {@code host:port}. The collector registry
 * the base class fills is package-private there, so it is read once by reflection; a Flink upgrade that renames it
 * fails at start with this class's message, and LocalRestExposureIT checks the endpoint serves riskplane metrics.
 *
 * <p>Configured as {@code metrics.reporter.<name>.factory.class: io.riskplane.plane.LoopbackPrometheusReporter$Factory}
 * with {@code .host} and {@code .port}.
 */
public final class LoopbackPrometheusReporter extends AbstractPrometheusReporter {
    public static final String ARG_HOST = "host";
    public static final String ARG_PORT = "port";
    private final HTTPServer server;

    LoopbackPrometheusReporter(String host, int port) {
        try {
            server = new HTTPServer(new InetSocketAddress(host, port), registry(this), true);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve Prometheus metrics on " + host + ":" + port, e);
        }
        log.info("Started Prometheus metrics HTTP server on {}:{}", host, port);
    }

    private static CollectorRegistry registry(AbstractPrometheusReporter reporter) {
        try {
            Field f = AbstractPrometheusReporter.class.getDeclaredField("registry");
            f.setAccessible(true);
            return (CollectorRegistry) f.get(reporter);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                    "this flink-metrics-prometheus has no AbstractPrometheusReporter.registry; "
                            + "LoopbackPrometheusReporter must be adapted to it",
                    e);
        }
    }

    @Override
    public void close() {
        server.stop();
        super.close();
    }

    /** Listed in META-INF/services, where Flink looks reporter factories up by class name. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            String host =
                    properties.getProperty(ARG_HOST, PlaneConfigOptions.FLINK_METRICS_BIND_ADDRESS.defaultValue());
            String port = properties.getProperty(ARG_PORT);
            if (port == null) {
                throw new IllegalArgumentException("metrics reporter " + Factory.class.getName() + " needs a port");
            }
            return new LoopbackPrometheusReporter(host, Integer.parseInt(port.trim()));
        }
    }
}
