package io.riskplane.plane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PlaneConfigOptions is the one place of the configuration's keys and defaults: the reference in docs/operations.md is
 * generated from it, the example configuration and PlaneConfig have exactly its keys, and a configuration that sets
 * nothing runs with its defaults.
 */
class PlaneConfigOptionsTest {
    static final Path DOC = io.riskplane.testing.RepoRoot.resolve("docs/operations.md");
    static final Path EXAMPLE = io.riskplane.testing.RepoRoot.resolve("config/riskplane.example.yaml");

    /** Options config/riskplane.example.yaml leaves out on purpose, and why. */
    static final Map<String, String> ABSENT_FROM_EXAMPLE = Map.of(
            "clickhouse.password_file", "the example reads the password from password_env (its comment names this)",
            "flink.restore_from", "set only to restart from a retained checkpoint (docs/operations.md)",
            "archive.parallelism", "commented out in the example: defaults to flink.parallelism",
            "archive.checkpoint_dir", "commented out in the example: defaults to flink.checkpoint_dir + -archive",
            "archive.metrics_port", "commented out in the example: off unless set",
            "archive.restore_from", "set only to restart the archive job from a retained checkpoint",
            "alerting.forwarder_group_id", "the default consumer group is the one the Kubernetes ACLs grant",
            "security.control_signing.key_file", "the example reads the key from key_env (its comment names this)");

    static Set<String> optionKeys() {
        return PlaneConfigOptions.options().stream()
                .map(PlaneConfigOptions.Entry::key)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void operationsDocHoldsTheGeneratedReference() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        if (Boolean.getBoolean("regenerate")) {
            doc = PlaneConfigOptions.withReference(doc);
            Files.writeString(DOC, doc, StandardCharsets.UTF_8);
        }
        assertThat(PlaneConfigOptions.referenceOf(doc))
                .as(
                        "the configuration reference in docs/operations.md (between %s and %s) is generated from "
                                + "PlaneConfigOptions: regenerate it with `mvn -o test -pl jobs/plane -am -Dtest=PlaneConfigOptionsTest "
                                + "-Dsurefire.failIfNoSpecifiedTests=false -Dregenerate=true` or by running "
                                + "PlaneConfigOptions.main from the repository root",
                        PlaneConfigOptions.REFERENCE_START, PlaneConfigOptions.REFERENCE_END)
                .isEqualTo(PlaneConfigOptions.markdownReference());
    }

    @Test
    void referenceHasEveryOptionWithTypeDefaultAndASentence() {
        String md = PlaneConfigOptions.markdownReference();
        for (PlaneConfigOptions.Entry e : PlaneConfigOptions.options()) {
            assertThat(md).contains("| `" + e.key() + "` |");
            assertThat(PlaneConfigOptions.text(e.option().description()))
                    .as(e.key())
                    .isNotBlank()
                    .endsWith(".");
        }
        assertThat(md)
                .contains("| `time.out_of_orderness_ms` | long | `500` |")
                .contains("| `time.idleness_ms` | long | `5000` (replay: `0`) |")
                .contains("| `time.live_lag_ms` | long | `2000` (replay: `0`) |")
                .contains("| `kafka.bootstrap` | string | none |")
                .contains("| `security.operator_keys` | list of maps | none |")
                .contains(
                        "| `flink.state_backend` | string | `hashmap` | Flink state backend: `hashmap` or `rocksdb`. |")
                .contains("### `kafka`")
                .contains("### `security`");
        // Sections in the file's order.
        assertThat(md.indexOf("### `kafka`")).isLessThan(md.indexOf("### `clickhouse`"));
        assertThat(md.indexOf("### `time`")).isLessThan(md.indexOf("### `security`"));
    }

    @Test
    void exampleConfigurationHasExactlyTheOptions() throws Exception {
        Set<String> options = optionKeys();
        Set<String> example = new TreeSet<>();
        flatten("", new ObjectMapper(new YAMLFactory()).readTree(EXAMPLE.toFile()), options, example);

        assertThat(example)
                .as("keys of %s that PlaneConfigOptions lacks", EXAMPLE)
                .isSubsetOf(options);
        Set<String> missing = new TreeSet<>(options);
        missing.removeAll(example);
        assertThat(missing)
                .as("options neither in %s nor listed in ABSENT_FROM_EXAMPLE with a reason", EXAMPLE)
                .isEqualTo(ABSENT_FROM_EXAMPLE.keySet().stream().collect(Collectors.toCollection(TreeSet::new)));
    }

    /** Keys of a YAML tree: a mapping is descended into unless its path is an option (map-typed: kafka.properties). */
    static void flatten(String path, JsonNode node, Set<String> options, Set<String> into) {
        if (node.isObject() && !options.contains(path)) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                flatten(path.isEmpty() ? f.getKey() : path + "." + f.getKey(), f.getValue(), options, into);
            }
        } else {
            into.add(path);
        }
    }

    @Test
    void planeConfigHasExactlyTheOptions() {
        Set<String> fields = new TreeSet<>();
        walk("", PlaneConfig.class, fields);
        Set<String> options = optionKeys();
        // The iceberg section is the catalog's properties (a map): its documented keys are options of their own.
        assertThat(fields.remove("iceberg")).isTrue();
        Set<String> nonIceberg =
                options.stream().filter(k -> !k.startsWith("iceberg.")).collect(Collectors.toCollection(TreeSet::new));
        assertThat(options).contains("iceberg.type", "iceberg.uri", "iceberg.warehouse");
        assertThat(fields).as("PlaneConfig's keys").isEqualTo(nonIceberg);
    }

    static void walk(String prefix, Class<?> type, Set<String> into) {
        for (RecordComponent c : type.getRecordComponents()) {
            String key = prefix
                    + c.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
            if (c.getType().isRecord()) {
                walk(key + ".", c.getType(), into);
            } else {
                into.add(key);
            }
        }
    }

    @Test
    void anEmptyConfigurationRunsWithTheDefaults(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("minimal.yaml");
        Files.writeString(
                f, "kafka:\n  bootstrap: k:9092\nclickhouse:\n  url: http://ch:8123\niceberg:\n" + "  warehouse: /w\n");
        PlaneConfig c = PlaneConfig.load(f);
        PlaneOptions o = c.options();
        assertThat(o).isEqualTo(PlaneOptions.streaming());
        // The values themselves, so that a changed default shows here.
        assertThat(o.outOfOrderness()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.idleness()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.maxFutureSkew()).isEqualTo(Duration.ofMinutes(5));
        assertThat(o.liveLag()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.staleHorizon()).isEqualTo(Duration.ofHours(1)).isEqualTo(PlaneOptions.DEFAULT_STALE_HORIZON);
        assertThat(o.quietKeyExpiry()).isEqualTo(Duration.ofHours(6));
        assertThat(o.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.planeId()).isEqualTo("riskplane");
        assertThat(o.dataDrivenWatermarks()).isFalse();
        assertThat(o.dislocation().thresholdBps()).isEqualTo(10.0);
        assertThat(o.dislocation().minDurationMillis()).isEqualTo(5_000);
        assertThat(o.dislocation().defaultFeeBps()).isEqualTo(2.0);
        assertThat(o.staleness().tickMillis()).isEqualTo(5_000);
        assertThat(o.staleness().windowMillis()).isEqualTo(60_000);
        assertThat(o.staleness().lookbackMillis()).isEqualTo(30_000);
        assertThat(o.staleness().defaultCalendar()).isEqualTo("24x7");
        assertThat(o.alerting().runbookBaseUrl()).isEqualTo("docs/runbooks.md");
        assertThat(o.alerting().defaultTeam()).isEqualTo("trading-oncall");
        assertThat(o.requireSignedPolicies()).isFalse();
        assertThat(o.operatorKeys()).isEmpty();

        PlaneConfig.Flink flink = c.flinkOrDefaults();
        assertThat(flink.checkpointIntervalMsOrDefault()).isEqualTo(2_000);
        assertThat(flink.stateBackendOrDefault()).isEqualTo("hashmap");
        assertThat(flink.webUiPortOrDefault()).isEqualTo(8081);
        assertThat(flink.restBindAddressOrDefault()).isEqualTo("127.0.0.1");
        assertThat(flink.metricsBindAddressOrDefault()).isEqualTo("127.0.0.1");
        assertThat(flink.webSubmit()).isFalse();
        assertThat(flink.webCancel()).isFalse();
        assertThat(PlaneConfigOptions.FLINK_PARALLELISM.defaultValue()).isEqualTo(2);
        PlaneConfig.Kafka k = c.kafka();
        assertThat(k.groupIdOrDefault()).isEqualTo("riskplane");
        assertThat(k.transactionalIdPrefixOrDefault()).isEqualTo("riskplane-control");
        assertThat(k.createTopicsOrDefault()).isFalse();
        assertThat(k.partitionsOrDefault()).isEqualTo(1);
        assertThat(k.controlExactlyOnce()).isTrue();
        assertThat(c.archiveOrDefaults().checkpointInterval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.archiveOrDefaults().groupIdOrDefault()).isEqualTo("riskplane-archive");
        assertThat(new PlaneConfig.Alerting(null, null, null, null, null).forwarderGroupIdOrDefault())
                .isEqualTo("riskplane-alerts-forwarder");
        assertThat(PlaneConfigOptions.CLICKHOUSE_BATCH_SIZE.defaultValue()).isEqualTo(20_000);
        assertThat(PlaneConfigOptions.CLICKHOUSE_BATCH_INTERVAL_MS.defaultValue())
                .isEqualTo(500L);
    }

    @Test
    void replayDiffersOnlyByItsOverrides() {
        PlaneOptions live = PlaneOptions.streaming();
        PlaneOptions replay = PlaneOptions.replay();
        assertThat(replay.idleness()).isEqualTo(Duration.ZERO);
        assertThat(replay.liveLag()).isEqualTo(Duration.ZERO);
        assertThat(replay.dataDrivenWatermarks()).isTrue();
        assertThat(new PlaneOptions(
                        replay.outOfOrderness(),
                        live.idleness(),
                        replay.maxFutureSkew(),
                        live.dataDrivenWatermarks(),
                        replay.dislocation(),
                        replay.staleness(),
                        replay.alerting(),
                        replay.planeId(),
                        replay.heartbeatInterval(),
                        live.liveLag(),
                        replay.staleHorizon(),
                        replay.quietKeyExpiry(),
                        replay.operatorKeys(),
                        replay.policyKeys(),
                        replay.requireSignedPolicies()))
                .isEqualTo(live);
    }

    @Test
    void optionTypesMatchTheRecords() {
        // Every option field is typed: the reference's type column comes from it.
        for (PlaneConfigOptions.Entry e : PlaneConfigOptions.options()) {
            assertThat(e.type()).as(e.key()).isNotNull();
            assertThat(PlaneConfigOptions.typeName(e.type()))
                    .as(e.key())
                    .isIn("string", "int", "long", "double", "boolean", "map", "list of maps");
        }
        assertThat(PlaneConfigOptions.options())
                .extracting(e -> e.option().key())
                .doesNotHaveDuplicates();
        ConfigOption<Long> idle = PlaneConfigOptions.TIME_IDLENESS_MS;
        assertThat(PlaneConfigOptions.options())
                .filteredOn(e -> e.option() == idle)
                .singleElement()
                .satisfies(e -> assertThat(((Class<?>) e.type())).isEqualTo(Long.class));
    }
}
