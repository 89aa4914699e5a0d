package dev.parley.db;

/**
 * The few places where H2 and PostgreSQL SQL differ. Every other statement in Parley is written once
 * and runs on both; if you need to branch on the database anywhere else, add a method here instead.
 */
public enum Dialect {
    H2,
    POSTGRESQL;

    public static Dialect fromJdbcUrl(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (url.startsWith("jdbc:h2:")) {
            return H2;
        }
        throw new IllegalArgumentException("unsupported database URL: " + url);
    }

    /** A statement that proves a connection works, used by the readiness check. */
    public String ping() {
        return "SELECT 1";
    }

    /** Human name for logs and health output. */
    public String displayName() {
        return this == H2 ? "H2" : "PostgreSQL";
    }
}
