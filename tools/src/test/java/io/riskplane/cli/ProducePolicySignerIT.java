package io.riskplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskplane.contract.EnvelopeJson;
import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.infra.CommittedTopicReader;
import io.riskplane.infra.EmbeddedKafka;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.Order;
import io.riskplane.v1.RiskPolicy;
import io.riskplane.v1.Scope;
import io.riskplane.verify.ControlSigner;
import io.riskplane.verify.SignedPayloads;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `riskplane produce --policy-signer`: the risk desk signs its policies on the way to the topic (docs/runbooks.md). */
class ProducePolicySignerIT {
    static final long T = 1_790_000_000_000L;
    static final byte[] DESK_KEY = "cli-risk-desk-key-cli-risk-desk!".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    static Envelope policy(String id, long version) {
        return Envelope.newBuilder()
                .setEventId(id)
                .setSource("risk-desk")
                .setEventTime(ProtoTime.fromMillis(T))
                .setRiskPolicy(RiskPolicy.newBuilder()
                        .setPolicyId("acme-momo")
                        .setVersion(version)
                        .setScope(Scope.newBuilder().setOrg("acme").setStrategy("momo"))
                        .setMaxDrawdown(300)
                        .putThresholds("max_orders_strategy", 40)
                        .putThresholds("cooldown_base_s", 30))
                .build();
    }

    @Test
    void producePublishesThePoliciesSignedAndEverythingElseAsItIs() throws Exception {
        Path input = dir.resolve("policies.jsonl");
        Envelope order = Envelope.newBuilder()
                .setEventId("o-1")
                .setEventTime(ProtoTime.fromMillis(T))
                .setOrder(Order.newBuilder().setOrderId("o-1").setOrg("acme").setStrategy("momo"))
                .build();
        Files.write(
                input,
                List.of(
                        EnvelopeJson.print(policy("pol-1", 1)),
                        EnvelopeJson.print(order),
                        EnvelopeJson.print(policy("pol-2", 2))));
        Path keyFile = dir.resolve("risk-desk.key");
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(DESK_KEY));

        // The signer and its key go together: neither alone publishes anything.
        assertThat(RiskPlaneCli.commandLine()
                        .execute(
                                "produce",
                                "--input",
                                input.toString(),
                                "--bootstrap",
                                "127.0.0.1:1",
                                "--policy-signer",
                                "risk-desk"))
                .isNotZero();
        assertThat(RiskPlaneCli.commandLine()
                        .execute(
                                "produce",
                                "--input",
                                input.toString(),
                                "--bootstrap",
                                "127.0.0.1:1",
                                "--policy-key-file",
                                keyFile.toString()))
                .isNotZero();

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            kafka.createTopics(List.of(Topics.POLICIES, Topics.ORDERS), 1);
            assertThat(RiskPlaneCli.commandLine()
                            .execute(
                                    "produce",
                                    "--input",
                                    input.toString(),
                                    "--bootstrap",
                                    kafka.bootstrapServers(),
                                    "--policy-signer",
                                    "risk-desk",
                                    "--policy-key-file",
                                    keyFile.toString()))
                    .isZero();
            List<Envelope> policies = read(kafka, Topics.POLICIES, 2);
            assertThat(policies).extracting(Envelope::getEventId).containsExactly("pol-1", "pol-2");
            Map<String, ControlSigner> keys = Map.of("risk-desk", new ControlSigner("risk-desk", DESK_KEY));
            assertThat(policies).allSatisfy(p -> {
                assertThat(p.getRiskPolicy().getSignerId()).isEqualTo("risk-desk");
                assertThat(SignedPayloads.RISK_POLICY.verify(p, keys)).isEqualTo(SignedPayloads.Verdict.ACCEPTED);
            });
            // Signing changed nothing but the signer and the signature.
            assertThat(policies.get(1).toBuilder()
                            .setRiskPolicy(policies.get(1).getRiskPolicy().toBuilder()
                                    .clearSignature()
                                    .clearSignerId())
                            .build())
                    .isEqualTo(policy("pol-2", 2));
            assertThat(read(kafka, Topics.ORDERS, 1)).containsExactly(order);
        }
    }

    static List<Envelope> read(EmbeddedKafka kafka, String topic, int n) throws Exception {
        List<Envelope> out = new ArrayList<>();
        try (CommittedTopicReader r = new CommittedTopicReader(kafka.bootstrapServers(), topic)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < n && System.nanoTime() < deadline) {
                out.addAll(r.poll(Duration.ofMillis(200)));
            }
        }
        return out;
    }
}
