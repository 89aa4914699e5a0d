package dev.parley.simulator;

import dev.parley.core.Json;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider simulator's HTTP server: {@code POST /send}, the ledger endpoints and {@code /health}. It
 * shares nothing with Parley's own server (no auth, no problem answers): it plays a provider, and its
 * ledger is what tests judge Parley by. Handlers run on virtual threads, so latency is a plain sleep.
 */
public final class Simulator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Simulator.class);
    /** Stopping does not wait for open requests: a late answer still pending is cut off, as a crashed provider would. */
    private static final long STOP_TIMEOUT_MS = 0;

    private final SimulatorOptions options;
    private final Ledger ledger = new Ledger();
    private final Sends sends;
    private final TwilioDialect twilio;
    private Javalin app;

    private Simulator(SimulatorOptions options, SimClock clock) {
        this.options = options;
        this.sends = new Sends(options, ledger, clock);
        this.twilio = new TwilioDialect(options, ledger, clock);
    }

    /** Starts a simulator; port 0 picks a free port, which {@link #port()} then tells. */
    public static Simulator start(SimulatorOptions options) {
        return start(options, SimClock.system());
    }

    static Simulator start(SimulatorOptions options, SimClock clock) {
        Simulator simulator = new Simulator(options, clock);
        simulator.app = Javalin.create(simulator::configure);
        simulator.app.start(options.host(), options.port());
        log.info("Simulator listening on {}:{} ({})", options.host(), simulator.port(), options);
        return simulator;
    }

    public int port() {
        return app.port();
    }

    public Ledger ledger() {
        return ledger;
    }

    @Override
    public void close() {
        app.stop();
        twilio.close();
    }

    private void configure(JavalinConfig cfg) {
        cfg.concurrency.useVirtualThreads = true;
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        cfg.http.generateEtags = false;
        cfg.http.prefer405over404 = true;
        cfg.jetty.modifyServer(server -> server.setStopTimeout(STOP_TIMEOUT_MS));

        cfg.routes.post("/send", sends::handle);
        cfg.routes.post(TwilioDialect.PATH, twilio::handle);
        new SendGridDialect(options, sends, ledger).register(cfg);
        cfg.routes.get("/ledger/summary", ctx -> json(ctx, Json.write(ledger.summary())));
        cfg.routes.get("/ledger", this::writeLedger);
        cfg.routes.post("/ledger/reset", ctx -> {
            ledger.reset();
            ctx.status(204);
        });
        cfg.routes.get("/health", ctx -> json(ctx, "{\"status\":\"up\"}"));

        cfg.routes.exception(Exception.class, (e, ctx) -> {
            log.error("Unhandled error on {} {}", ctx.method(), ctx.path(), e);
            Sends.error(ctx, 500, "internal error: " + e.getClass().getSimpleName());
        });
        cfg.routes.error(404, ctx -> Sends.error(ctx, 404, "no endpoint " + ctx.method() + " " + ctx.path()));
        cfg.routes.error(405, ctx -> Sends.error(ctx, 405, ctx.method() + " is not allowed on " + ctx.path()));
    }

    private void writeLedger(Context ctx) throws IOException {
        ctx.contentType("application/x-ndjson");
        Writer out = new BufferedWriter(new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8), 64 * 1024);
        for (LedgerEntry entry : ledger.entries()) {
            out.write(Json.write(entry.toJson()));
            out.write('\n');
        }
        out.flush();
    }

    private static void json(Context ctx, String body) {
        ctx.contentType("application/json").result(body);
    }

    @Override
    public String toString() {
        return "Simulator[" + options.host() + ":" + port() + "]";
    }
}
