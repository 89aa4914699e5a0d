package dev.parley.simulator;

import dev.parley.core.StopSignal;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code parley simulator}: runs the provider simulator until SIGTERM or SIGINT, then exits 0. Prints one
 * line on stdout when listening, {@code {"event":"ready","port":N}}; logs go to stderr.
 */
@Command(name = "simulator", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run the provider simulator: answers like a provider and keeps a ledger of what it accepted.")
public final class SimulatorCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(SimulatorCommand.class);

    @Option(names = "--port", defaultValue = "8090", description = "Listen port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Listen address (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--latency-ms", defaultValue = "0", description = "Delay before every answer (default ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--jitter-ms", defaultValue = "0", description = "Extra delay, uniform in [0, N] (default ${DEFAULT-VALUE}).")
    long jitterMs;

    @Option(names = "--fail-rate", defaultValue = "0", description = "Fraction answered 503 and not recorded (default ${DEFAULT-VALUE}).")
    double failRate;

    @Option(names = "--timeout-rate", defaultValue = "0",
            description = "Fraction recorded but answered only after --timeout-ms (default ${DEFAULT-VALUE}).")
    double timeoutRate;

    @Option(names = "--timeout-ms", defaultValue = "30000", description = "How late a timed-out request is answered (default ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(names = "--rate-limit", defaultValue = "0",
            description = "Accepted requests per second; 429 with Retry-After: 1 beyond (default ${DEFAULT-VALUE}: unlimited).")
    int rateLimit;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the per-request draws (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--require-auth", paramLabel = "VALUE",
            description = "Answer 401 to /send requests whose Authorization header is not exactly VALUE.")
    String requireAuth;

    @Option(names = "--delivered-rate", defaultValue = "1.0", description = "Fraction of receipts that say delivered (for callbacks; default ${DEFAULT-VALUE}).")
    double deliveredRate;

    @Option(names = "--reply-rate", defaultValue = "0", description = "Fraction of messages that get an inbound reply (for callbacks; default ${DEFAULT-VALUE}).")
    double replyRate;

    @Option(names = "--reply-text", defaultValue = "STOP", description = "Text of inbound replies (default ${DEFAULT-VALUE}).")
    String replyText;

    @Option(names = "--callbacks-to", paramLabel = "URL", description = "Where receipts and replies are posted.")
    String callbacksTo;

    @Override
    public Integer call() throws InterruptedException {
        SimulatorOptions options = new SimulatorOptions(host, port, latencyMs, jitterMs, failRate, timeoutRate, timeoutMs,
                rateLimit, seed, requireAuth, deliveredRate, replyRate, replyText, callbacksTo);
        try (Simulator simulator = Simulator.start(options)) {
            StopSignal stop = StopSignal.install();
            StopSignal.announceReady(simulator.port());
            stop.await();
            log.info("Simulator stopping; ledger holds {} accepted requests", simulator.ledger().entries().size());
        }
        log.info("Simulator stopped");
        return 0;
    }
}
