package dev.parley.http;

import dev.parley.core.Principal;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;

/**
 * The table of {@code /v1} routes. Resource packages add their routes here with the access each needs;
 * {@link HttpServer} wraps every handler with authentication, role checks, CSRF, rate limiting and
 * (for creates) idempotency, so a resource cannot forget one. The table is also what the OpenAPI test
 * compares against the document.
 */
public final class Api {
    /** A route handler: it receives the caller, established before it runs. */
    @FunctionalInterface
    public interface Handler {
        void handle(Context ctx, Principal who) throws Exception;
    }

    /**
     * One registered route. {@code idempotent} routes accept {@code Idempotency-Key}. {@code upload} routes
     * take a file body up to {@code PARLEY_MAX_IMPORT_BYTES}, which the handler streams to disk with
     * {@link Uploads}; every other route's body is limited to {@code PARLEY_MAX_BODY_BYTES}.
     */
    public record Route(HandlerType method, String path, Access access, boolean idempotent, Handler handler, boolean upload) {}

    private final List<Route> routes = new ArrayList<>();

    public Api get(String path, Access access, Handler handler) {
        return add(HandlerType.GET, path, access, false, handler);
    }

    public Api post(String path, Access access, Handler handler) {
        return add(HandlerType.POST, path, access, false, handler);
    }

    /** A create-type POST: an {@code Idempotency-Key} header makes a repeat replay the first answer. */
    public Api create(String path, Access access, Handler handler) {
        return add(HandlerType.POST, path, access, true, handler);
    }

    /** A POST whose body is a file ({@code text/csv} or multipart), read with {@link Uploads}. */
    public Api upload(String path, Access access, Handler handler) {
        return add(HandlerType.POST, path, access, false, handler, true);
    }

    /** A create-type {@link #upload}: accepts {@code Idempotency-Key}. */
    public Api createUpload(String path, Access access, Handler handler) {
        return add(HandlerType.POST, path, access, true, handler, true);
    }

    public Api put(String path, Access access, Handler handler) {
        return add(HandlerType.PUT, path, access, false, handler);
    }

    public Api patch(String path, Access access, Handler handler) {
        return add(HandlerType.PATCH, path, access, false, handler);
    }

    public Api delete(String path, Access access, Handler handler) {
        return add(HandlerType.DELETE, path, access, false, handler);
    }

    private Api add(HandlerType method, String path, Access access, boolean idempotent, Handler handler) {
        return add(method, path, access, idempotent, handler, false);
    }

    private Api add(HandlerType method, String path, Access access, boolean idempotent, Handler handler, boolean upload) {
        if (!path.startsWith("/v1/") && !path.startsWith("/hooks/") && !path.startsWith("/u/")) {
            throw new IllegalArgumentException("API routes live under /v1 (provider callbacks under /hooks, unsubscribe pages under /u): " + path);
        }
        for (Route r : routes) {
            if (r.method() == method && r.path().equals(path)) {
                throw new IllegalArgumentException("route registered twice: " + method + " " + path);
            }
        }
        routes.add(new Route(method, path, access, idempotent, handler, upload));
        return this;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }
}
