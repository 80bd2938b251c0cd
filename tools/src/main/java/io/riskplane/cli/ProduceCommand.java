package io.riskplane.cli;

import io.riskplane.contract.EnvelopeJson;
import io.riskplane.contract.Topics;
import io.riskplane.infra.EnvelopePublisher;
import io.riskplane.v1.Envelope;
import io.riskplane.verify.ControlSigner;
import io.riskplane.verify.SignedPayloads;
import io.riskplane.verify.SigningKey;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = "Publishes envelopes (JSON Lines) to the plane's input topics as Protobuf, each on the topic "
                + "of its payload, so that any system can feed the plane without our code. With --policy-signer, "
                + "signs each risk policy with the risk desk's key on the way (docs/runbooks.md).")
final class ProduceCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, paramLabel = "FILE.jsonl")
    Path input;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT")
    String bootstrap;

    @Option(
            names = "--raw-topic",
            paramLabel = "TOPIC",
            description = "Publish lines that are not envelopes to this topic as raw bytes (to exercise the dead "
                    + "letters); by default they are reported and skipped, and the exit code is 2.")
    String rawTopic;

    @Option(
            names = "--kafka-property",
            paramLabel = "KEY=VALUE",
            description = "Extra Kafka producer setting, e.g. security.protocol=SASL_SSL (repeatable).")
    Map<String, String> kafkaProperties = Map.of();

    @Option(
            names = "--policy-signer",
            paramLabel = "ID",
            description = "Sign every risk policy of the input as this risk-desk key id (its signer_id; the key the "
                    + "plane holds under security.policy_keys), with --policy-key-file or --policy-key-env.")
    String policySigner;

    @ArgGroup(exclusive = true)
    PolicyKey policyKey;

    static final class PolicyKey {
        @Option(
                names = "--policy-key-file",
                paramLabel = "FILE",
                description = "The risk desk's key, base64, in a file.")
        String file;

        @Option(
                names = "--policy-key-env",
                paramLabel = "VARIABLE",
                description = "The risk desk's key, base64, in this variable.")
        String env;
    }

    @Override
    public Integer call() throws Exception {
        if ((policySigner == null) != (policyKey == null)) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this),
                    "--policy-signer and --policy-key-file|--policy-key-env go together");
        }
        ControlSigner desk =
                policySigner == null ? null : new SigningKey(policySigner, policyKey.env, policyKey.file).load();
        long signed = 0;
        Properties client = new Properties();
        client.putAll(kafkaProperties);
        List<Long> skipped = new ArrayList<>();
        long lineNo = 0;
        long t = System.nanoTime();
        try (EnvelopePublisher p = new EnvelopePublisher(bootstrap, client);
                BufferedReader r = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                Envelope e;
                try {
                    e = EnvelopeJson.parse(line);
                } catch (Exception notEnvelope) {
                    if (rawTopic == null) {
                        skipped.add(lineNo);
                        System.err.printf(
                                "line %d is not a riskplane v1 envelope (%s): skipped%n",
                                lineNo, notEnvelope.getMessage());
                    } else {
                        p.send(rawTopic, null, line.getBytes(StandardCharsets.UTF_8));
                    }
                    continue;
                }
                if (e.getPayloadCase() == Envelope.PayloadCase.PAYLOAD_NOT_SET) {
                    skipped.add(lineNo);
                    System.err.printf("line %d has no payload, so no topic: skipped%n", lineNo);
                    continue;
                }
                if (desk != null && e.hasRiskPolicy()) {
                    e = SignedPayloads.RISK_POLICY.signAs(e, desk);
                    signed++;
                }
                p.send(Topics.forPayload(e.getPayloadCase()), e, e.toByteArray());
                if (p.sent() % 100_000 == 0) {
                    System.out.printf("  %,d published...%n", p.sent());
                }
            }
            p.flush();
            System.out.printf(
                    "published %,d records from %s to %s in %.1f s%s%n",
                    p.sent(),
                    input,
                    bootstrap,
                    (System.nanoTime() - t) / 1e9,
                    desk == null ? "" : String.format(" (%,d risk policies signed as %s)", signed, policySigner));
        }
        if (!skipped.isEmpty()) {
            System.err.printf("%d line(s) skipped: %s%n", skipped.size(), skipped);
            return 2;
        }
        return 0;
    }
}
