package io.riskplane.plane;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.client.deployment.executors.LocalExecutor;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.blob.TransientBlobService;
import org.apache.flink.runtime.dispatcher.DispatcherGateway;
import org.apache.flink.runtime.dispatcher.DispatcherRestEndpoint;
import org.apache.flink.runtime.dispatcher.SessionDispatcherFactory;
import org.apache.flink.runtime.dispatcher.runner.DefaultDispatcherRunnerFactory;
import org.apache.flink.runtime.entrypoint.component.DefaultDispatcherResourceManagerComponentFactory;
import org.apache.flink.runtime.entrypoint.component.DispatcherResourceManagerComponentFactory;
import org.apache.flink.runtime.leaderelection.LeaderElection;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.resourcemanager.ResourceManagerGateway;
import org.apache.flink.runtime.resourcemanager.StandaloneResourceManagerFactory;
import org.apache.flink.runtime.rest.HttpMethodWrapper;
import org.apache.flink.runtime.rest.RestEndpointFactory;
import org.apache.flink.runtime.rest.handler.RestHandlerConfiguration;
import org.apache.flink.runtime.rest.handler.RestHandlerSpecification;
import org.apache.flink.runtime.rest.handler.legacy.metrics.MetricFetcher;
import org.apache.flink.runtime.rpc.FatalErrorHandler;
import org.apache.flink.runtime.webmonitor.WebMonitorEndpoint;
import org.apache.flink.runtime.webmonitor.retriever.LeaderGatewayRetriever;
import org.apache.flink.shaded.netty4.io.netty.channel.ChannelInboundHandler;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The plane's local Flink (a MiniCluster in this JVM, for `demo`, `run` and `bench`) with a REST endpoint that only
 * reads unless told otherwise.
 *
 * <p>Flink's own switches are not enough: {@code web.submit.enable=false} removes the jar upload and run handlers,
 * but {@code web.cancel.enable=false} only hides the cancel button of the web UI (Flink 2.1 registers the REST
 * handler of {@code PATCH /jobs/:jobid?mode=cancel} whatever it says). With job control off, this endpoint therefore
 * serves only the GET handlers (overview, metrics, checkpoints, the web UI): no cancel, stop-with-savepoint,
 * savepoint trigger or disposal (which write and delete files at a path the caller names), rescale, job graph
 * submission ({@code POST /jobs}) or cluster shutdown ({@code DELETE /cluster}). The JVM that started the job
 * still controls it through its {@code JobClient}, which does not use REST.
 */
public final class LocalFlink {
    private LocalFlink() {}

    /** Whether the local REST endpoint serves the handlers that change a job or the cluster (not only GET). */
    public static final ConfigOption<Boolean> JOB_CONTROL = ConfigOptions.key("riskplane.rest.job-control.enabled")
            .booleanType()
            .defaultValue(false)
            .withDescription("Serve the REST handlers that cancel, stop, rescale, savepoint or submit jobs.");

    /** A local environment (MiniCluster) whose REST endpoint honours {@link #JOB_CONTROL}. */
    public static StreamExecutionEnvironment environment(Configuration conf) {
        Configuration c = new Configuration(conf);
        c.set(DeploymentOptions.TARGET, EXECUTOR);
        c.set(DeploymentOptions.ATTACHED, true);
        return new StreamExecutionEnvironment(
                new Loader(), c, Thread.currentThread().getContextClassLoader());
    }

    private static final String EXECUTOR = "riskplane-local";

    private static final class Loader implements PipelineExecutorServiceLoader {
        @Override
        public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
            return new PipelineExecutorFactory() {
                @Override
                public String getName() {
                    return EXECUTOR;
                }

                @Override
                public boolean isCompatibleWith(Configuration c) {
                    return true;
                }

                @Override
                public PipelineExecutor getExecutor(Configuration c) {
                    return LocalExecutor.createWithFactory(c, GuardedMiniCluster::new);
                }
            };
        }

        @Override
        public Stream<String> getExecutorNames() {
            return Stream.of(EXECUTOR);
        }
    }

    static final class GuardedMiniCluster extends MiniCluster {
        GuardedMiniCluster(MiniClusterConfiguration configuration) {
            super(configuration);
        }

        @Override
        protected DispatcherResourceManagerComponentFactory createDispatcherResourceManagerComponentFactory() {
            return new DefaultDispatcherResourceManagerComponentFactory(
                    DefaultDispatcherRunnerFactory.createSessionRunner(SessionDispatcherFactory.INSTANCE),
                    StandaloneResourceManagerFactory.getInstance(),
                    new GuardedRestEndpointFactory());
        }
    }

    /** As Flink's SessionRestEndpointFactory, with the endpoint below. */
    static final class GuardedRestEndpointFactory implements RestEndpointFactory<DispatcherGateway> {
        @Override
        public WebMonitorEndpoint<DispatcherGateway> createRestEndpoint(
                Configuration configuration,
                LeaderGatewayRetriever<DispatcherGateway> dispatcher,
                LeaderGatewayRetriever<ResourceManagerGateway> resourceManager,
                TransientBlobService blobs,
                ScheduledExecutorService executor,
                MetricFetcher metricFetcher,
                LeaderElection leaderElection,
                FatalErrorHandler fatalErrorHandler)
                throws Exception {
            RestHandlerConfiguration rest = RestHandlerConfiguration.fromConfiguration(configuration);
            return new GuardedRestEndpoint(
                    dispatcher,
                    configuration,
                    rest,
                    resourceManager,
                    blobs,
                    executor,
                    metricFetcher,
                    leaderElection,
                    RestEndpointFactory.createExecutionGraphCache(rest),
                    fatalErrorHandler,
                    configuration.get(JOB_CONTROL));
        }
    }

    static final class GuardedRestEndpoint extends DispatcherRestEndpoint {
        private final boolean jobControl;

        GuardedRestEndpoint(
                LeaderGatewayRetriever<DispatcherGateway> dispatcher,
                Configuration configuration,
                RestHandlerConfiguration rest,
                LeaderGatewayRetriever<ResourceManagerGateway> resourceManager,
                TransientBlobService blobs,
                ScheduledExecutorService executor,
                MetricFetcher metricFetcher,
                LeaderElection leaderElection,
                org.apache.flink.runtime.rest.handler.legacy.ExecutionGraphCache cache,
                FatalErrorHandler fatalErrorHandler,
                boolean jobControl)
                throws Exception {
            super(
                    dispatcher,
                    configuration,
                    rest,
                    resourceManager,
                    blobs,
                    executor,
                    metricFetcher,
                    leaderElection,
                    cache,
                    fatalErrorHandler);
            this.jobControl = jobControl;
        }

        @Override
        protected List<Tuple2<RestHandlerSpecification, ChannelInboundHandler>> initializeHandlers(
                java.util.concurrent.CompletableFuture<String> localAddressFuture) {
            List<Tuple2<RestHandlerSpecification, ChannelInboundHandler>> handlers =
                    new java.util.ArrayList<>(super.initializeHandlers(localAddressFuture));
            if (!jobControl) {
                // Jar upload and run (/jars...) are there only with web.submit.enable, a switch of its own.
                handlers.removeIf(h -> h.f0.getHttpMethod() != HttpMethodWrapper.GET
                        && !h.f0.getTargetRestEndpointURL().startsWith("/jars"));
            }
            return handlers;
        }
    }
}
