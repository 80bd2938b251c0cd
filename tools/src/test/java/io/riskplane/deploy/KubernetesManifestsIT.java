package io.riskplane.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.riskplane.contract.Topics;
import io.riskplane.plane.PlaneConfig;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Renders every Kubernetes overlay (k8s/overlays/*) with {@code kubectl kustomize} and checks what would be applied:
 * the FlinkDeployment against the Flink Kubernetes Operator's CRD schema (k8s/crds, strict like {@code kubectl apply}'s
 * server-side field validation: unknown fields are errors), the plane's settings (Flink 2.1, savepoint upgrades,
 * Kubernetes HA, state on object storage), the plane's configuration against the FlinkDeployment, a Strimzi KafkaTopic
 * for every contract topic, and that no secret value is written in the manifests.
 *
 * <p>Needs {@code kubectl} (with its built-in kustomize) on the PATH. Without it the tests are skipped, except under
 * CI ({@code CI=true}), where they fail.
 */
class KubernetesManifestsIT {
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final Pattern SECRET_LIKE_ENV =
            Pattern.compile(".*(PASSWORD|TOKEN|KEY|SECRET|JAAS|CREDENTIAL).*", Pattern.CASE_INSENSITIVE);
    private static final String CRD = "k8s/crds/flinkdeployments.flink.apache.org-v1.yml";

    private static Path root;
    private static final Map<String, List<JsonNode>> RENDERED = new LinkedHashMap<>();
    private static JsonSchema flinkDeploymentSchema;

    @BeforeAll
    static void render() throws Exception {
        root = repositoryRoot();
        requireKubectl();
        try (Stream<Path> dirs = Files.list(root.resolve("k8s/overlays"))) {
            for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
                    .sorted()
                    .collect(Collectors.toList())) {
                RENDERED.put(dir.getFileName().toString(), parse(kustomize(dir)));
            }
        }
        flinkDeploymentSchema = crdSchema(root.resolve(CRD), "v1beta1");
    }

    static Stream<String> overlays() throws Exception {
        if (RENDERED.isEmpty()) {
            render();
        }
        return RENDERED.keySet().stream();
    }

    @Test
    void theOverlaysRender() {
        assertThat(RENDERED).containsKeys("local", "production");
        RENDERED.forEach((overlay, docs) -> assertThat(kinds(docs))
                .as("kinds rendered by %s", overlay)
                .contains(
                        "FlinkDeployment",
                        "KafkaTopic",
                        "StatefulSet",
                        "Job",
                        "Deployment",
                        "Service",
                        "ConfigMap",
                        "PodMonitor"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theFlinkDeploymentMatchesTheOperatorsCrd(String overlay) {
        List<JsonNode> deployments = all(overlay, "FlinkDeployment");
        assertThat(deployments)
                .extracting(KubernetesManifestsIT::name)
                .containsExactlyInAnyOrder("riskplane", "riskplane-archive");
        for (JsonNode fd : deployments) {
            assertThat(fd.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
            assertThat(messages(flinkDeploymentSchema.validate(fd)))
                    .as("CRD validation of %s in %s", name(fd), overlay)
                    .isEmpty();
        }
    }

    /**
     * The archive job (Kafka to Iceberg) is a Flink application of its own: same image, entry class and configuration
     * as the plane, `riskplane archive`, savepoint upgrades, and its own checkpoints, savepoints and HA storage (never
     * the plane's), agreeing with the archive section of riskplane.yaml; its pods are not the plane's metrics targets.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void theArchiveJobIsAFlinkDeploymentOfItsOwn(String overlay) throws Exception {
        JsonNode planeSpec = plane(overlay).path("spec");
        JsonNode spec = archive(overlay).path("spec");
        assertThat(spec.path("image").asText())
                .isEqualTo(planeSpec.path("image").asText());
        assertThat(spec.path("flinkVersion").asText()).isEqualTo("v2_1");
        JsonNode job = spec.path("job");
        // The archive job's own module (jobs/archive) and entry class, in the image's usrlib.
        assertThat(job.path("entryClass").asText()).isEqualTo("io.riskplane.archive.ArchiveCommand");
        assertThat(job.path("jarURI").asText())
                .isEqualTo("local:///opt/flink/usrlib/riskplane-archive-0.1.0-SNAPSHOT.jar");
        assertThat(moduleOf(job.path("entryClass").asText())).isEqualTo("jobs/archive");
        assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(job.path("state").asText()).isEqualTo("running");
        List<String> args = texts(job.path("args"));
        assertThat(args)
                .isEqualTo(List.of(
                        "--config", texts(planeSpec.path("job").path("args")).get(2)));
        // The command parses those arguments.
        new picocli.CommandLine(new io.riskplane.archive.ArchiveCommand()).parseArgs(args.toArray(String[]::new));

        Map<String, String> conf = strings(spec.path("flinkConfiguration"));
        Map<String, String> planeConf = strings(planeSpec.path("flinkConfiguration"));
        assertThat(conf).containsEntry("high-availability.type", "kubernetes").containsKey("restart-strategy.type");
        for (String dir : List.of(
                "high-availability.storageDir",
                "execution.checkpointing.dir",
                "execution.checkpointing.savepoint-dir")) {
            assertThat(conf.get(dir))
                    .as("%s in %s", dir, overlay)
                    .startsWith("s3://")
                    .isNotEqualTo(planeConf.get(dir));
        }
        assertThat(Integer.parseInt(conf.getOrDefault("pipeline.max-parallelism", "0")))
                .isGreaterThanOrEqualTo(job.path("parallelism").asInt());

        JsonNode main = mainContainer(spec);
        JsonNode configMap = mountedConfigMap(
                overlay,
                spec.path("podTemplate").path("spec"),
                main,
                Path.of(args.get(1)).getParent().toString());
        assertThat(name(configMap))
                .isEqualTo(name(mountedConfigMap(
                        overlay,
                        planeSpec.path("podTemplate").path("spec"),
                        mainContainer(planeSpec),
                        Path.of(args.get(1)).getParent().toString())));
        Path file = Files.createTempFile("riskplane-archive-" + overlay, ".yaml");
        try {
            Files.writeString(
                    file,
                    configMap
                            .path("data")
                            .path(Path.of(args.get(1)).getFileName().toString())
                            .asText());
            PlaneConfig config = PlaneConfig.load(file);
            PlaneConfig.Archive a = config.archiveOrDefaults();
            assertThat(a.parallelism())
                    .as("archive.parallelism vs spec.job.parallelism")
                    .isEqualTo(job.path("parallelism").asInt());
            assertThat(a.checkpointDirOr(config.flink().checkpointDir()))
                    .as("archive.checkpoint_dir vs execution.checkpointing.dir")
                    .isEqualTo(conf.get("execution.checkpointing.dir"));
            assertThat(a.checkpointInterval()).isEqualTo(Duration.ofMinutes(2));
            // Every ${env:NAME} a Kafka property refers to is set in the archive's pods too.
            if (config.kafka().properties() != null) {
                for (String v : config.kafka().properties().values()) {
                    java.util.regex.Matcher m =
                            Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)}").matcher(v);
                    while (m.find()) {
                        assertThat(envNames(main))
                                .as("env of the archive's pods")
                                .contains(m.group(1));
                    }
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        // Not selected by the plane's PodMonitors: the plane's dashboards and alert rules see the plane alone.
        Map<String, String> labels =
                strings(spec.path("podTemplate").path("metadata").path("labels"));
        for (JsonNode pm : all(overlay, "PodMonitor")) {
            assertThat(labels)
                    .doesNotContainEntry(
                            "riskplane.io/metrics",
                            pm.path("spec")
                                    .path("selector")
                                    .path("matchLabels")
                                    .path("riskplane.io/metrics")
                                    .asText());
        }
    }

    /** The validator is not vacuous: a wrong type, an unknown field and an unknown Flink version are all errors. */
    @Test
    void theCrdValidationRejectsWhatTheApiServerWould() {
        ObjectNode valid = (ObjectNode) plane("production");
        assertThat(messages(flinkDeploymentSchema.validate(valid))).isEmpty();

        ObjectNode wrongType = valid.deepCopy();
        ((ObjectNode) wrongType.path("spec").path("job")).put("parallelism", "many");
        assertThat(messages(flinkDeploymentSchema.validate(wrongType)))
                .anySatisfy(m -> assertThat(m).contains("parallelism").contains("integer"));

        ObjectNode unknownField = valid.deepCopy();
        ((ObjectNode) unknownField.path("spec").path("job")).put("paralelism", 4);
        assertThat(messages(flinkDeploymentSchema.validate(unknownField)))
                .anySatisfy(m -> assertThat(m).contains("paralelism"));

        ObjectNode unknownVersion = valid.deepCopy();
        ((ObjectNode) unknownVersion.path("spec")).put("flinkVersion", "v9_9");
        assertThat(messages(flinkDeploymentSchema.validate(unknownVersion)))
                .anySatisfy(m -> assertThat(m).contains("flinkVersion"));

        ObjectNode badPodTemplate = valid.deepCopy();
        ((ObjectNode) badPodTemplate
                        .path("spec")
                        .path("podTemplate")
                        .path("spec")
                        .path("containers")
                        .get(0)
                        .path("ports")
                        .get(0))
                .put("containerPort", "nine-two-four-nine");
        assertThat(messages(flinkDeploymentSchema.validate(badPodTemplate)))
                .anySatisfy(m -> assertThat(m).contains("containerPort"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theFlinkDeploymentRunsThePlaneOnFlink21WithSavepointUpgradesHaAndObjectStorage(String overlay)
            throws Exception {
        JsonNode spec = plane(overlay).path("spec");
        assertThat(spec.path("flinkVersion").asText()).isEqualTo("v2_1");
        assertThat(spec.path("mode").asText("native")).isEqualTo("native");

        JsonNode job = spec.path("job");
        assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(job.path("state").asText()).isEqualTo("running");
        // The decision job's module (jobs/plane, Flink provided): the image holds the job modules only, no tools.
        assertThat(job.path("jarURI").asText())
                .isEqualTo("local:///opt/flink/usrlib/riskplane-plane-0.1.0-SNAPSHOT.jar");
        assertThat(job.path("entryClass").asText()).isEqualTo("io.riskplane.service.PlaneServices");
        assertThat(moduleOf(job.path("entryClass").asText())).isEqualTo("jobs/plane");
        assertThat(texts(job.path("args"))).startsWith("run", "--config");
        assertThat(new picocli.CommandLine(new io.riskplane.service.PlaneServices()).getSubcommands())
                .containsKey("run");
        assertThat(job.path("parallelism").asInt()).isPositive();

        Map<String, String> conf = strings(spec.path("flinkConfiguration"));
        assertThat(conf)
                .containsEntry("high-availability.type", "kubernetes")
                .containsEntry("state.backend.type", "rocksdb")
                .containsEntry(
                        "metrics.reporter.prom.factory.class",
                        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
                .containsEntry("metrics.reporter.prom.port", "9249")
                .containsKey("restart-strategy.type");
        for (String dir : List.of(
                "high-availability.storageDir",
                "execution.checkpointing.dir",
                "execution.checkpointing.savepoint-dir")) {
            assertThat(conf.get(dir)).as("%s in %s", dir, overlay).startsWith("s3://");
        }
        // Flink 2 key names, not the deprecated ones they replace.
        assertThat(conf)
                .doesNotContainKeys(
                        "state.backend",
                        "state.checkpoints.dir",
                        "state.savepoints.dir",
                        "high-availability",
                        "restart-strategy",
                        "state.backend.incremental");
        // Key groups are fixed by the first savepoint: set explicitly, never below the parallelism.
        assertThat(Integer.parseInt(conf.getOrDefault("pipeline.max-parallelism", "0")))
                .as("pipeline.max-parallelism")
                .isGreaterThanOrEqualTo(job.path("parallelism").asInt());

        // The reporter's port is a named container port, which the PodMonitors select.
        JsonNode main = mainContainer(spec);
        assertThat(main.path("ports").findValuesAsText("name")).contains("metrics");
        assertThat(main.path("ports").findValues("containerPort").stream().map(JsonNode::asInt))
                .contains(9249);
        for (JsonNode pm : all(overlay, "PodMonitor")) {
            assertThat(pm.path("spec").path("podMetricsEndpoints").findValuesAsText("port"))
                    .containsOnly("metrics");
            assertThat(strings(spec.path("podTemplate").path("metadata").path("labels")))
                    .containsAllEntriesOf(
                            withoutKey(strings(pm.path("spec").path("selector").path("matchLabels")), "component"));
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void thePlaneConfigurationLoadsAndAgreesWithTheFlinkDeployment(String overlay) throws Exception {
        JsonNode spec = plane(overlay).path("spec");
        List<String> args = texts(spec.path("job").path("args"));
        Path configPath = Path.of(args.get(args.indexOf("--config") + 1));
        JsonNode configMap = mountedConfigMap(
                overlay,
                spec.path("podTemplate").path("spec"),
                mainContainer(spec),
                configPath.getParent().toString());
        String yaml =
                configMap.path("data").path(configPath.getFileName().toString()).asText(null);
        assertThat(yaml)
                .as("%s in ConfigMap %s", configPath.getFileName(), name(configMap))
                .isNotNull();

        Path file = Files.createTempFile("riskplane-" + overlay, ".yaml");
        try {
            Files.writeString(file, yaml);
            PlaneConfig config = PlaneConfig.load(file); // unknown keys and missing sections fail here
            Map<String, String> conf = strings(spec.path("flinkConfiguration"));
            assertThat(config.flink().parallelism())
                    .as("flink.parallelism vs spec.job.parallelism")
                    .isEqualTo(spec.path("job").path("parallelism").asInt());
            assertThat(config.flink().checkpointDir())
                    .as("flink.checkpoint_dir vs execution.checkpointing.dir")
                    .isEqualTo(conf.get("execution.checkpointing.dir"));
            assertThat(config.flink().stateBackend()).isEqualTo(conf.get("state.backend.type"));
            assertThat(config.kafka().createTopics())
                    .as("topics belong to the KafkaTopic resources")
                    .isFalse();
            assertThat(config.alerting().alertmanagerUrl()).isNotBlank();
            if (config.clickhouse().passwordEnv() != null) {
                assertThat(envNames(mainContainer(spec)))
                        .contains(config.clickhouse().passwordEnv());
            }
            // Every ${env:NAME} a Kafka property refers to is set in the Flink pods.
            if (config.kafka().properties() != null) {
                for (String v : config.kafka().properties().values()) {
                    java.util.regex.Matcher m =
                            Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)}").matcher(v);
                    while (m.find()) {
                        assertThat(envNames(mainContainer(spec)))
                                .as("env of the Flink pods")
                                .contains(m.group(1));
                    }
                }
            }
            // Every signing key the plane reads from the environment is set in the Flink pods (from a Secret).
            PlaneConfig.Security security = config.security();
            if (security != null) {
                List<PlaneConfig.SigningKey> keys = new ArrayList<>();
                if (security.controlSigning() != null) {
                    keys.add(security.controlSigning());
                }
                keys.addAll(security.operatorKeys() == null ? List.of() : security.operatorKeys());
                keys.addAll(security.policyKeys() == null ? List.of() : security.policyKeys());
                for (PlaneConfig.SigningKey k : keys) {
                    if (k.keyEnv() != null) {
                        assertThat(envNames(mainContainer(spec)))
                                .as("env of the Flink pods (key %s)", k.keyId())
                                .contains(k.keyEnv());
                    }
                }
            }
            // Production: a risk policy applies only with the risk desk's signature (issue 16).
            if (overlay.equals("production")) {
                assertThat(config.options().requireSignedPolicies())
                        .as("security.require_signed_policies")
                        .isTrue();
                assertThat(config.options().policyKeys())
                        .as("security.policy_keys")
                        .isNotEmpty();
                // On-call can halt and resume through the plane: without a key every command is refused.
                assertThat(config.options().operatorKeys())
                        .as("security.operator_keys")
                        .isNotEmpty();
            }
        } finally {
            Files.deleteIfExists(file);
        }

        // The CLI workloads (schema Job, alerts forwarder) run the same image with the same configuration.
        String image = spec.path("image").asText();
        for (JsonNode w : workloads(overlay)) {
            for (JsonNode c : w.path("spec").path("template").path("spec").path("containers")) {
                if (c.path("command").path(0).asText().equals("/opt/riskplane/bin/riskplane")) {
                    assertThat(c.path("image").asText())
                            .as("image of %s", name(w))
                            .isEqualTo(image);
                    assertThat(texts(c.path("command"))).contains("--config", configPath.toString());
                    assertThat(name(mountedConfigMap(
                                    overlay,
                                    w.path("spec").path("template").path("spec"),
                                    c,
                                    configPath.getParent().toString())))
                            .isEqualTo(name(configMap));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyContractTopicIsAStrimziKafkaTopic(String overlay) {
        Map<String, JsonNode> topics = new LinkedHashMap<>();
        for (JsonNode t : all(overlay, "KafkaTopic")) {
            assertThat(t.path("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1beta2");
            assertThat(t.path("metadata")
                            .path("labels")
                            .path("strimzi.io/cluster")
                            .asText())
                    .isNotBlank();
            assertThat(t.path("spec").path("partitions").asInt()).isPositive();
            assertThat(t.path("spec").path("replicas").asInt()).isPositive();
            topics.put(t.path("spec").path("topicName").asText(name(t)), t);
        }
        List<String> contract = new ArrayList<>(Topics.INPUTS);
        contract.addAll(Topics.OUTPUTS);
        assertThat(topics.keySet()).containsExactlyInAnyOrderElementsOf(contract);

        for (String compacted : List.of(Topics.POLICIES, Topics.INSTRUMENTS, Topics.HALT_STATE)) {
            assertThat(topics.get(compacted)
                            .path("spec")
                            .path("config")
                            .path("cleanup.policy")
                            .asText())
                    .as("cleanup.policy of %s", compacted)
                    .contains("compact");
        }
        JsonNode control = topics.get(Topics.CONTROL).path("spec").path("config");
        assertThat(control.path("cleanup.policy").asText()).isEqualTo("delete");
        long retention = control.path("retention.ms").asLong();
        assertThat(retention == -1 || retention >= Duration.ofDays(365).toMillis())
                .as("control topic retention.ms %s: forever or at least a year", retention)
                .isTrue();

        // The one Kafka source reads every input partition: enough of them for every source subtask.
        int inputPartitions = Topics.INPUTS.stream()
                .mapToInt(t -> topics.get(t).path("spec").path("partitions").asInt())
                .sum();
        assertThat(inputPartitions)
                .isGreaterThanOrEqualTo(plane(overlay)
                        .path("spec")
                        .path("job")
                        .path("parallelism")
                        .asInt());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void noSecretIsWrittenInTheManifests(String overlay) {
        for (JsonNode doc : RENDERED.get(overlay)) {
            if (doc.path("kind").asText().equals("Secret")) {
                assertThat(doc.path("data").size() + doc.path("stringData").size())
                        .as("Secret %s carries data", name(doc))
                        .isZero();
            }
            forEachEnvVar(doc, env -> {
                String n = env.path("name").asText();
                if (SECRET_LIKE_ENV.matcher(n).matches()) {
                    assertThat(env.has("valueFrom") && !env.has("value"))
                            .as("%s/%s env %s must come from a Secret (valueFrom)", kind(doc), name(doc), n)
                            .isTrue();
                }
            });
        }
    }

    /** docs/deploy-kubernetes.md tells which Secrets to create: every Secret the manifests reference is named there. */
    @ParameterizedTest
    @MethodSource("overlays")
    void everyReferencedSecretIsDocumented(String overlay) throws IOException {
        Set<String> secrets = new TreeSet<>();
        for (JsonNode doc : RENDERED.get(overlay)) {
            doc.findValues("secretKeyRef")
                    .forEach(r -> secrets.add(r.path("name").asText()));
            doc.findValues("secretRef").forEach(r -> secrets.add(r.path("name").asText()));
            doc.findValues("secret").forEach(s -> {
                if (s.has("secretName")) {
                    secrets.add(s.path("secretName").asText());
                }
            });
        }
        String docs = Files.readString(root.resolve("docs/deploy-kubernetes.md"));
        assertThat(secrets).isNotEmpty().allSatisfy(s -> assertThat(docs)
                .as("docs/deploy-kubernetes.md")
                .contains(s));
    }

    /** Every dashboard and rule file in dashboards/ reaches its ConfigMap (kustomize lists files one by one). */
    @ParameterizedTest
    @MethodSource("overlays")
    void everyDashboardAndRuleFileIsInItsConfigMap(String overlay) throws IOException {
        Map<String, String> dirToConfigMap = Map.of(
                "dashboards/grafana/dashboards", "grafana-dashboards",
                "dashboards/prometheus/rules", "prometheus-rules");
        for (Map.Entry<String, String> e : dirToConfigMap.entrySet()) {
            Path dir = root.resolve(e.getKey());
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<String> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".json") || n.endsWith(".yml") || n.endsWith(".yaml"))
                        .sorted()
                        .collect(Collectors.toList());
            }
            JsonNode cm = all(overlay, "ConfigMap").stream()
                    .filter(c -> name(c).startsWith(e.getValue() + "-"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no ConfigMap " + e.getValue() + " in " + overlay));
            List<String> keys = new ArrayList<>();
            cm.path("data").fieldNames().forEachRemaining(keys::add);
            assertThat(keys)
                    .as("keys of %s (dashboards/kustomization.yaml)", name(cm))
                    .containsAll(files);
        }
    }

    /**
     * Kafka ACLs per principal (issue 14, item 5; docs/security.md, "Threat model"), on the production render: every
     * topic ACL names one topic literally; the plane reads exactly Topics.INPUTS and writes exactly Topics.OUTPUTS;
     * each input topic has exactly one writer, its own producer, the policies topic only the risk desk and the operator
     * topic only the operators; the
     * execution service reads exactly control, control-early and heartbeat; the forwarder and the loader read only
     * their topic; and each workload authenticates as its own user.
     */
    @Test
    void kafkaUsersGrantEachPrincipalOnlyItsTopics() {
        List<JsonNode> users = all("production", "KafkaUser");
        Map<String, Set<String>> reads = new LinkedHashMap<>();
        Map<String, Set<String>> writes = new LinkedHashMap<>();
        Map<String, Set<String>> writersOf = new LinkedHashMap<>();
        for (JsonNode u : users) {
            String user = name(u);
            assertThat(u.path("spec").path("authentication").path("type").asText())
                    .as(user)
                    .isEqualTo("scram-sha-512");
            assertThat(u.path("spec").path("authorization").path("type").asText())
                    .as(user)
                    .isEqualTo("simple");
            reads.put(user, new TreeSet<>());
            writes.put(user, new TreeSet<>());
            for (JsonNode acl : u.path("spec").path("authorization").path("acls")) {
                JsonNode r = acl.path("resource");
                Set<String> ops = new TreeSet<>(texts(acl.path("operations")));
                assertThat(acl.path("type").asText("allow")).as(user).isEqualTo("allow");
                if (!r.path("type").asText().equals("topic")) {
                    assertThat(r.path("type").asText()).as(user).isIn("group", "transactionalId");
                    continue;
                }
                String topic = r.path("name").asText();
                assertThat(r.path("patternType").asText("literal"))
                        .as(user + " on " + topic)
                        .isEqualTo("literal");
                assertThat(topic).as(user).isNotEqualTo("*");
                assertThat(ops)
                        .as(user + " on " + topic)
                        .isSubsetOf("Read", "Write", "Describe")
                        .doesNotContain("All", "Alter", "Delete", "Create", "AlterConfigs");
                if (ops.contains("Read")) {
                    reads.get(user).add(topic);
                }
                if (ops.contains("Write")) {
                    writes.get(user).add(topic);
                    writersOf.computeIfAbsent(topic, t -> new TreeSet<>()).add(user);
                }
            }
        }
        assertThat(reads.get("riskplane")).containsExactlyInAnyOrderElementsOf(Topics.INPUTS);
        assertThat(writes.get("riskplane")).containsExactlyInAnyOrderElementsOf(Topics.OUTPUTS);
        for (String input : Topics.INPUTS) {
            String owner = input.equals(Topics.POLICIES)
                    ? "riskplane-risk-desk"
                    : input.equals(Topics.OPERATOR)
                            ? "riskplane-operators"
                            : "riskplane-producer-" + input.substring("riskplane.v1.".length());
            assertThat(writersOf.get(input)).as("writers of " + input).containsExactly(owner);
            assertThat(writes.get(owner)).as(owner).containsExactly(input);
            assertThat(reads.get(owner)).as(owner).isEmpty();
        }
        for (String output : Topics.OUTPUTS) {
            assertThat(writersOf.get(output)).as("writers of " + output).containsExactly("riskplane");
        }
        assertThat(reads.get("riskplane-execution"))
                .containsExactlyInAnyOrder(Topics.CONTROL, Topics.CONTROL_EARLY, Topics.HEARTBEAT, Topics.HALT_STATE);
        assertThat(writes.get("riskplane-execution")).isEmpty();
        assertThat(reads.get("riskplane-alerts-forwarder")).containsExactly(Topics.ALERTS);
        assertThat(writes.get("riskplane-alerts-forwarder")).isEmpty();
        // The loader reads the input topics for raw_events; the archive job reads them, the detectors' rows and the
        // control topics for the Iceberg tables. Neither writes a topic.
        List<String> loaderReads = new ArrayList<>(Topics.INPUTS);
        loaderReads.add(Topics.CLICKHOUSE_ROWS);
        assertThat(reads.get("riskplane-clickhouse-loader")).containsExactlyInAnyOrderElementsOf(loaderReads);
        assertThat(writes.get("riskplane-clickhouse-loader")).isEmpty();
        List<String> archiveReads = new ArrayList<>(Topics.INPUTS);
        archiveReads.addAll(List.of(Topics.CLICKHOUSE_ROWS, Topics.CONTROL, Topics.CONTROL_EARLY));
        assertThat(reads.get("riskplane-archive")).containsExactlyInAnyOrderElementsOf(archiveReads);
        assertThat(writes.get("riskplane-archive")).isEmpty();
        assertThat(reads.keySet()).hasSize(4 + (Topics.INPUTS.size() - 1) + 2);

        // Each workload logs in as its own KafkaUser (Strimzi's Secret of the same name).
        Map<String, String> userOf = Map.of(
                "FlinkDeployment/riskplane",
                "riskplane",
                "FlinkDeployment/riskplane-archive",
                "riskplane-archive",
                "Deployment/riskplane-alerts-forwarder",
                "riskplane-alerts-forwarder",
                "Deployment/riskplane-clickhouse-loader",
                "riskplane-clickhouse-loader");
        userOf.forEach((workload, user) -> {
            JsonNode d = RENDERED.get("production").stream()
                    .filter(x -> (kind(x) + "/" + name(x)).equals(workload))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(workload + " not rendered"));
            List<String> jaasSecrets = new ArrayList<>();
            forEachEnvVar(d, env -> {
                if (env.path("name").asText().equals("KAFKA_SASL_JAAS_CONFIG")) {
                    jaasSecrets.add(env.path("valueFrom")
                            .path("secretKeyRef")
                            .path("name")
                            .asText());
                }
            });
            assertThat(jaasSecrets).as(workload).isNotEmpty().containsOnly(user);
        });
    }

    // ---- rendering ------------------------------------------------------------------------------------------------

    static Path repositoryRoot() {
        return io.riskplane.testing.RepoRoot.path();
    }

    static void requireKubectl() {
        boolean found;
        try {
            Process p = new ProcessBuilder("kubectl", "version", "--client")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            found = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            found = false;
        }
        if (!found) {
            String msg = "kubectl is not on the PATH: it renders k8s/overlays/* (kubectl kustomize)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg);
            }
            Assumptions.abort(msg);
        }
    }

    static String kustomize(Path dir) throws IOException, InterruptedException {
        File out = File.createTempFile("kustomize", ".out");
        File err = File.createTempFile("kustomize", ".err");
        try {
            Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString())
                    .redirectOutput(out)
                    .redirectError(err)
                    .start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("kubectl kustomize " + dir + " did not finish in 180 s");
            }
            String stderr = Files.readString(err.toPath(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                fail("kubectl kustomize " + root.relativize(dir) + " failed (exit " + p.exitValue() + "):\n" + stderr);
            }
            return Files.readString(out.toPath(), StandardCharsets.UTF_8);
        } finally {
            out.delete();
            err.delete();
        }
    }

    static List<JsonNode> parse(String multiDocumentYaml) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(multiDocumentYaml)) {
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null && d.isObject() && d.size() > 0) {
                    docs.add(d);
                }
            }
        }
        return docs;
    }

    // ---- the CRD schema -------------------------------------------------------------------------------------------

    /**
     * The openAPIV3Schema of one version of a CRD, as a JSON Schema (draft 4, which OpenAPI v3 schemas follow), with
     * the x-kubernetes-* extensions known as annotations, and strict like the API server's field validation: an
     * object schema that lists its properties gets additionalProperties false unless it preserves unknown fields.
     */
    static JsonSchema crdSchema(Path crdFile, String version) throws IOException {
        JsonNode crd = YAML.readTree(crdFile.toFile());
        JsonNode schema = null;
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (v.path("name").asText().equals(version)) {
                schema = v.path("schema").path("openAPIV3Schema");
            }
        }
        assertThat(schema).as("version %s in %s", version, crdFile).isNotNull();
        ObjectNode strict = schema.deepCopy();
        ObjectNode props =
                (ObjectNode) strict.get("properties"); // every object has these; the CRD leaves them implicit
        props.putObject("apiVersion").put("type", "string");
        props.putObject("kind").put("type", "string");
        props.putObject("metadata").put("type", "object");
        closeObjects(strict);

        Set<String> extensions = new TreeSet<>();
        collectExtensionKeywords(strict, extensions);
        JsonMetaSchema v4 = JsonMetaSchema.getV4();
        JsonMetaSchema.Builder meta = JsonMetaSchema.builder(v4.getIri(), v4);
        extensions.forEach(k -> meta.keyword(new NonValidationKeyword(k)));
        JsonMetaSchema metaSchema = meta.build();
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(
                SpecVersion.VersionFlag.V4, b -> b.metaSchema(metaSchema).defaultMetaSchemaIri(metaSchema.getIri()));
        return factory.getSchema(strict);
    }

    private static void closeObjects(JsonNode schema) {
        if (!schema.isObject()) {
            return;
        }
        ObjectNode o = (ObjectNode) schema;
        if (o.has("properties")
                && !o.has("additionalProperties")
                && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            o.put("additionalProperties", false);
        }
        o.path("properties").forEach(KubernetesManifestsIT::closeObjects);
        closeObjects(o.path("items"));
        closeObjects(o.path("additionalProperties"));
        for (String k : List.of("allOf", "anyOf", "oneOf")) {
            o.path(k).forEach(KubernetesManifestsIT::closeObjects);
        }
    }

    private static void collectExtensionKeywords(JsonNode node, Set<String> out) {
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(k -> {
                if (k.startsWith("x-kubernetes-")) {
                    out.add(k);
                }
            });
        }
        node.forEach(child -> collectExtensionKeywords(child, out));
    }

    private static List<String> messages(Set<ValidationMessage> errors) {
        return errors.stream().map(ValidationMessage::getMessage).sorted().collect(Collectors.toList());
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static List<JsonNode> all(String overlay, String kind) {
        return RENDERED.get(overlay).stream().filter(d -> kind(d).equals(kind)).collect(Collectors.toList());
    }

    /** The plane's FlinkDeployment (the archive job has one of its own: {@link #archive}). */
    private static JsonNode plane(String overlay) {
        return named(overlay, "FlinkDeployment", "riskplane");
    }

    private static JsonNode archive(String overlay) {
        return named(overlay, "FlinkDeployment", "riskplane-archive");
    }

    private static JsonNode named(String overlay, String kind, String name) {
        List<JsonNode> found =
                all(overlay, kind).stream().filter(d -> name(d).equals(name)).toList();
        assertThat(found).as("%s %s in %s", kind, name, overlay).hasSize(1);
        return found.get(0);
    }

    private static JsonNode only(String overlay, String kind) {
        List<JsonNode> found = all(overlay, kind);
        assertThat(found).as("%s resources in %s", kind, overlay).hasSize(1);
        return found.get(0);
    }

    private static List<JsonNode> workloads(String overlay) {
        return RENDERED.get(overlay).stream()
                .filter(d ->
                        Set.of("Deployment", "StatefulSet", "Job", "DaemonSet").contains(kind(d)))
                .collect(Collectors.toList());
    }

    private static String kind(JsonNode d) {
        return d.path("kind").asText();
    }

    private static String name(JsonNode d) {
        return d.path("metadata").path("name").asText();
    }

    private static Set<String> kinds(List<JsonNode> docs) {
        return docs.stream().map(KubernetesManifestsIT::kind).collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        object.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static Map<String, String> withoutKey(Map<String, String> m, String key) {
        Map<String, String> out = new LinkedHashMap<>(m);
        out.remove(key);
        return out;
    }

    private static JsonNode mainContainer(JsonNode flinkDeploymentSpec) {
        for (JsonNode c : flinkDeploymentSpec.path("podTemplate").path("spec").path("containers")) {
            if (c.path("name").asText().equals("flink-main-container")) {
                return c;
            }
        }
        throw new AssertionError("the FlinkDeployment's podTemplate has no container flink-main-container");
    }

    private static Set<String> envNames(JsonNode container) {
        Set<String> names = new TreeSet<>();
        container.path("env").forEach(e -> names.add(e.path("name").asText()));
        return names;
    }

    /** The ConfigMap mounted at mountPath in this container of this pod spec. */
    private static JsonNode mountedConfigMap(String overlay, JsonNode podSpec, JsonNode container, String mountPath) {
        String volume = null;
        for (JsonNode m : container.path("volumeMounts")) {
            if (m.path("mountPath").asText().equals(mountPath)) {
                volume = m.path("name").asText();
            }
        }
        assertThat(volume)
                .as(
                        "a volume mounted at %s in %s",
                        mountPath, container.path("name").asText())
                .isNotNull();
        String configMap = null;
        for (JsonNode v : podSpec.path("volumes")) {
            if (v.path("name").asText().equals(volume)) {
                configMap = v.path("configMap").path("name").asText(null);
            }
        }
        assertThat(configMap).as("volume %s is a ConfigMap", volume).isNotNull();
        String cmName = configMap;
        return all(overlay, "ConfigMap").stream()
                .filter(c -> name(c).equals(cmName))
                .findFirst()
                .orElseThrow(() -> new AssertionError("ConfigMap " + cmName + " is not rendered in " + overlay));
    }

    /** Every element of every `env` list in the document (containers of any workload or pod template). */
    private static void forEachEnvVar(JsonNode node, Consumer<JsonNode> action) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (e.getKey().equals("env") && e.getValue().isArray()) {
                    e.getValue().forEach(action);
                } else {
                    forEachEnvVar(e.getValue(), action);
                }
            }
        } else if (node.isArray()) {
            node.forEach(n -> forEachEnvVar(n, action));
        }
    }

    /** The module (directory below the repository root) whose classes or jar hold the class. */
    static String moduleOf(String className) throws Exception {
        Path where = Path.of(Class.forName(className, false, KubernetesManifestsIT.class.getClassLoader())
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        Path root = io.riskplane.testing.RepoRoot.path();
        if (!where.startsWith(root)) {
            // From the local repository (installed jar): the artifact's name tells the module.
            String name = where.getFileName().toString();
            return name.startsWith("riskplane-plane-")
                    ? "jobs/plane"
                    : name.startsWith("riskplane-archive-") ? "jobs/archive" : name;
        }
        Path rel = root.relativize(where);
        int target = 0;
        while (target < rel.getNameCount() && !rel.getName(target).toString().equals("target")) {
            target++;
        }
        return rel.subpath(0, target).toString();
    }
}
