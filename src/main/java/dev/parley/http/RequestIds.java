package dev.parley.http;

import dev.parley.core.Tokens;
import io.javalin.http.Context;
import java.util.regex.Pattern;

/** Request ids: an acceptable incoming {@code X-Request-Id} is kept, otherwise one is made. */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    private static final String ATTRIBUTE = "parley.requestId";
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private RequestIds() {}

    static String assign(Context ctx) {
        String incoming = ctx.header(HEADER);
        String id = incoming != null && VALID.matcher(incoming).matches() ? incoming : fresh();
        ctx.attribute(ATTRIBUTE, id);
        ctx.header(HEADER, id);
        return id;
    }

    /** A new request id, for a request that brought none (or an unacceptable one). */
    static String fresh() {
        return Tokens.random("req_", 12);
    }

    public static String of(Context ctx) {
        String id = ctx.attribute(ATTRIBUTE);
        return id != null ? id : assign(ctx);
    }
}
