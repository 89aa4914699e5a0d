package dev.parley.http;

import dev.parley.core.Failure;
import dev.parley.core.Ids;
import dev.parley.core.Json;
import io.javalin.http.Context;

/** Small helpers every resource uses to read path ids and write JSON answers. */
public final class Replies {
    private Replies() {}

    public static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    public static void noContent(Context ctx) {
        ctx.status(204).result("");
    }

    /**
     * The path parameter {@code name} as an id of type {@code prefix}. A malformed id cannot exist, so it
     * answers 404 exactly like a missing or foreign one.
     */
    public static String pathId(Context ctx, String name, String prefix, String what) {
        String id = ctx.pathParam(name);
        if (!Ids.looksLike(prefix, id)) {
            throw new Failure.NotFound(what);
        }
        return id;
    }
}
