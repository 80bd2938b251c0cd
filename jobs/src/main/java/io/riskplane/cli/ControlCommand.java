package io.riskplane.cli;

import io.riskplane.contract.ProtoTime;
import io.riskplane.contract.Topics;
import io.riskplane.infra.EnvelopePublisher;
import io.riskplane.v1.Envelope;
import io.riskplane.v1.OperatorAction;
import io.riskplane.v1.OperatorCommand;
import io.riskplane.v1.Scope;
import io.riskplane.verify.OperatorCommands;
import io.riskplane.verify.SigningKey;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `riskplane control halt|resume`: an on-call operator's signed command to the plane (docs/runbooks.md). The plane
 * checks the signature against its copy of the operator's key, applies the command once, and answers with a control
 * event of rule operator.halt or operator.resume on the control topic.
 */
@Command(name = "control", mixinStandardHelpOptions = true,
        description = "Operator commands to the plane: halt or resume a scope, signed with the operator's key.",
        subcommands = {ControlCommand.Halt.class, ControlCommand.Resume.class})
final class ControlCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The scope and who asks, common to both commands. */
    static final class Common {
        @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT")
        String bootstrap;

        @Option(names = "--org", paramLabel = "ORG") String org = "";
        @Option(names = "--strategy", paramLabel = "STRATEGY") String strategy = "";
        @Option(names = "--instrument", paramLabel = "INSTRUMENT") String instrument = "";
        @Option(names = "--venue", paramLabel = "VENUE") String venue = "";
        @Option(names = "--adapter", paramLabel = "ADAPTER") String adapter = "";
        @Option(names = "--lane", paramLabel = "LANE") String lane = "";

        @Option(names = "--operator", required = true, paramLabel = "ID",
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

        @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
                description = "Extra Kafka producer setting, e.g. security.protocol=SASL_SSL (repeatable).")
        Map<String, String> kafkaProperties = Map.of();
    }

    static final class KeySource {
        @Option(names = "--key-file", paramLabel = "FILE", description = "Your key, base64, in a file.")
        String file;

        @Option(names = "--key-env", paramLabel = "VARIABLE", description = "Your key, base64, in this variable.")
        String env;
    }

    @Command(name = "halt", mixinStandardHelpOptions = true,
            description = "Halts new entries on a scope (KILL_SWITCH, rule operator.halt) until an operator resumes it.")
    static final class Halt implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Common common;

        @Override
        public Integer call() throws Exception {
            return publish(common, OperatorAction.OPERATOR_HALT, "");
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
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

    static Envelope command(Common c, OperatorAction action, String rule, Instant now) {
        String id = c.commandId != null ? c.commandId : "cmd-" + UUID.randomUUID();
        return Envelope.newBuilder().setEventId(id).setSource("riskplane-cli")
                .setEventTime(ProtoTime.fromMillis(now.toEpochMilli()))
                .setOperatorCommand(OperatorCommand.newBuilder().setCommandId(id).setAction(action)
                        .setScope(Scope.newBuilder().setOrg(c.org).setStrategy(c.strategy).setInstrument(c.instrument)
                                .setVenue(c.venue).setAdapter(c.adapter).setLane(c.lane))
                        .setRuleId(rule).setOperatorId(c.operator).setReason(c.reason).setTicket(c.ticket))
                .build();
    }

    static int publish(Common c, OperatorAction action, String rule) throws Exception {
        Envelope signed = OperatorCommands.sign(command(c, action, rule, Instant.now()),
                new SigningKey(c.operator, c.key.env, c.key.file).load());
        Properties client = new Properties();
        client.putAll(c.kafkaProperties);
        try (EnvelopePublisher p = new EnvelopePublisher(c.bootstrap, client)) {
            p.send(Topics.OPERATOR, signed, signed.toByteArray());
            p.flush();
        }
        System.out.printf("%s %s published to %s on %s (operator %s): watch the control topic for its rule %s event%n",
                action == OperatorAction.OPERATOR_HALT ? "halt" : "resume",
                signed.getOperatorCommand().getCommandId(), Topics.OPERATOR, c.bootstrap, c.operator,
                action == OperatorAction.OPERATOR_HALT ? "operator.halt" : "operator.resume");
        return 0;
    }
}
