package dev.parley.bench;

import dev.parley.app.Config;
import dev.parley.app.Parley;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Option;

/**
 * A Parley for one benchmark run on PostgreSQL: a fresh schema and data directory, both removed on close.
 * Its pool's connections carry {@code ApplicationName=parley-<schema>}, so their backends can be told apart.
 */
final class BenchParley implements AutoCloseable {
    private final String dbUrl;
    private final String dbUser;
    private final String dbPassword;
    private final String schema;
    private final Path dir;
    private final Parley parley;

    private BenchParley(String dbUrl, String dbUser, String dbPassword, String schema, Path dir, Parley parley) {
        this.dbUrl = dbUrl;
        this.dbUser = dbUser;
        this.dbPassword = dbPassword;
        this.schema = schema;
        this.dir = dir;
        this.parley = parley;
    }

    /** The PostgreSQL a benchmark measures on: its command-line options. */
    static final class Database {
        @Option(names = "--db-url", defaultValue = "jdbc:postgresql://127.0.0.1:5432/postgres",
                description = "PostgreSQL to measure on; a fresh schema is made and dropped (default ${DEFAULT-VALUE}).")
        String dbUrl;

        @Option(names = "--db-user", defaultValue = "postgres", description = "PostgreSQL user.")
        String dbUser;

        @Option(names = "--db-password", defaultValue = "", description = "PostgreSQL password.")
        String dbPassword;
    }

    /** A serving Parley (HTTP and jobs). @param role {@code api} (no delivery engine) or {@code all} */
    static BenchParley start(Database database, String role, String name) throws Exception {
        return start(database.dbUrl, database.dbUser, database.dbPassword, role, name, true);
    }

    /** A Parley that only opens its database (no HTTP server, no jobs), as {@code parley import} does. */
    static BenchParley open(Database database, String name) throws Exception {
        return start(database.dbUrl, database.dbUser, database.dbPassword, "api", name, false);
    }

    private static BenchParley start(String dbUrl, String dbUser, String dbPassword, String role, String name, boolean serve)
            throws Exception {
        String schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(dbUrl, dbUser, dbPassword)) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        Path dir = Files.createTempDirectory("parley-bench-" + name + "-");
        Map<String, String> settings = new HashMap<>();
        settings.put("PARLEY_DATA_DIR", dir.toString());
        settings.put("PARLEY_DB_URL", dbUrl + (dbUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema
                + "&ApplicationName=parley-" + schema);
        settings.put("PARLEY_DB_USER", dbUser);
        settings.put("PARLEY_DB_PASSWORD", dbPassword);
        settings.put("PARLEY_SECRET", "bench-secret-bench-secret-bench-secret-0123");
        settings.put("PARLEY_ROLE", role);
        settings.put("PARLEY_PORT", "0");
        settings.put("PARLEY_HOST", "127.0.0.1");
        try {
            Config config = Config.resolve(settings, Map.of());
            return new BenchParley(dbUrl, dbUser, dbPassword, schema, dir, serve ? Parley.serve(config) : Parley.open(config));
        } catch (RuntimeException e) {
            drop(dbUrl, dbUser, dbPassword, schema, dir);
            throw e;
        }
    }

    Parley parley() {
        return parley;
    }

    String schema() {
        return schema;
    }

    /** The {@code application_name} of this Parley's connections, by which {@link BackendCpu} finds their backends. */
    String applicationName() {
        return "parley-" + schema;
    }

    @Override
    public void close() throws Exception {
        try {
            parley.close();
        } finally {
            drop(dbUrl, dbUser, dbPassword, schema, dir);
        }
    }

    private static void drop(String dbUrl, String dbUser, String dbPassword, String schema, Path dir) throws Exception {
        try (Connection c = DriverManager.getConnection(dbUrl, dbUser, dbPassword)) {
            c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
