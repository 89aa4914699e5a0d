package dev.parley.http;

import dev.parley.core.Failure;
import dev.parley.core.Tokens;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Cursor pagination. A cursor is the last id of the previous page, signed with the server key so a
 * client cannot forge or alter it (a tampered cursor is a 400). Lists are ordered newest first by id.
 */
public final class Pages {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    private final byte[] key;

    public Pages(byte[] key) {
        this.key = key.clone();
    }

    /** What the client asked for: at most {@code limit} items with id below {@code before} (null: from the top). */
    public record Request(int limit, String before) {}

    /** One page of an answer, as sent: {@code {"data": [...], "nextCursor": "..."|null}}. */
    public record Page<T>(List<T> data, String nextCursor) {}

    public Request request(Context ctx) {
        int limit = DEFAULT_LIMIT;
        String rawLimit = ctx.queryParam("limit");
        if (rawLimit != null) {
            try {
                limit = Integer.parseInt(rawLimit);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new Failure.Invalid("limit", "range", "limit must be a whole number from 1 to " + MAX_LIMIT);
            }
        }
        String cursor = ctx.queryParam("cursor");
        return new Request(limit, cursor == null || cursor.isEmpty() ? null : decode(cursor));
    }

    /** Builds the page from up to {@code limit + 1} rows fetched in order; the extra row signals a next page. */
    public <T> Page<T> page(List<T> rows, Request request, Function<T, String> idOf) {
        if (rows.size() <= request.limit()) {
            return new Page<>(rows, null);
        }
        List<T> data = rows.subList(0, request.limit());
        return new Page<>(List.copyOf(data), encode(idOf.apply(data.getLast())));
    }

    String encode(String lastId) {
        String body = Base64.getUrlEncoder().withoutPadding().encodeToString(lastId.getBytes(StandardCharsets.UTF_8));
        return body + "." + Tokens.hmacBase64(key, "cursor:" + body).substring(0, 22);
    }

    String decode(String cursor) {
        int dot = cursor.indexOf('.');
        if (dot <= 0 || cursor.length() > 200) {
            throw tampered();
        }
        String body = cursor.substring(0, dot);
        String mac = cursor.substring(dot + 1);
        if (!Tokens.constantTimeEquals(mac, Tokens.hmacBase64(key, "cursor:" + body).substring(0, 22))) {
            throw tampered();
        }
        try {
            return new String(Base64.getUrlDecoder().decode(body), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw tampered();
        }
    }

    private static Failure.Invalid tampered() {
        return new Failure.Invalid("cursor", "invalid", "cursor is not one this server issued");
    }
}
