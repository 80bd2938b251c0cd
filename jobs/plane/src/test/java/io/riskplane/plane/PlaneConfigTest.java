package io.riskplane.plane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped example configuration stays loadable, and mistakes are named. */
class PlaneConfigTest {
    @Test
    void exampleConfigLoads() throws Exception {
        PlaneConfig c = PlaneConfig.load(io.riskplane.testing.RepoRoot.resolve("config/riskplane.example.yaml"));
        assertThat(c.kafka().clientProperties().getProperty("security.protocol"))
                .isEqualTo("SASL_SSL");
        assertThat(c.iceberg()).containsEntry("type", "rest");
        assertThat(c.options().outOfOrderness()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.flink().stateBackend()).isEqualTo("rocksdb");
        assertThat(c.archiveOrDefaults().checkpointInterval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.archiveOrDefaults().groupIdOrDefault()).isEqualTo("riskplane-archive");
        assertThat(c.archiveOrDefaults().checkpointDirOr(c.flink().checkpointDir()))
                .isEqualTo("s3://flink/riskplane/checkpoints-archive");
    }

    @Test
    void policySignaturesAreConfigured(@TempDir Path dir) throws Exception {
        PlaneOptions example = PlaneConfig.load(io.riskplane.testing.RepoRoot.resolve("config/riskplane.example.yaml"))
                .options();
        assertThat(example.requireSignedPolicies()).isTrue();
        assertThat(example.policyKeys())
                .containsExactly(
                        new io.riskplane.verify.SigningKey("risk-desk", "RISKPLANE_POLICY_KEY_RISK_DESK", null));

        Path f = dir.resolve("c.yaml");
        String base = "kafka:\n  bootstrap: k:9092\nclickhouse:\n  url: http://ch:8123\niceberg:\n  warehouse: /w\n";
        // Default: no keys, nothing required.
        Files.writeString(f, base);
        assertThat(PlaneConfig.load(f).options().requireSignedPolicies()).isFalse();
        assertThat(PlaneConfig.load(f).options().policyKeys()).isEmpty();
        // Keys without the requirement: signed policies are verified, unsigned ones still pass.
        Files.writeString(f, base + "security:\n  policy_keys:\n    - key_id: desk-1\n      key_file: /k/desk-1\n");
        PlaneOptions keysOnly = PlaneConfig.load(f).options();
        assertThat(keysOnly.requireSignedPolicies()).isFalse();
        assertThat(keysOnly.policyKeys())
                .extracting(io.riskplane.verify.SigningKey::keyId)
                .containsExactly("desk-1");
        // Required without a key would refuse every policy: named at load.
        Files.writeString(f, base + "security:\n  require_signed_policies: true\n");
        assertThatThrownBy(() -> PlaneConfig.load(f)).hasMessageContaining("security.policy_keys");
        // A misspelt key is named.
        Files.writeString(f, base + "security:\n  require_signed_policy: true\n");
        assertThatThrownBy(() -> PlaneConfig.load(f)).hasMessageContaining("require_signed_policy");
    }

    @Test
    void archiveDefaultsWithoutASection() {
        PlaneConfig.Archive a =
                new PlaneConfig(null, null, null, null, null, null, null, null, null).archiveOrDefaults();
        assertThat(a.checkpointInterval())
                .isEqualTo(PlaneConfig.Archive.DEFAULT_CHECKPOINT_INTERVAL)
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(a.groupIdOrDefault()).isEqualTo("riskplane-archive");
        assertThat(a.checkpointDirOr("file:///tmp/cp/")).isEqualTo("file:///tmp/cp-archive");
        assertThat(a.checkpointDirOr(null)).isNull();
    }

    @Test
    void missingAndUnknownKeysAreNamed(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, "kafka:\n  bootstrap: k:9092\n");
        assertThatThrownBy(() -> PlaneConfig.load(f)).hasMessageContaining("clickhouse.url");
        Files.writeString(f, "kafka:\n  bootstrp: k:9092\n");
        assertThatThrownBy(() -> PlaneConfig.load(f)).hasMessageContaining("bootstrp");
    }
}
