package dev.parley.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A fresh, empty database for one test class: an H2 file database in a temporary directory, or a new
 * schema in the PostgreSQL test database. PostgreSQL tests are skipped when no server answers, except
 * under {@code CI=true}, where an unreachable server fails the run.
 */
public final class TestDatabase implements AutoCloseable {
    public enum Kind { H2, POSTGRESQL }

    public static final String PG_URL = System.getenv().getOrDefault("PARLEY_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/parley_test");
    public static final String PG_USER = System.getenv().getOrDefault("PARLEY_TEST_PG_USER", "postgres");
    public static final String PG_PASSWORD = System.getenv().getOrDefault("PARLEY_TEST_PG_PASSWORD", "");
    /** A fixed secret for tests on PostgreSQL, where PARLEY_SECRET is required. */
    public static final String SECRET = "test-secret-test-secret-test-secret-0123456789";

    private static Boolean postgresReachable;

    private final Kind kind;
    private final Path dataDir;
    private final String schema;

    private TestDatabase(Kind kind, Path dataDir, String schema) {
        this.kind = kind;
        this.dataDir = dataDir;
        this.schema = schema;
    }

    public static TestDatabase create(Kind kind) {
        try {
            Path dir = Files.createTempDirectory("parley-test-");
            if (kind == Kind.H2) {
                return new TestDatabase(kind, dir, null);
            }
            String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD); var st = c.createStatement()) {
                st.execute("CREATE SCHEMA " + schema);
            }
            return new TestDatabase(kind, dir, schema);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create a test database of kind " + kind, e);
        }
    }

    /** Whether PostgreSQL tests should run; creates the test database on first use. */
    public static synchronized boolean postgresAvailable() {
        if (postgresReachable == null) {
            postgresReachable = ensurePostgresDatabase();
            if (!postgresReachable && "true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true but PostgreSQL is unreachable at " + PG_URL);
            }
        }
        return postgresReachable;
    }

    private static boolean ensurePostgresDatabase() {
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD)) {
            return c.isValid(2);
        } catch (SQLException first) {
            String adminUrl = PG_URL.substring(0, PG_URL.lastIndexOf('/') + 1) + "postgres";
            String name = PG_URL.substring(PG_URL.lastIndexOf('/') + 1).split("\\?")[0];
            try (Connection c = DriverManager.getConnection(adminUrl, PG_USER, PG_PASSWORD); var st = c.createStatement()) {
                st.execute("CREATE DATABASE " + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", ""));
                return true;
            } catch (SQLException second) {
                return false;
            }
        }
    }

    /** The configuration variables that point Parley at this database. */
    public Map<String, String> settings() {
        Map<String, String> s = new HashMap<>();
        s.put("PARLEY_DATA_DIR", dataDir.toString());
        s.put("PARLEY_DB_POOL_SIZE", "6");
        if (kind == Kind.POSTGRESQL) {
            s.put("PARLEY_DB_URL", PG_URL + (PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema);
            s.put("PARLEY_DB_USER", PG_USER);
            s.put("PARLEY_DB_PASSWORD", PG_PASSWORD);
            s.put("PARLEY_SECRET", SECRET);
        }
        return s;
    }

    public Kind kind() {
        return kind;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD); var st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            } catch (SQLException e) {
                System.err.println("could not drop test schema " + schema + ": " + e.getMessage());
            }
        }
        try (var paths = Files.walk(dataDir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // A temporary directory left behind is harmless.
        }
    }

    @Override
    public String toString() {
        return kind.name();
    }
}
