package dev.parley.providers;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One setting a provider type accepts in its {@code config} object: its kind, default and bounds.
 * {@link #problem} judges a value supplied by a user and never throws; a {@code secret} field is
 * write-only in the API and sealed at rest.
 *
 * @param defaultValue used when the key is absent; null means the setting is optional without a default
 *                     or, when {@code required}, that it must be given
 */
record ConfigField(String name, Kind kind, boolean required, Object defaultValue, long min, long max, boolean secret) {
    enum Kind { INTEGER, RATE, URL, HEADER_NAME, TEXT }

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Set<String> RESTRICTED_HEADERS =
            Set.of("connection", "content-length", "content-type", "expect", "host", "upgrade", "transfer-encoding");

    static ConfigField integer(String name, long defaultValue, long min, long max) {
        return new ConfigField(name, Kind.INTEGER, false, defaultValue, min, max, false);
    }

    /** A probability in [0, 1], default 0. */
    static ConfigField rate(String name) {
        return new ConfigField(name, Kind.RATE, false, 0.0, 0, 1, false);
    }

    /** A required absolute http or https URL of at most {@code maxLength} characters. */
    static ConfigField url(String name, int maxLength) {
        return new ConfigField(name, Kind.URL, true, null, 1, maxLength, false);
    }

    static ConfigField headerName(String name, String defaultValue) {
        return new ConfigField(name, Kind.HEADER_NAME, false, defaultValue, 1, 256, false);
    }

    /** Optional text without control characters, sealed at rest. */
    static ConfigField secret(String name, int maxLength) {
        return new ConfigField(name, Kind.TEXT, false, null, 1, maxLength, true);
    }

    /** What is wrong with {@code value} (never null here: absence is handled by the caller), or null. */
    String problem(Object value) {
        return switch (kind) {
            case INTEGER -> value instanceof Integer || value instanceof Long
                    ? inRange(((Number) value).longValue()) : "must be a whole number";
            case RATE -> value instanceof Number n && isFinite(n)
                    ? (n.doubleValue() >= 0 && n.doubleValue() <= 1 ? null : "must be between 0 and 1")
                    : "must be a number between 0 and 1";
            case URL -> value instanceof String s ? urlProblem(s) : "must be a string";
            case HEADER_NAME -> value instanceof String s ? headerProblem(s) : "must be a string";
            case TEXT -> value instanceof String s ? textProblem(s) : "must be a string";
        };
    }

    private String inRange(long v) {
        return v >= min && v <= max ? null : "must be between " + min + " and " + max;
    }

    private static boolean isFinite(Number n) {
        return Double.isFinite(n.doubleValue());
    }

    private String urlProblem(String s) {
        if (s.isEmpty() || s.length() > max) {
            return "must be 1 to " + max + " characters";
        }
        try {
            URI uri = new URI(s);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return "must be an http or https URL";
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                return "must name a host";
            }
            return uri.getFragment() == null ? null : "must not have a fragment";
        } catch (URISyntaxException e) {
            return "is not a valid URL: " + e.getReason();
        }
    }

    private String headerProblem(String s) {
        if (s.length() > max || !TOKEN.matcher(s).matches()) {
            return "must be an HTTP header name";
        }
        return RESTRICTED_HEADERS.contains(s.toLowerCase(Locale.ROOT)) ? "is a header Parley sets itself" : null;
    }

    private String textProblem(String s) {
        if (s.isEmpty() || s.length() > max) {
            return "must be 1 to " + max + " characters";
        }
        return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f) ? "must not contain control characters" : null;
    }
}
