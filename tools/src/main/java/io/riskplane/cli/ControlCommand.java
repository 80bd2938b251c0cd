package io.riskplane.cli;

import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.infra.EnvelopePublisher;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.HaltEntry;
import io.riskplane.v1.HaltState;
import io.riskplane.v1.HaltStatus;
import io.riskplane.v1.OperatorAction;
import io.riskplane.v1.OperatorCommand;
import io.riskplane.v1.Scope;
import io.riskplane.verify.OperatorCommands;
import io.riskplane.verify.SigningKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `riskplane control halt|resume`: an on-call operator's signed command to the plane (docs/runbooks.md). The plane
 * checks the signature against its copy of the operator's key, applies the command once, and answers with a control
 * event of rule operator.halt or operator.resume on the control topic. `riskplane control status`: what is halted
 * now, from the halt-state topic.
 */
@Command(
        name = "control",
        mixinStandardHelpOptions = true,
        description = "Operator commands to the plane: halt or resume a scope, signed with the operator's key.",
        subcommands = {ControlCommand.Halt.class, ControlCommand.Resume.class, ControlCommand.Status.class})
public final class ControlCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** A scope by its fields, each empty unless given. */
    static final class ScopeOptions {
        @Option(names = "--org", paramLabel = "ORG")
        String org = "";

        @Option(names = "--strategy", paramLabel = "STRATEGY")
        String strategy = "";

        @Option(names = "--instrument", paramLabel = "INSTRUMENT")
        String instrument = "";

        @Option(names = "--venue", paramLabel = "VENUE")
        String venue = "";

        @Option(names = "--adapter", paramLabel = "ADAPTER")
        String adapter = "";

        @Option(names = "--lane", paramLabel = "LANE")
        String lane = "";

        Scope scope() {
            return Scope.newBuilder()
                    .setOrg(org)
                    .setStrategy(strategy)
                    .setInstrument(instrument)
                    .setVenue(venue)
                    .setAdapter(adapter)
                    .setLane(lane)
                    .build();
        }
    }

    /** The scope and who asks, common to both commands. */
    static final class Common {
        @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT")
        String bootstrap;

        @picocli.CommandLine.Mixin
        ScopeOptions scope;

        @Option(
                names = "--operator",
                required = true,
                paramLabel = "ID",
                description = "Your operator id: the key id the plane knows your key by (security.operator_keys).")
        String operator;

        @ArgGroup(exclusive = true, multiplicity = "1")
        KeySource key;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why, for the audit trail.")
        String reason;

        @Option(names = "--ticket", paramLabel = "ID", description = "The incident or change ticket.")
        String ticket = "";

        @Option(names = "--command-id", paramLabel = "ID", description = "Default: a new random id.")
        String commandId;

        @Option(
                names = "--kafka-property",
                paramLabel = "KEY=VALUE",
                description = "Extra Kafka producer setting, e.g. security.protocol=SASL_SSL (repeatable).")
        Map<String, String> kafkaProperties = Map.of();
    }

    static final class KeySource {
        @Option(names = "--key-file", paramLabel = "FILE", description = "Your key, base64, in a file.")
        String file;

        @Option(names = "--key-env", paramLabel = "VARIABLE", description = "Your key, base64, in this variable.")
        String env;
    }

    @Command(
            name = "halt",
            mixinStandardHelpOptions = true,
            description =
                    "Halts new entries on a scope (KILL_SWITCH, rule operator.halt) until an operator resumes it.")
    static final class Halt implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Common common;

        @Override
        public Integer call() throws Exception {
            return publish(common, OperatorAction.OPERATOR_HALT, "");
        }
    }

    @Command(
            name = "resume",
            mixinStandardHelpOptions = true,
            description = "Lifts the halts of one rule (--rule) or of every rule on exactly a scope (RESUME, rule "
                    + "operator.resume).")
    static final class Resume implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Common common;

        @Option(names = "--rule", paramLabel = "RULE_ID", description = "Default: every rule.")
        String rule = "";

        @Override
        public Integer call() throws Exception {
            return publish(common, OperatorAction.OPERATOR_RESUME, rule);
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "What is halted now: each scope's latest state on riskplane.v1.halt-state (read_committed), "
                    + "halted and cooling-down scopes only unless --all; filtered by the scope fields given.")
    static final class Status implements Callable<Integer> {
        @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT")
        String bootstrap;

        @picocli.CommandLine.Mixin
        ScopeOptions scope;

        @Option(names = "--all", description = "Also the scopes that are ACTIVE again.")
        boolean all;

        @Option(names = "--json", description = "One HaltState per line (Protobuf JSON) instead of a table.")
        boolean json;

        @Option(
                names = "--control-key-id",
                paramLabel = "ID",
                description =
                        "Verify each state's signature (the plane's control-signing key, security.control_signing)"
                                + " with this key id and --control-key-file; a state that does not verify is not shown, and "
                                + "the command exits 3.")
        String controlKeyId;

        @Option(names = "--control-key-file", paramLabel = "FILE", description = "The control-signing key, base64.")
        String controlKeyFile;

        @Option(
                names = "--kafka-property",
                paramLabel = "KEY=VALUE",
                description = "Extra Kafka consumer setting, e.g. security.protocol=SASL_SSL (repeatable).")
        Map<String, String> kafkaProperties = Map.of();

        @Override
        public Integer call() throws Exception {
            Properties client = new Properties();
            client.putAll(kafkaProperties);
            Scope filter = scope.scope();
            io.riskplane.verify.ControlSigner key = controlKeyId == null
                    ? null
                    : io.riskplane.verify.ControlSigner.fromFile(controlKeyId, java.nio.file.Path.of(controlKeyFile));
            List<String> refused = new ArrayList<>();
            List<HaltState> shown = new ArrayList<>();
            for (HaltState s : latest(bootstrap, client, key, refused).values()) {
                if ((all || s.getStatus() != HaltStatus.HALT_STATUS_ACTIVE) && matches(filter, s.getScope())) {
                    shown.add(s);
                }
            }
            System.out.print(json ? jsonLines(shown) : table(shown));
            if (!refused.isEmpty()) {
                System.err.println(refused.size() + " record(s) of " + Topics.HALT_STATE + " did not verify under key '"
                        + controlKeyId + "' and are not shown: " + String.join("; ", refused));
                return 3;
            }
            return 0;
        }
    }

    /** Each scope's latest state on the halt-state topic, by scope key: the topic read to its end, read_committed. */
    public static Map<String, HaltState> latest(String bootstrap, Properties client) throws Exception {
        return latest(bootstrap, client, null, new ArrayList<>());
    }

    /**
     * As {@link #latest(String, Properties)}, keeping only the records whose signature verifies under {@code key}
     * (when not null; as execution's ControlVerifier checks them); each other record is named in {@code refused}.
     */
    public static Map<String, HaltState> latest(
            String bootstrap, Properties client, io.riskplane.verify.ControlSigner key, List<String> refused)
            throws Exception {
        Map<String, HaltState> latest = new TreeMap<>();
        io.riskplane.infra.CommittedTopicReader.readToEnd(
                bootstrap, client, Topics.HALT_STATE, Duration.ofSeconds(60), r -> {
                    if (key != null && !verifies(r, key)) {
                        refused.add(r.partition() + "/" + r.offset());
                        return;
                    }
                    try {
                        Envelope e = Envelope.parseFrom(r.value());
                        if (e.hasHaltState()) {
                            latest.put(
                                    io.riskplane.verify.ControlVerifier.scopeKey(
                                            e.getHaltState().getScope()),
                                    e.getHaltState());
                        }
                    } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                        refused.add(r.partition() + "/" + r.offset() + " (not an envelope)");
                    }
                });
        return latest;
    }

    /** The record carries the key's id and a signature of its value under the key (compared in constant time). */
    static boolean verifies(ConsumerRecord<byte[], byte[]> r, io.riskplane.verify.ControlSigner key) {
        var id = r.headers().lastHeader(io.riskplane.verify.ControlSigner.KEY_ID_HEADER);
        var signature = r.headers().lastHeader(io.riskplane.verify.ControlSigner.SIGNATURE_HEADER);
        return id != null
                && signature != null
                && r.value() != null
                && key.keyId().equals(new String(id.value(), java.nio.charset.StandardCharsets.UTF_8))
                && key.verifies(r.value(), signature.value());
    }

    static boolean matches(Scope filter, Scope s) {
        return (filter.getOrg().isEmpty() || filter.getOrg().equals(s.getOrg()))
                && (filter.getStrategy().isEmpty() || filter.getStrategy().equals(s.getStrategy()))
                && (filter.getInstrument().isEmpty() || filter.getInstrument().equals(s.getInstrument()))
                && (filter.getVenue().isEmpty() || filter.getVenue().equals(s.getVenue()))
                && (filter.getAdapter().isEmpty() || filter.getAdapter().equals(s.getAdapter()))
                && (filter.getLane().isEmpty() || filter.getLane().equals(s.getLane()));
    }

    static String jsonLines(List<HaltState> states) {
        StringBuilder sb = new StringBuilder();
        for (HaltState s : states) {
            sb.append(io.riskplane.contract.EnvelopeJson.print(s)).append('\n');
        }
        return sb.toString();
    }

    /** One line per halt in force (one per scope when ACTIVE), oldest first within a scope. */
    public static String table(List<HaltState> states) {
        if (states.isEmpty()) {
            return "nothing halted\n";
        }
        StringBuilder sb = new StringBuilder(String.format(
                "%-40s %-12s %-20s %-28s %-14s %s%n", "SCOPE", "STATUS", "SINCE", "RULE", "EPISODE", "WHY"));
        for (HaltState s : states) {
            String scope = scopeText(s.getScope());
            String status = s.getStatus().name().replace("HALT_STATUS_", "");
            if (s.getHaltsCount() == 0) {
                sb.append(String.format(
                        "%-40s %-12s %-20s %-28s %-14s %s%n",
                        scope,
                        status,
                        Instant.ofEpochMilli(ProtoTime.toMillis(s.getUpdatedAt())),
                        "-",
                        "-",
                        "by " + s.getControlId()));
            }
            for (HaltEntry h : s.getHaltsList()) {
                sb.append(String.format(
                        "%-40s %-12s %-20s %-28s %-14s %s%n",
                        scope,
                        status,
                        Instant.ofEpochMilli(ProtoTime.toMillis(h.getSince())),
                        h.getRuleId() + (h.getSubject().isEmpty() ? "" : "/" + h.getSubject()),
                        h.getEpisodeId(),
                        h.getSummary()
                                + (h.hasExpiresAt()
                                        ? " (until " + Instant.ofEpochMilli(ProtoTime.toMillis(h.getExpiresAt())) + ")"
                                        : "")));
            }
        }
        return sb.toString();
    }

    static String scopeText(Scope s) {
        List<String> parts = new ArrayList<>();
        for (String[] f : new String[][] {
            {"org", s.getOrg()},
            {"strategy", s.getStrategy()},
            {"instrument", s.getInstrument()},
            {"venue", s.getVenue()},
            {"adapter", s.getAdapter()},
            {"lane", s.getLane()}
        }) {
            if (!f[1].isEmpty()) {
                parts.add(f[0] + "=" + f[1]);
            }
        }
        return String.join(",", parts);
    }

    static Envelope command(Common c, OperatorAction action, String rule, Instant now) {
        String id = c.commandId != null ? c.commandId : "cmd-" + UUID.randomUUID();
        return Envelope.newBuilder()
                .setEventId(id)
                .setSource("riskplane-cli")
                .setEventTime(ProtoTime.fromMillis(now.toEpochMilli()))
                .setOperatorCommand(OperatorCommand.newBuilder()
                        .setCommandId(id)
                        .setAction(action)
                        .setScope(c.scope.scope())
                        .setRuleId(rule)
                        .setOperatorId(c.operator)
                        .setReason(c.reason)
                        .setTicket(c.ticket))
                .build();
    }

    static int publish(Common c, OperatorAction action, String rule) throws Exception {
        Envelope signed = OperatorCommands.sign(
                command(c, action, rule, Instant.now()), new SigningKey(c.operator, c.key.env, c.key.file).load());
        Properties client = new Properties();
        client.putAll(c.kafkaProperties);
        try (EnvelopePublisher p = new EnvelopePublisher(c.bootstrap, client)) {
            p.send(Topics.OPERATOR, signed, signed.toByteArray());
            p.flush();
        }
        System.out.printf(
                "%s %s published to %s on %s (operator %s): watch the control topic for its rule %s event%n",
                action == OperatorAction.OPERATOR_HALT ? "halt" : "resume",
                signed.getOperatorCommand().getCommandId(),
                Topics.OPERATOR,
                c.bootstrap,
                c.operator,
                action == OperatorAction.OPERATOR_HALT ? "operator.halt" : "operator.resume");
        return 0;
    }
}
