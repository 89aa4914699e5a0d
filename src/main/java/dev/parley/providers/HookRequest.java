package dev.parley.providers;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One provider callback as it arrived.
 *
 * @param kind    the last path segment: {@code status}, {@code inbound} or {@code events}
 * @param url     the full public URL the provider called, as it signed it: {@code PARLEY_BASE_URL} +
 *                path + {@code ?query} when there is one
 * @param headers header names in lower case, each with its values in order
 * @param body    the raw body, exactly as received (signatures cover bytes, not parsed JSON)
 */
public record HookRequest(String kind, String url, String method, Map<String, List<String>> headers, byte[] body) {
    /** The first value of a header, or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
