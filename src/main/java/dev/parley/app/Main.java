package dev.parley.app;

import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code parley}: the one entry point. Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error. */
@Command(name = "parley", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Self-hosted messaging over SMS and email with a durable delivery ledger.",
        subcommands = {ServeCommand.class, MigrateCommand.class, TenantCommand.class, OperatorCommand.class, ImportCommand.class, DemoCommand.class,
                dev.parley.bench.BenchCommand.class, dev.parley.simulator.SimulatorCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((e, arguments) -> {
            e.getCommandLine().getErr().println("parley: " + e.getMessage() + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException) {
                cmd.getErr().println("parley: " + e.getMessage());
                return 2;
            }
            if (e instanceof dev.parley.core.Failure.Invalid invalid) {
                cmd.getErr().println("parley: " + invalid.errors().stream().map(dev.parley.core.Failure.FieldError::message)
                        .collect(java.util.stream.Collectors.joining("; ")));
                return 2;
            }
            if (e instanceof dev.parley.core.Failure f) {
                cmd.getErr().println("parley: " + f.getMessage());
                return 1;
            }
            cmd.getErr().println("parley: " + e);
            org.slf4j.LoggerFactory.getLogger(Main.class).error("Command failed", e);
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command, for example 'parley serve'");
    }

    public static String version() {
        try (InputStream in = Main.class.getResourceAsStream("/parley-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"parley " + version()};
        }
    }
}
