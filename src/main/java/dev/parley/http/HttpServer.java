package dev.parley.http;

import dev.parley.core.Failure;
import dev.parley.core.Json;
import dev.parley.core.Principal;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Javalin set-up and everything every request shares: request ids, security headers, body limits,
 * problem answers, metrics, and the wrapper that authenticates and authorises each {@link Api} route.
 */
public final class HttpServer {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    private static final Set<HandlerType> UNSAFE = Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE);
    /** The API reference (Swagger UI) needs inline styles; everything else gets the dashboard's stricter policy. */
    private static final String DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            + "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    /** What the HTTP layer needs from configuration. */
    public record Settings(String host, int port, long maxBodyBytes, long maxUploadBytes, boolean trustProxy,
                           boolean https, Duration shutdownGrace) {}

    private final Settings settings;
    private final Api api;
    private final Authenticator authenticator;
    private final Idempotency idempotency;
    private final RateLimiter rateLimiter;
    private final Health health;
    private final PrometheusMeterRegistry meters;
    private final Set<String> uploadPaths;
    private Javalin app;

    public HttpServer(Settings settings, Api api, Authenticator authenticator, Idempotency idempotency,
                      RateLimiter rateLimiter, Health health, PrometheusMeterRegistry meters) {
        this.settings = settings;
        this.api = api;
        this.authenticator = authenticator;
        this.idempotency = idempotency;
        this.rateLimiter = rateLimiter;
        this.health = health;
        this.meters = meters;
        this.uploadPaths = api.routes().stream().filter(Api.Route::upload).map(Api.Route::path)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    public HttpServer start() {
        app = Javalin.create(this::configure);
        app.start(settings.host(), settings.port());
        return this;
    }

    public int port() {
        return app.port();
    }

    public void stop() {
        if (app != null) {
            app.stop();
        }
    }

    private void configure(JavalinConfig cfg) {
        cfg.concurrency.useVirtualThreads = true;
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        cfg.http.maxRequestSize = settings.maxBodyBytes();
        cfg.http.prefer405over404 = true;
        cfg.http.generateEtags = false;
        cfg.router.ignoreTrailingSlashes = true;
        cfg.jsonMapper(new JavalinJackson(Json.mapper(), true));
        cfg.staticFiles.enableWebjars();
        dev.parley.web.Dashboard.serve(cfg);
        cfg.jetty.modifyServer(server -> {
            server.setStopTimeout(settings.shutdownGrace().toMillis());
            server.setErrorHandler(new JettyProblems());
        });

        cfg.routes.before(this::beforeEveryRequest);
        cfg.requestLogger.http(this::afterEveryRequest);

        for (Api.Route route : api.routes()) {
            cfg.routes.addHttpHandler(route.method(), route.path(), ctx -> handle(route, ctx));
        }
        registerOperations(cfg);
        registerErrorMapping(cfg);
    }

    private void beforeEveryRequest(Context ctx) {
        String requestId = RequestIds.assign(ctx);
        ctx.attribute(CLIENT_ADDRESS, clientAddress(ctx, settings.trustProxy()));
        MDC.clear();
        MDC.put("requestId", requestId);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Content-Security-Policy", ctx.path().startsWith("/docs") ? DOCS_CSP : dev.parley.web.Dashboard.POLICY);
        if (settings.https()) {
            ctx.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        }
        if (ctx.path().startsWith("/v1/") || ctx.path().startsWith("/hooks/") || ctx.path().startsWith("/u/")) {
            ctx.header("Cache-Control", "no-store");
            // The long form: the int one answers -1 for a length beyond 2 GiB, which would let it through.
            long declared = ctx.req().getContentLengthLong();
            long limit = bodyLimit(ctx);
            if (declared > limit) {
                throw new PayloadTooLarge(limit);
            }
        }
        // Javalin decodes path parameters with URLDecoder, which throws on a bad escape such as %uD800.
        if (!decodable(ctx.req().getRequestURI())) {
            throw new Failure.Invalid("path", "malformed", "the path is not valid percent-encoding");
        }
    }

    /**
     * The body limit of a request: upload routes (matched by exact path, since none has a path parameter)
     * stream files up to the import limit; everything else is JSON up to the body limit, which Javalin
     * also enforces on chunked bodies as they are read.
     */
    private long bodyLimit(Context ctx) {
        String path = ctx.path().endsWith("/") ? ctx.path().substring(0, ctx.path().length() - 1) : ctx.path();
        return ctx.method() == HandlerType.POST && uploadPaths.contains(path) ? settings.maxUploadBytes() : settings.maxBodyBytes();
    }

    private static final String CLIENT_ADDRESS = "parley.clientAddress";

    private static boolean decodable(String rawPath) {
        if (rawPath == null || rawPath.indexOf('%') < 0) {
            return true;
        }
        try {
            java.net.URLDecoder.decode(rawPath, StandardCharsets.UTF_8);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The caller's address: the socket peer, or the first {@code X-Forwarded-For} hop behind a trusted proxy. */
    public static String clientAddress(Context ctx) {
        String address = ctx.attribute(CLIENT_ADDRESS);
        return address != null ? address : ctx.req().getRemoteAddr();
    }

    private static String clientAddress(Context ctx, boolean trustProxy) {
        if (trustProxy) {
            String forwarded = ctx.header("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) {
                String first = forwarded.split(",", 2)[0].trim();
                if (!first.isEmpty() && first.length() <= 64) {
                    return first;
                }
            }
        }
        return ctx.req().getRemoteAddr();
    }

    private void afterEveryRequest(Context ctx, Float millis) {
        var endpoint = ctx.endpoints().lastHttpEndpoint();
        String route = endpoint == null ? "unmatched" : endpoint.path;
        Timer.builder("http.server.requests")
                .tag("method", ctx.method().name())
                .tag("route", route)
                .tag("status", Integer.toString(ctx.statusCode()))
                .register(meters)
                .record((long) (millis * 1000), TimeUnit.MICROSECONDS);
        if (log.isDebugEnabled()) {
            log.debug("{} {} -> {} in {} ms", ctx.method(), ctx.path(), ctx.statusCode(), String.format("%.1f", millis));
        }
        MDC.clear();
    }

    private void handle(Api.Route route, Context ctx) throws Exception {
        Principal who = null;
        if (!(route.access() instanceof Access.Open)) {
            who = authenticator.authenticate(ctx)
                    .orElseThrow(() -> new Failure.Unauthenticated("send Authorization: Bearer <API key or session token>"));
            authorise(route.access(), who);
            if (who.viaCookie() && UNSAFE.contains(route.method())) {
                String csrf = ctx.header("X-CSRF-Token");
                if (who.csrfToken() == null || !dev.parley.core.Tokens.constantTimeEquals(csrf, who.csrfToken())) {
                    throw new Failure.Forbidden("a cookie-authenticated write must carry X-CSRF-Token");
                }
            }
            Duration wait = rateLimiter.take(who.credentialId());
            if (!wait.isZero()) {
                throw new Failure.Throttled("request rate limit exceeded for this credential", wait);
            }
            MDC.put("actor", who.actorId());
        }
        final Principal caller = who;
        if (route.idempotent() && caller != null) {
            String scope = caller.tenantId() != null ? caller.tenantId() : "platform";
            idempotency.run(ctx, scope, caller.actorId(), route.upload(), () -> route.handler().handle(ctx, caller));
        } else {
            route.handler().handle(ctx, caller);
        }
    }

    private static void authorise(Access access, Principal who) {
        switch (access) {
            case Access.Open open -> { }
            case Access.Authenticated any -> { }
            case Access.Operator op -> {
                if (!who.operator()) {
                    throw new Failure.Forbidden("only a platform operator may do this");
                }
            }
            case Access.TenantRole needed -> {
                if (who.operator()) {
                    throw new Failure.Forbidden("operators manage tenants; this needs a tenant credential");
                }
                if (!who.atLeast(needed.role())) {
                    throw new Failure.Forbidden("this needs the " + needed.role().wire() + " role or higher");
                }
            }
        }
    }

    private void registerOperations(JavalinConfig cfg) {
        cfg.routes.get("/health", ctx -> ctx.json(Map.of("status", "up")));
        cfg.routes.get("/health/ready", ctx -> {
            Map<String, Health.Check> checks = health.run();
            boolean ready = checks.values().stream().allMatch(Health.Check::ok);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", ready ? "ready" : "not ready");
            body.put("checks", checks);
            ctx.status(ready ? 200 : 503).json(body);
        });
        cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(meters.scrape()));
        cfg.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(resource("/openapi.json")));
        cfg.routes.get("/docs", ctx -> ctx.contentType("text/html; charset=utf-8").result(resource("/web/docs.html")));
        cfg.routes.get("/docs/docs.js", ctx -> ctx.contentType("text/javascript; charset=utf-8").result(resource("/web/docs.js")));
    }

    private static String resource(String path) throws java.io.IOException {
        try (InputStream in = HttpServer.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void registerErrorMapping(JavalinConfig cfg) {
        cfg.routes.exception(Failure.class, (e, ctx) -> Problems.write(ctx, e));
        cfg.routes.exception(Bodies.UnsupportedMediaType.class, (e, ctx) ->
                Problems.write(ctx, 415, "unsupported-media-type", "Unsupported media type", e.getMessage()));
        cfg.routes.exception(PayloadTooLarge.class, (e, ctx) ->
                Problems.write(ctx, 413, "payload-too-large", "Payload too large", e.getMessage()));
        cfg.routes.exception(HttpResponseException.class, (e, ctx) -> {
            int status = e.getStatus();
            String type = switch (status) {
                case 404 -> "not-found";
                case 405 -> "method-not-allowed";
                case 413 -> "payload-too-large";
                default -> "http-" + status;
            };
            String title = switch (status) {
                case 404 -> "Not found";
                case 405 -> "Method not allowed";
                case 413 -> "Payload too large";
                default -> e.getMessage();
            };
            Problems.write(ctx, status, type, title, detailFor(status, e.getMessage()));
        });
        cfg.routes.exception(Exception.class, (e, ctx) -> {
            if (Problems.writeIfContended(ctx, e)) {
                log.info("{} {} lost a race with a concurrent writer: {}", ctx.method(), ctx.path(), e.getMessage());
                return;
            }
            log.error("Unhandled error on {} {}", ctx.method(), ctx.path(), e);
            Problems.write(ctx, 500, "internal", "Internal error",
                    "an unexpected error occurred; quote the request id when reporting it");
        });
        cfg.routes.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                Problems.write(ctx, 404, "not-found", "Not found", "no resource at " + ctx.path());
            }
        });
        cfg.routes.error(405, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty() || !ctx.res().getContentType().startsWith(Problems.CONTENT_TYPE)) {
                Problems.write(ctx, 405, "method-not-allowed", "Method not allowed", ctx.method() + " is not allowed on " + ctx.path());
            }
        });
    }

    private String detailFor(int status, String message) {
        if (status == 413) {
            return "the body is larger than the limit of " + settings.maxBodyBytes() + " bytes";
        }
        return message;
    }

    /**
     * Answers the errors Jetty raises itself, before any route runs (a malformed request line, path or
     * header), as problems like every other error, with a fresh request id, instead of Jetty's HTML page
     * (or, for methods other than GET and POST, an empty body).
     */
    static final class JettyProblems extends ErrorHandler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = response.getStatus();
            String message = (String) request.getAttribute(ERROR_MESSAGE);
            if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException http) {
                status = http.getCode();
                response.setStatus(status);
                if (message == null) {
                    message = http.getReason();
                }
            }
            if (status < 400 || HttpStatus.hasNoBody(status)) {
                callback.succeeded();
                return true;
            }
            String type = switch (status) {
                case 400 -> "validation";
                case 404 -> "not-found";
                case 405 -> "method-not-allowed";
                case 413 -> "payload-too-large";
                case 414 -> "uri-too-long";
                case 415 -> "unsupported-media-type";
                case 431 -> "headers-too-large";
                case 500 -> "internal";
                default -> "http-" + status;
            };
            String title = HttpStatus.getMessage(status);
            String requestId = RequestIds.fresh();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("type", "/problems/" + type);
            body.put("title", title);
            body.put("status", status);
            body.put("detail", status >= 500 || message == null ? title : message);
            body.put("requestId", requestId);
            var headers = response.getHeaders();
            headers.put("Content-Type", Problems.CONTENT_TYPE);
            headers.put(RequestIds.HEADER, requestId);
            headers.put("X-Content-Type-Options", "nosniff");
            headers.put("Referrer-Policy", "no-referrer");
            headers.put("X-Frame-Options", "DENY");
            headers.put("Cache-Control", "no-store");
            response.write(true, ByteBuffer.wrap(Json.write(body).getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }

    /** 413: the declared or actual body is over the configured limit. */
    public static final class PayloadTooLarge extends RuntimeException {
        public PayloadTooLarge(long limit) {
            super("the body is larger than the limit of " + limit + " bytes", null, false, false);
        }
    }
}
