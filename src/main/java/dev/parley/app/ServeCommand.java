package dev.parley.app;

import dev.parley.core.StopSignal;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code parley serve}: runs a node until SIGTERM or SIGINT, then stops in order (stop accepting, let
 * in-flight requests finish within the grace period, close the database) and exits 0.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the HTTP API and delivery workers.")
final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Mixin
    CommonOptions common;

    @Option(names = "--port", description = "Listen port (PARLEY_PORT, default 8080; 0 picks a free one).")
    Integer port;

    @Option(names = "--host", description = "Listen address (PARLEY_HOST, default 127.0.0.1).")
    String host;

    @Option(names = "--role", description = "all, api or worker (PARLEY_ROLE, default all).")
    String role;

    @Option(names = "--base-url", description = "Public URL for callbacks and links (PARLEY_BASE_URL).")
    String baseUrl;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> flags = new HashMap<>();
        CommonOptions.put(flags, "PARLEY_PORT", port);
        CommonOptions.put(flags, "PARLEY_HOST", host);
        CommonOptions.put(flags, "PARLEY_ROLE", role);
        CommonOptions.put(flags, "PARLEY_BASE_URL", baseUrl);
        Config config = common.resolve(flags);
        long started = System.nanoTime();
        Parley parley = Parley.serve(config);
        StopSignal stop = StopSignal.install();
        log.info("Ready in {} ms", (System.nanoTime() - started) / 1_000_000);
        StopSignal.announceReady(parley.port());
        stop.await();
        log.info("Shutting down (grace {})", config.shutdownGrace());
        parley.close();
        log.info("Stopped");
        return 0;
    }
}
