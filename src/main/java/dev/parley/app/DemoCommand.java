package dev.parley.app;

import dev.parley.core.StopSignal;
import dev.parley.simulator.Simulator;
import dev.parley.simulator.SimulatorOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code parley demo}: everything a newcomer needs in one command (SPEC §1). Starts the provider simulator
 * (Twilio and SendGrid dialects) and Parley on the embedded database in {@code ./parley-demo}, sets up a
 * demo tenant through the API ({@link DemoSetup}), prints how to use it, and runs until Ctrl-C or SIGTERM,
 * then stops both and exits 0.
 *
 * <p>The one thing to know: the demo is its own installation. It ignores {@code PARLEY_DATA_DIR},
 * {@code PARLEY_DB_URL}, {@code PARLEY_PORT}, {@code PARLEY_HOST}, {@code PARLEY_BASE_URL} and
 * {@code PARLEY_ROLE} (only its flags set those), so a shell set up for a real Parley cannot point the
 * demo at real data. It listens on 127.0.0.1 only, and its base URL is itself, so the simulator's signed
 * callbacks come back to it.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Try Parley in one command: simulated providers, a demo tenant and 1,000 made-up contacts.",
                "%nRuns the provider simulator (Twilio and SendGrid) and Parley on an embedded database, sets up a demo "
                        + "tenant through the API, and prints the URL, login and API key. Re-running reuses the same data."})
final class DemoCommand implements Callable<Integer> {
    /** How the simulated providers behave: a little slow, mostly delivered, sometimes failing, rarely answered STOP. */
    static final SimulatorOptions SIMULATOR = new SimulatorOptions("127.0.0.1", 0, 40, 60, 0.01, 0, 30_000, 0, 1, null,
            0.95, 0.02, "STOP", null);

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "Parley's port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--simulator-port", paramLabel = "PORT", defaultValue = "8090",
            description = "The provider simulator's port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int simulatorPort;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./parley-demo",
            description = "Embedded database, demo.json and files (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "trace, debug, info, warn or error (PARLEY_LOG_LEVEL, default warn for the demo).")
    String logLevel;

    @Override
    public Integer call() throws InterruptedException {
        checkPort("--port", port);
        checkPort("--simulator-port", simulatorPort);
        if (port != 0 && port == simulatorPort) {
            throw new ConfigException("--simulator-port", "must differ from --port (both are " + port + ")");
        }
        Config config = Config.resolve(flags(), System.getenv());
        Logs.apply(config);
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new ConfigException("--data-dir", "cannot create " + config.dataDir() + ": " + e.getMessage());
        }
        StopSignal stop = StopSignal.install();
        long started = System.nanoTime();
        try (Simulator simulator = start("--simulator-port", simulatorPort, () -> Simulator.start(SIMULATOR.withPort(simulatorPort)));
             Parley parley = start("--port", port, () -> Parley.serve(config))) {
            String parleyUrl = "http://127.0.0.1:" + parley.port();
            String simulatorUrl = "http://127.0.0.1:" + simulator.port();
            DemoSetup setup = new DemoSetup(parley, config.dataDir(), parleyUrl, simulatorUrl, System.out);
            DemoState state;
            try {
                state = setup.run();
            } catch (IllegalStateException e) {
                System.err.println("parley: " + e.getMessage());
                return 1;
            }
            boolean dashboard = new DemoApi(parleyUrl, null).get("/").ok();
            new DemoBanner(System.out).print(state, dataDir, parleyUrl, simulatorUrl, dashboard, setup.campaignsAvailable(),
                    (System.nanoTime() - started) / 1_000_000);
            StopSignal.announceReady(parley.port());
            stop.await();
            System.out.println("Stopping the demo...");
        }
        System.out.println("Stopped. Run the same command again to carry on with the same data.");
        return 0;
    }

    private Map<String, String> flags() {
        Map<String, String> flags = new HashMap<>();
        flags.put("PARLEY_DATA_DIR", dataDir.toString());
        flags.put("PARLEY_DB_URL", "");
        flags.put("PARLEY_HOST", "127.0.0.1");
        flags.put("PARLEY_PORT", Integer.toString(port));
        flags.put("PARLEY_BASE_URL", "http://127.0.0.1:" + port);
        flags.put("PARLEY_ROLE", "all");
        if (logLevel != null) {
            flags.put("PARLEY_LOG_LEVEL", logLevel);
        } else if (System.getenv("PARLEY_LOG_LEVEL") == null) {
            flags.put("PARLEY_LOG_LEVEL", "warn");
        }
        return flags;
    }

    private static void checkPort(String option, int value) {
        if (value < 0 || value > 65_535) {
            throw new ConfigException(option, "must be from 0 to 65535, got " + value);
        }
    }

    /** Starts a server; a port already taken becomes a one-line error naming the option to change. */
    private static <T> T start(String option, int port, Supplier<T> server) {
        try {
            return server.get();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BindException) {
                    throw new ConfigException(option, "port " + port + " is in use; choose another with " + option + " (0 picks a free one)");
                }
            }
            throw e;
        }
    }

    /** What every run prints once it is ready. */
    record DemoBanner(PrintStream out) {
        void print(DemoState state, Path dataDir, String parleyUrl, String simulatorUrl, boolean dashboard,
                   boolean campaigns, long readyMillis) {
            String key = state.apiKey();
            Path file = dataDir.resolve(DemoState.FILE);
            out.printf("%nParley demo is ready (%.1f s). Data: %s%n%n", readyMillis / 1000.0, dataDir);
            out.println(dashboard
                    ? "  Dashboard    " + parleyUrl + "/"
                    : "  Dashboard    not in this build yet; the API reference is at " + parleyUrl + "/docs");
            out.println("  Log in as    " + state.adminEmail() + "  password: " + state.adminPassword());
            out.println("  API key      " + key);
            out.println("  Simulator    " + simulatorUrl + "  (plays Twilio and SendGrid; nothing leaves this machine)");
            out.println("  Its ledger   " + simulatorUrl + "/ledger/summary");
            out.println("  Set up       tenant " + state.tenantId() + ", SMS provider " + state.id("smsProvider").orElse("?")
                    + ", email provider " + state.id("emailProvider").orElse("?") + ",");
            out.println("               list '" + DemoSetup.LIST_NAME + "' " + state.id("list").orElse("?") + " (1,000 contacts), "
                    + "templates " + state.id("smsTemplate").orElse("?") + " and " + state.id("emailTemplate").orElse("?") + ",");
            out.println("               " + state.id("campaign").map(id -> "draft campaign " + id).orElse(campaigns
                    ? "no draft campaign (it could not be made; see the note above)"
                    : "no draft campaign (campaigns are not available in this build)"));
            out.println();
            out.println("Send an SMS to a demo contact, then look at it (status queued -> sent -> delivered):");
            out.println("  curl -s -X POST " + parleyUrl + "/v1/messages -H 'Authorization: Bearer " + key + "' \\");
            out.println("    -H 'Content-Type: application/json' \\");
            out.println("    -d '{\"channel\":\"sms\",\"to\":\"" + DemoContacts.exampleNumber() + "\",\"content\":{\"text\":\"Hello from Parley\"}}'");
            out.println("  curl -s " + parleyUrl + "/v1/messages/MESSAGE_ID -H 'Authorization: Bearer " + key + "'");
            out.println();
            out.println("The password and the API key are also in " + file + " (mode 0600): it holds a credential, keep it private.");
            out.println("Stop with Ctrl-C; run the same command again to carry on with the same data.");
            out.flush();
        }
    }
}
