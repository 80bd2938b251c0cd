package io.riskplane.plane;

import static io.riskplane.plane.PlaneConfigOptions.orDefault;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.riskplane.alerting.AlertSettings;
import io.riskplane.dislocation.DislocationSettings;
import io.riskplane.staleness.StalenessSettings;
import io.riskplane.staleness.TradingCalendar;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Configuration of `riskplane run` (YAML, snake_case keys; docs/operations.md). Secrets are never written in the
 * file: a *_env key names the environment variable that holds them. A key the file leaves out takes its default from
 * {@link PlaneConfigOptions}, where every key is described.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record PlaneConfig(
        Kafka kafka,
        ClickHouse clickhouse,
        Map<String, String> iceberg,
        Flink flink,
        Time time,
        Dislocation dislocation,
        Staleness staleness,
        Alerting alerting,
        Security security,
        Archive archive) {

    /** Without an archive section: every archive key at its default. */
    public PlaneConfig(
            Kafka kafka,
            ClickHouse clickhouse,
            Map<String, String> iceberg,
            Flink flink,
            Time time,
            Dislocation dislocation,
            Staleness staleness,
            Alerting alerting,
            Security security) {
        this(kafka, clickhouse, iceberg, flink, time, dislocation, staleness, alerting, security, null);
    }

    /**
     * The archive job (io.riskplane.archive.ArchiveJob), which writes the Iceberg tables from the Kafka topics,
     * apart from the decision job. checkpoint_interval_ms: how often it commits to Iceberg (default 2 minutes: one
     * snapshot per table per commit, so fewer and larger files than committing every second); group_id: its Kafka
     * consumer group (default riskplane-archive); parallelism: its subtasks (default flink.parallelism);
     * checkpoint_dir: where its checkpoints go (default flink.checkpoint_dir with "-archive" appended; never the
     * plane's own, which restarts look in); metrics_port: its Prometheus reporter when run locally (off when
     * unset; its own port: it is a MiniCluster of its own); restore_from: a retained checkpoint of the archive job
     * to resume from.
     */
    public record Archive(
            Long checkpointIntervalMs,
            String groupId,
            Integer parallelism,
            String checkpointDir,
            Integer metricsPort,
            String restoreFrom) {
        public static final Duration DEFAULT_CHECKPOINT_INTERVAL =
                PlaneConfigOptions.defaultDuration(PlaneConfigOptions.ARCHIVE_CHECKPOINT_INTERVAL_MS);
        public static final String DEFAULT_GROUP_ID = PlaneConfigOptions.ARCHIVE_GROUP_ID.defaultValue();
        public static final String CHECKPOINT_DIR_SUFFIX = "-archive";

        public Duration checkpointInterval() {
            return checkpointIntervalMs == null ? DEFAULT_CHECKPOINT_INTERVAL : Duration.ofMillis(checkpointIntervalMs);
        }

        public String groupIdOrDefault() {
            return groupId == null || groupId.isBlank() ? DEFAULT_GROUP_ID : groupId;
        }

        /** Its checkpoint directory: its own, else next to the plane's (planeDir + "-archive"), else none. */
        public String checkpointDirOr(String planeDir) {
            if (checkpointDir != null && !checkpointDir.isBlank()) {
                return checkpointDir;
            }
            return planeDir == null ? null : planeDir.replaceAll("/+$", "") + CHECKPOINT_DIR_SUFFIX;
        }

        /** The same settings, resuming from a retained checkpoint of the archive job. */
        public Archive restoringFrom(String path) {
            return new Archive(checkpointIntervalMs, groupId, parallelism, checkpointDir, metricsPort, path);
        }
    }

    /** The archive settings, each key at its default where the file has none. */
    public Archive archiveOrDefaults() {
        return archive == null ? new Archive(null, null, null, null, null, null) : archive;
    }

    /**
     * control_signing: the HMAC key that signs control events and heartbeats (key id plus key_env or key_file; the
     * key as base64); heartbeat_interval_ms: how often the plane says it is alive; plane_id: its name there;
     * operator_keys: the key of each operator whose signed commands the plane accepts (key id = operator id; none:
     * every command is refused, UNKNOWN_OPERATOR); policy_keys: the risk desk's keys, which sign risk policies (key id
     * = the policy's signer_id); require_signed_policies (default false): refuse every policy that does not verify
     * under one of them (UNSIGNED_POLICY, UNKNOWN_POLICY_SIGNER). A policy signed under one of these key ids is
     * verified either way (BAD_POLICY_SIGNATURE).
     */
    public record Security(
            SigningKey controlSigning,
            Long heartbeatIntervalMs,
            String planeId,
            List<SigningKey> operatorKeys,
            List<SigningKey> policyKeys,
            Boolean requireSignedPolicies) {
        /** Without policy keys: policies need no signature. */
        public Security(
                SigningKey controlSigning, Long heartbeatIntervalMs, String planeId, List<SigningKey> operatorKeys) {
            this(controlSigning, heartbeatIntervalMs, planeId, operatorKeys, null, null);
        }

        public List<io.riskplane.verify.SigningKey> operatorKeyRefs() {
            return operatorKeys == null
                    ? List.of()
                    : operatorKeys.stream().map(SigningKey::ref).toList();
        }

        public List<io.riskplane.verify.SigningKey> policyKeyRefs() {
            return policyKeys == null
                    ? List.of()
                    : policyKeys.stream().map(SigningKey::ref).toList();
        }

        public boolean policiesMustBeSigned() {
            return orDefault(requireSignedPolicies, PlaneConfigOptions.SECURITY_REQUIRE_SIGNED_POLICIES);
        }
    }

    public record SigningKey(String keyId, String keyEnv, String keyFile) {
        public io.riskplane.verify.SigningKey ref() {
            return new io.riskplane.verify.SigningKey(keyId, keyEnv, keyFile);
        }
    }

    /** The control-signing key reference, or null when control events go unsigned. */
    public io.riskplane.verify.SigningKey signingKey() {
        return security == null || security.controlSigning() == null
                ? null
                : security.controlSigning().ref();
    }

    /**
     * Alert routing: alertmanager_url is where `riskplane alerts forward` (and `run`, when set) posts alerts;
     * runbook_base_url, default_team and team_by_org shape the alerts the job derives (docs/alerting.md).
     */
    public record Alerting(
            String alertmanagerUrl,
            String runbookBaseUrl,
            String defaultTeam,
            Map<String, String> teamByOrg,
            String forwarderGroupId) {
        /** The alerts forwarder's Kafka consumer group. */
        public String forwarderGroupIdOrDefault() {
            return orDefault(forwarderGroupId, PlaneConfigOptions.ALERTING_FORWARDER_GROUP_ID);
        }
    }

    /**
     * control_delivery: exactly_once (default: control events and alerts in Kafka transactions committed with each
     * checkpoint) or at_least_once (written at once; after a recovery a control event can appear again with the same
     * control_id, which ControlVerifier rejects as a replay). docs/benchmark.md has the latency of each.
     */
    public record Kafka(
            String bootstrap,
            Map<String, String> properties,
            String groupId,
            String transactionalIdPrefix,
            Boolean createTopics,
            Integer partitions,
            String controlDelivery) {
        public static final String EXACTLY_ONCE = "exactly_once";
        public static final String AT_LEAST_ONCE = "at_least_once";

        public boolean controlExactlyOnce() {
            String delivery = orDefault(controlDelivery, PlaneConfigOptions.KAFKA_CONTROL_DELIVERY);
            if (delivery.equals(EXACTLY_ONCE)) {
                return true;
            }
            if (delivery.equals(AT_LEAST_ONCE)) {
                return false;
            }
            throw new IllegalArgumentException(
                    "kafka.control_delivery must be exactly_once or at_least_once, not " + controlDelivery);
        }

        /** The decision job's consumer group (an empty value counts as unset). */
        public String groupIdOrDefault() {
            return groupId == null || groupId.isEmpty() ? PlaneConfigOptions.KAFKA_GROUP_ID.defaultValue() : groupId;
        }

        /** The prefix of the plane's Kafka transactional ids (an empty value counts as unset). */
        public String transactionalIdPrefixOrDefault() {
            return transactionalIdPrefix == null || transactionalIdPrefix.isEmpty()
                    ? PlaneConfigOptions.KAFKA_TRANSACTIONAL_ID_PREFIX.defaultValue()
                    : transactionalIdPrefix;
        }

        public boolean createTopicsOrDefault() {
            return orDefault(createTopics, PlaneConfigOptions.KAFKA_CREATE_TOPICS);
        }

        public int partitionsOrDefault() {
            return orDefault(partitions, PlaneConfigOptions.KAFKA_PARTITIONS);
        }

        public Properties clientProperties() {
            Properties p = new Properties();
            if (properties != null) {
                p.putAll(properties);
            }
            return p;
        }
    }

    public record ClickHouse(
            String url, String user, String passwordEnv, String passwordFile, Integer batchSize, Long batchIntervalMs) {
        /** From the environment variable password_env, else the file password_file (a mounted secret), else none. */
        public String password() {
            if (passwordEnv != null) {
                return System.getenv().getOrDefault(passwordEnv, "");
            }
            if (passwordFile != null) {
                try {
                    return java.nio.file.Files.readString(java.nio.file.Path.of(passwordFile))
                            .strip();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("reading clickhouse.password_file " + passwordFile, e);
                }
            }
            return "";
        }

        public io.riskplane.sinks.clickhouse.ClickHouseHttp http() {
            return new io.riskplane.sinks.clickhouse.ClickHouseHttp(
                    url,
                    user == null || user.isEmpty() ? PlaneConfigOptions.CLICKHOUSE_USER.defaultValue() : user,
                    password());
        }

        /**
         * The loader that inserts the plane's rows and, read from the input topics themselves, the raw events:
         * batch_size records at most per poll (one insert per table), batch_interval_ms the longest wait for
         * records; failed inserts retried from 0.5 s to 30 s apart. Input records are decoded and validated as the
         * plane's source does it, with the same maximum future skew (time.max_future_skew_ms).
         */
        public io.riskplane.sinks.clickhouse.ClickHouseLoader loader(
                Kafka kafka, Duration maxFutureSkew, java.util.function.Consumer<String> log) {
            return new io.riskplane.sinks.clickhouse.ClickHouseLoader(
                    kafka.bootstrap(),
                    kafka.clientProperties(),
                    io.riskplane.sinks.clickhouse.ClickHouseLoader.DEFAULT_GROUP_ID,
                    http(),
                    orDefault(batchSize, PlaneConfigOptions.CLICKHOUSE_BATCH_SIZE),
                    java.time.Duration.ofMillis(
                            orDefault(batchIntervalMs, PlaneConfigOptions.CLICKHOUSE_BATCH_INTERVAL_MS)),
                    java.time.Duration.ofMillis(500),
                    java.time.Duration.ofSeconds(30),
                    log,
                    io.riskplane.contract.Topics.INPUTS,
                    new io.riskplane.ingest.RawEventRows(
                            new io.riskplane.ingest.EnvelopeDecoder(maxFutureSkew.toMillis())));
        }
    }

    /**
     * The job's Flink settings. For a local run (`run` without a cluster, `demo`, `bench`; docs/operations.md):
     * web_ui_port serves Flink's REST API and web UI, metrics_port Flink's Prometheus reporter (off when unset).
     * rest_bind_address (default 127.0.0.1) and metrics_bind_address (default 127.0.0.1) are the addresses they
     * listen on: 0.0.0.0 for every interface. web_submit_enabled (default false: Flink's web.submit.enable) serves
     * jar upload and run; web_cancel_enabled (default false: Flink's web.cancel.enable) serves every REST handler
     * that changes a job or the cluster (cancel, stop, savepoint, rescale, job submission, shutdown), which
     * otherwise answer 404 ({@link LocalFlink}). On a Flink cluster the cluster's own configuration applies.
     */
    public record Flink(
            Integer parallelism,
            Long checkpointIntervalMs,
            String checkpointDir,
            String stateBackend,
            Integer webUiPort,
            Integer metricsPort,
            String restoreFrom,
            String restBindAddress,
            String metricsBindAddress,
            Boolean webSubmitEnabled,
            Boolean webCancelEnabled) {
        /** Settings for a local plane: every local-exposure key at its default. */
        public Flink(
                Integer parallelism,
                Long checkpointIntervalMs,
                String checkpointDir,
                String stateBackend,
                Integer webUiPort,
                Integer metricsPort,
                String restoreFrom) {
            this(
                    parallelism,
                    checkpointIntervalMs,
                    checkpointDir,
                    stateBackend,
                    webUiPort,
                    metricsPort,
                    restoreFrom,
                    null,
                    null,
                    null,
                    null);
        }

        /** No key set: each at its default. */
        public static Flink defaults() {
            return new Flink(null, null, null, null, null, null, null);
        }

        /** Loopback by default: the local REST API is reachable from this machine only unless configured. */
        public String restBindAddressOrDefault() {
            return restBindAddress == null || restBindAddress.isBlank()
                    ? PlaneConfigOptions.FLINK_REST_BIND_ADDRESS.defaultValue()
                    : restBindAddress;
        }

        /** Loopback by default, as the REST API. */
        public String metricsBindAddressOrDefault() {
            return metricsBindAddress == null || metricsBindAddress.isBlank()
                    ? PlaneConfigOptions.FLINK_METRICS_BIND_ADDRESS.defaultValue()
                    : metricsBindAddress;
        }

        public boolean webSubmit() {
            return orDefault(webSubmitEnabled, PlaneConfigOptions.FLINK_WEB_SUBMIT_ENABLED);
        }

        public boolean webCancel() {
            return orDefault(webCancelEnabled, PlaneConfigOptions.FLINK_WEB_CANCEL_ENABLED);
        }

        public long checkpointIntervalMsOrDefault() {
            return orDefault(checkpointIntervalMs, PlaneConfigOptions.FLINK_CHECKPOINT_INTERVAL_MS);
        }

        /** The state backend (an empty value counts as unset). */
        public String stateBackendOrDefault() {
            return stateBackend == null || stateBackend.isEmpty()
                    ? PlaneConfigOptions.FLINK_STATE_BACKEND.defaultValue()
                    : stateBackend;
        }

        public int webUiPortOrDefault() {
            return orDefault(webUiPort, PlaneConfigOptions.FLINK_WEB_UI_PORT);
        }

        /** The same settings, restoring from a retained checkpoint or savepoint (path to its chk-N directory). */
        public Flink restoringFrom(String path) {
            return new Flink(
                    parallelism,
                    checkpointIntervalMs,
                    checkpointDir,
                    stateBackend,
                    webUiPort,
                    metricsPort,
                    path,
                    restBindAddress,
                    metricsBindAddress,
                    webSubmitEnabled,
                    webCancelEnabled);
        }
    }

    /** The Flink settings, each key at its default where the file has none. */
    public Flink flinkOrDefaults() {
        return flink == null ? Flink.defaults() : flink;
    }

    public PlaneConfig withFlink(Flink f) {
        return new PlaneConfig(
                kafka, clickhouse, iceberg, f, time, dislocation, staleness, alerting, security, archive);
    }

    public PlaneConfig withArchive(Archive a) {
        return new PlaneConfig(kafka, clickhouse, iceberg, flink, time, dislocation, staleness, alerting, security, a);
    }

    public record Time(
            Long outOfOrdernessMs,
            Long idlenessMs,
            Long maxFutureSkewMs,
            Long liveLagMs,
            Long staleHorizonMs,
            Long quietKeyExpiryMs) {}

    public record Dislocation(
            Double thresholdBps,
            Long minDurationMs,
            Long staleAfterMs,
            Double defaultFeeBps,
            Map<String, Double> venueFeeBps) {}

    public record Staleness(
            Long tickMs, Long windowMs, Long lookbackMs, String defaultCalendar, Map<String, String> laneCalendars) {}

    public PlaneOptions options() {
        PlaneOptions d = PlaneOptions.streaming();
        DislocationSettings ds = d.dislocation();
        if (dislocation != null) {
            Dislocation c = dislocation;
            ds = new DislocationSettings(
                    c.thresholdBps() == null ? ds.thresholdBps() : c.thresholdBps(),
                    c.minDurationMs() == null ? ds.minDurationMillis() : c.minDurationMs(),
                    c.staleAfterMs() == null ? ds.staleAfterMillis() : c.staleAfterMs(),
                    c.defaultFeeBps() == null ? ds.defaultFeeBps() : c.defaultFeeBps(),
                    c.venueFeeBps() == null ? Map.of() : Map.copyOf(c.venueFeeBps()));
        }
        StalenessSettings ss = d.staleness();
        if (staleness != null) {
            Staleness c = staleness;
            ss = new StalenessSettings(
                    c.tickMs() == null ? ss.tickMillis() : c.tickMs(),
                    c.windowMs() == null ? ss.windowMillis() : c.windowMs(),
                    c.lookbackMs() == null ? ss.lookbackMillis() : c.lookbackMs(),
                    c.defaultCalendar() == null ? ss.defaultCalendar() : c.defaultCalendar(),
                    c.laneCalendars() == null ? Map.of() : Map.copyOf(c.laneCalendars()));
            // Reject an unknown calendar name now, not at the first tick.
            TradingCalendar.named(ss.defaultCalendar());
            ss.laneCalendars().values().forEach(TradingCalendar::named);
        }
        AlertSettings as = d.alerting();
        if (alerting != null) {
            as = new AlertSettings(
                    alerting.runbookBaseUrl() == null ? as.runbookBaseUrl() : alerting.runbookBaseUrl(),
                    alerting.defaultTeam() == null ? as.defaultTeam() : alerting.defaultTeam(),
                    alerting.teamByOrg() == null ? Map.of() : Map.copyOf(alerting.teamByOrg()));
        }
        String planeId = security == null || security.planeId() == null ? d.planeId() : security.planeId();
        List<io.riskplane.verify.SigningKey> operatorKeys = security == null ? List.of() : security.operatorKeyRefs();
        Duration heartbeat = security == null || security.heartbeatIntervalMs() == null
                ? d.heartbeatInterval()
                : Duration.ofMillis(security.heartbeatIntervalMs());
        List<io.riskplane.verify.SigningKey> policyKeys = security == null ? List.of() : security.policyKeyRefs();
        boolean requireSignedPolicies = security != null && security.policiesMustBeSigned();
        if (requireSignedPolicies && policyKeys.isEmpty()) {
            // Every policy would be refused, and the rules would run without the risk desk's limits.
            throw new IllegalArgumentException("security.require_signed_policies is true but security.policy_keys "
                    + "names no key: every risk policy would be refused");
        }
        if (time == null) {
            return new PlaneOptions(
                    d.outOfOrderness(),
                    d.idleness(),
                    d.maxFutureSkew(),
                    false,
                    ds,
                    ss,
                    as,
                    planeId,
                    heartbeat,
                    d.liveLag(),
                    d.staleHorizon(),
                    d.quietKeyExpiry(),
                    operatorKeys,
                    policyKeys,
                    requireSignedPolicies);
        }
        return new PlaneOptions(
                time.outOfOrdernessMs() == null ? d.outOfOrderness() : Duration.ofMillis(time.outOfOrdernessMs()),
                time.idlenessMs() == null ? d.idleness() : Duration.ofMillis(time.idlenessMs()),
                time.maxFutureSkewMs() == null ? d.maxFutureSkew() : Duration.ofMillis(time.maxFutureSkewMs()),
                false,
                ds,
                ss,
                as,
                planeId,
                heartbeat,
                time.liveLagMs() == null ? d.liveLag() : Duration.ofMillis(time.liveLagMs()),
                time.staleHorizonMs() == null ? d.staleHorizon() : Duration.ofMillis(time.staleHorizonMs()),
                time.quietKeyExpiryMs() == null ? d.quietKeyExpiry() : Duration.ofMillis(time.quietKeyExpiryMs()),
                operatorKeys,
                policyKeys,
                requireSignedPolicies);
    }

    public static PlaneConfig load(Path file) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        PlaneConfig c = yaml.readValue(file.toFile(), PlaneConfig.class);
        c.validate(file);
        return c;
    }

    void validate(Path file) {
        StringBuilder missing = new StringBuilder();
        if (kafka == null || kafka.bootstrap() == null) {
            missing.append(" kafka.bootstrap");
        }
        if (clickhouse == null || clickhouse.url() == null) {
            missing.append(" clickhouse.url");
        }
        if (iceberg == null || (iceberg.get("warehouse") == null && iceberg.get("uri") == null)) {
            missing.append(" iceberg.warehouse|iceberg.uri");
        }
        if (missing.length() > 0) {
            throw new IllegalArgumentException(
                    file + " is missing:" + missing + " (see config/riskplane.example.yaml)");
        }
        if (security != null
                && security.policiesMustBeSigned()
                && security.policyKeyRefs().isEmpty()) {
            throw new IllegalArgumentException(file + ": security.require_signed_policies is true but "
                    + "security.policy_keys names no key: every risk policy would be refused");
        }
    }
}
