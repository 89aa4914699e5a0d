package dev.parley.http;

import dev.parley.core.Failure;
import dev.parley.core.Json;
import dev.parley.db.SqlStates;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes RFC 9457 {@code application/problem+json} answers; the only place that shapes an error. */
public final class Problems {
    public static final String CONTENT_TYPE = "application/problem+json";

    private Problems() {}

    public static void write(Context ctx, int status, String type, String title, String detail) {
        write(ctx, status, type, title, detail, List.of(), Map.of());
    }

    public static void write(Context ctx, int status, String type, String title, String detail,
                             List<Failure.FieldError> errors, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "/problems/" + type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", ctx.path());
        body.put("requestId", RequestIds.of(ctx));
        if (!errors.isEmpty()) {
            body.put("errors", errors);
        }
        body.putAll(extra);
        ctx.status(status).contentType(CONTENT_TYPE).result(Json.write(body));
    }

    /**
     * Answers 503 with {@code Retry-After: 1} when {@code e} is the database ending this request's transaction to let
     * a concurrent one go on (PostgreSQL's deadlock 40P01 or serialization failure 40001): the transaction was rolled
     * back, so nothing of the request was saved, and the same request can simply be sent again. Returns false for
     * anything else.
     */
    public static boolean writeIfContended(Context ctx, Throwable e) {
        if (!SqlStates.causedBy(e, SqlStates.DEADLOCK, SqlStates.SERIALIZATION_FAILURE)) {
            return false;
        }
        ctx.header("Retry-After", "1");
        write(ctx, 503, "contended", "Contended", "a concurrent change to the same records stopped this request;"
                + " nothing of it was saved, and it can be sent again", List.of(), Map.of("retryAfterSeconds", 1));
        return true;
    }

    /** Maps a domain failure to its answer. */
    public static void write(Context ctx, Failure failure) {
        switch (failure) {
            case Failure.Invalid f -> write(ctx, 400, "validation", "Invalid request", f.getMessage(), f.errors(), Map.of());
            case Failure.NotFound f -> write(ctx, 404, "not-found", "Not found", f.getMessage());
            case Failure.Conflict f -> {
                Map<String, Object> extra = new LinkedHashMap<>();
                if (f.currentState() != null) {
                    extra.put("currentState", f.currentState());
                }
                write(ctx, 409, "conflict", "Conflict", f.getMessage(), List.of(), extra);
            }
            case Failure.Forbidden f -> write(ctx, 403, "forbidden", "Forbidden", f.getMessage());
            case Failure.Unauthenticated f -> {
                ctx.header("WWW-Authenticate", "Bearer realm=\"parley\"");
                write(ctx, 401, "unauthenticated", "Unauthenticated", f.getMessage());
            }
            case Failure.Throttled f -> {
                long seconds = Math.max(1, (f.retryAfter().toMillis() + 999) / 1000);
                ctx.header("Retry-After", Long.toString(seconds));
                write(ctx, 429, "too-many-requests", "Too many requests", f.getMessage(),
                        List.of(), Map.of("retryAfterSeconds", seconds));
            }
            case Failure.KeyReused f -> write(ctx, 422, "idempotency-key-reused", "Idempotency key reused", f.getMessage());
        }
    }
}
