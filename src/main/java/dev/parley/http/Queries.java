package dev.parley.http;

import dev.parley.core.Failure;
import dev.parley.core.Ids;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Query-string filters read strictly: a value that cannot be right is a 400 naming the parameter, never ignored. */
public final class Queries {
    private Queries() {}

    /** The parameter, or null; {@code valid} says whether a present value is one of the allowed ones. */
    public static String oneOf(Context ctx, String name, boolean valid) {
        String v = ctx.queryParam(name);
        if (v != null && !valid) {
            throw new Failure.Invalid(name, "invalid", name + " has no such value: " + truncate(v));
        }
        return v;
    }

    /** An id of the given prefix, or null. */
    public static String id(Context ctx, String name, String prefix) {
        String v = ctx.queryParam(name);
        if (v != null && !Ids.looksLike(prefix, v)) {
            throw new Failure.Invalid(name, "invalid", name + " is not a " + prefix + "_ id");
        }
        return v;
    }

    /** An RFC 3339 instant, or null. */
    public static Instant instant(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new Failure.Invalid(name, "invalid", name + " must be an RFC 3339 timestamp such as 2026-01-31T09:30:00Z");
        }
    }

    private static String truncate(String v) {
        return v.length() > 40 ? v.substring(0, 40) + "…" : v;
    }
}
