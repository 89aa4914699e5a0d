package dev.parley.app;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Parley's configuration (SPEC §1), resolved once at start-up: a command-line flag wins over the
 * environment variable, which wins over the default. Every value is checked here, so a wrong one stops
 * start-up with a line naming it instead of failing later.
 */
public record Config(
        Path dataDir,
        String dbUrl,
        String dbUser,
        String dbPassword,
        int dbPoolSize,
        String host,
        int port,
        String baseUrl,
        String secret,
        String role,
        String logFormat,
        String logLevel,
        long maxBodyBytes,
        long maxImportBytes,
        int apiRate,
        Duration sessionTtl,
        int sendConcurrency,
        Duration lease,
        Duration shutdownGrace,
        boolean trustProxy) {

    /** True when no PostgreSQL URL is set and the embedded H2 database in the data dir is used. */
    public boolean embedded() {
        return dbUrl == null;
    }

    public boolean https() {
        return baseUrl.startsWith("https://");
    }

    /**
     * @param flags values given on the command line, keyed by variable name ({@code PARLEY_PORT}); absent
     *              keys fall through to {@code env}
     */
    public static Config resolve(Map<String, String> flags, Map<String, String> env) {
        Source s = new Source(flags, env);
        Path dataDir = Path.of(s.get("PARLEY_DATA_DIR", "./parley-data"));
        String dbUrl = s.get("PARLEY_DB_URL", "");
        if (dbUrl.isBlank()) {
            dbUrl = null;
        } else if (!dbUrl.startsWith("jdbc:postgresql://")) {
            throw new ConfigException("PARLEY_DB_URL", "must start with jdbc:postgresql:// (leave it empty for the embedded database)");
        }
        String host = s.get("PARLEY_HOST", "127.0.0.1");
        if (host.isBlank()) {
            throw new ConfigException("PARLEY_HOST", "must not be empty");
        }
        int port = s.integer("PARLEY_PORT", 8080, 0, 65535);
        String baseUrl = s.get("PARLEY_BASE_URL", "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
        try {
            URI uri = URI.create(baseUrl);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException("PARLEY_BASE_URL", "must be an absolute http:// or https:// URL, got '" + baseUrl + "'");
        }
        baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        String secret = s.get("PARLEY_SECRET", "");
        if (secret.isEmpty()) {
            secret = null;
            if (dbUrl != null) {
                throw new ConfigException("PARLEY_SECRET", "is required with PostgreSQL (at least 32 bytes), so every node shares it");
            }
        } else if (secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
            throw new ConfigException("PARLEY_SECRET", "must be at least 32 bytes");
        }
        String role = s.oneOf("PARLEY_ROLE", "all", "all", "api", "worker");
        String logFormat = s.oneOf("PARLEY_LOG_FORMAT", "text", "text", "json");
        String logLevel = s.oneOf("PARLEY_LOG_LEVEL", "info", "trace", "debug", "info", "warn", "error");
        return new Config(
                dataDir, dbUrl, emptyToNull(s.get("PARLEY_DB_USER", "")), emptyToNull(s.get("PARLEY_DB_PASSWORD", "")),
                s.integer("PARLEY_DB_POOL_SIZE", 16, 1, 1000),
                host, port, baseUrl, secret, role, logFormat, logLevel,
                s.integer("PARLEY_MAX_BODY_BYTES", 1_048_576, 1024, Integer.MAX_VALUE),
                s.longValue("PARLEY_MAX_IMPORT_BYTES", 536_870_912L, 1024, Long.MAX_VALUE),
                s.integer("PARLEY_API_RATE", 100, 1, 1_000_000),
                s.duration("PARLEY_SESSION_TTL", "PT12H", Duration.ofMinutes(1)),
                s.integer("PARLEY_SEND_CONCURRENCY", 2000, 1, 100_000),
                s.duration("PARLEY_LEASE", "PT30S", Duration.ofSeconds(1)),
                s.duration("PARLEY_SHUTDOWN_GRACE", "PT15S", Duration.ZERO),
                s.bool("PARLEY_TRUST_PROXY", false));
    }

    private static String emptyToNull(String v) {
        return v == null || v.isEmpty() ? null : v;
    }

    /** Looks a variable up in the flags, then the environment. */
    private record Source(Map<String, String> flags, Map<String, String> env) {
        String get(String name, String fallback) {
            String v = flags.get(name);
            if (v == null) {
                v = env.get(name);
            }
            return v == null ? fallback : v.trim();
        }

        int integer(String name, int fallback, int min, int max) {
            long v = longValue(name, fallback, min, max);
            return (int) v;
        }

        long longValue(String name, long fallback, long min, long max) {
            return parse(name, Long.toString(fallback), raw -> {
                long v = Long.parseLong(raw);
                if (v < min || v > max) {
                    throw new ConfigException(name, "must be from " + min + " to " + max + ", got " + v);
                }
                return v;
            }, "a whole number");
        }

        Duration duration(String name, String fallback, Duration min) {
            return parse(name, fallback, raw -> {
                Duration d = Duration.parse(raw);
                if (d.compareTo(min) < 0) {
                    throw new ConfigException(name, "must be at least " + min + ", got " + raw);
                }
                return d;
            }, "an ISO 8601 duration such as PT30S");
        }

        boolean bool(String name, boolean fallback) {
            String raw = get(name, Boolean.toString(fallback)).toLowerCase(Locale.ROOT);
            return switch (raw) {
                case "true", "yes", "1" -> true;
                case "false", "no", "0" -> false;
                default -> throw new ConfigException(name, "must be true or false, got '" + raw + "'");
            };
        }

        String oneOf(String name, String fallback, String... allowed) {
            String raw = get(name, fallback).toLowerCase(Locale.ROOT);
            for (String a : allowed) {
                if (a.equals(raw)) {
                    return a;
                }
            }
            throw new ConfigException(name, "must be one of " + String.join(", ", allowed) + ", got '" + raw + "'");
        }

        private <T> T parse(String name, String fallback, Function<String, T> parser, String expected) {
            String raw = get(name, fallback);
            try {
                return parser.apply(raw);
            } catch (NumberFormatException | DateTimeParseException e) {
                throw new ConfigException(name, "must be " + expected + ", got '" + raw + "'");
            }
        }
    }
}
