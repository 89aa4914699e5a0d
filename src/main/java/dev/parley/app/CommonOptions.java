package dev.parley.app;

import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Flags every command that touches the database shares; each mirrors its environment variable. */
final class CommonOptions {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Embedded database and files (PARLEY_DATA_DIR, default ./parley-data).")
    String dataDir;

    @Option(names = "--db-url", paramLabel = "JDBC_URL", description = "jdbc:postgresql://host:port/db (PARLEY_DB_URL; empty: embedded H2).")
    String dbUrl;

    @Option(names = "--db-user", description = "PostgreSQL user (PARLEY_DB_USER).")
    String dbUser;

    @Option(names = "--db-password", description = "PostgreSQL password (PARLEY_DB_PASSWORD).")
    String dbPassword;

    @Option(names = "--log-format", description = "text or json (PARLEY_LOG_FORMAT).")
    String logFormat;

    @Option(names = "--log-level", description = "trace, debug, info, warn or error (PARLEY_LOG_LEVEL).")
    String logLevel;

    Map<String, String> flags() {
        Map<String, String> flags = new HashMap<>();
        put(flags, "PARLEY_DATA_DIR", dataDir);
        put(flags, "PARLEY_DB_URL", dbUrl);
        put(flags, "PARLEY_DB_USER", dbUser);
        put(flags, "PARLEY_DB_PASSWORD", dbPassword);
        put(flags, "PARLEY_LOG_FORMAT", logFormat);
        put(flags, "PARLEY_LOG_LEVEL", logLevel);
        return flags;
    }

    static void put(Map<String, String> flags, String name, Object value) {
        if (value != null) {
            flags.put(name, value.toString());
        }
    }

    /** Resolves the configuration and applies its logging settings. */
    Config resolve(Map<String, String> extra) {
        Map<String, String> flags = flags();
        flags.putAll(extra);
        Config config = Config.resolve(flags, System.getenv());
        Logs.apply(config);
        return config;
    }
}
