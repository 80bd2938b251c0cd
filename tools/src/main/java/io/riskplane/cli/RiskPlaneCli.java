package io.riskplane.cli;

import io.riskplane.archive.ArchiveCommand;
import io.riskplane.service.AlertsCommand;
import io.riskplane.service.ClickHouseCommand;
import io.riskplane.service.IcebergCommand;
import io.riskplane.service.SchemaCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `riskplane` command line. */
@Command(
        name = "riskplane",
        mixinStandardHelpOptions = true,
        version = "riskplane 0.1.0",
        description = "Stream-processing analytics and risk plane for automated trading.",
        subcommands = {
            DemoCommand.class,
            RunCommand.class,
            ReplayCommand.class,
            ProduceCommand.class,
            ControlCommand.class,
            ExplainCommand.class,
            SchemaCommand.class,
            ClickHouseCommand.class,
            ArchiveCommand.class,
            IcebergCommand.class,
            AlertsCommand.class,
            BenchCommand.class,
            DiffCommand.class,
            CommandLine.HelpCommand.class
        })
public final class RiskPlaneCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        io.riskplane.plane.PlaneRuntime.exit(code);
    }

    static CommandLine commandLine() {
        return new CommandLine(new RiskPlaneCli()).setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("riskplane " + cmd.getCommandName() + ": " + describe(ex));
            if (System.getenv("RISKPLANE_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            } else {
                cmd.getErr().println("(set RISKPLANE_DEBUG=1 for the stack trace)");
            }
            return 1;
        });
    }

    /** The chain of causes in one line: what failed, and why. */
    static String describe(Throwable ex) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = ex; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (t instanceof java.nio.file.NoSuchFileException) {
                m = "no such file: " + m;
            }
            if (sb.indexOf(m) < 0) {
                if (sb.length() > 0) {
                    sb.append(" <- ");
                }
                sb.append(m);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return sb.toString();
    }
}
