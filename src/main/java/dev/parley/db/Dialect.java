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

    /**
     * A writer that appends many rows to {@code table} on the handle's connection, in its transaction:
     * {@code COPY FROM STDIN} on PostgreSQL, batched multi-row {@code INSERT} on H2.
     */
    public BulkInsert bulkInsert(org.jdbi.v3.core.Handle handle, String table, java.util.List<String> columns) {
        return this == POSTGRESQL
                ? new BulkInsert.Copy(handle.getConnection(), table, columns)
                : new BulkInsert.Batch(handle.getConnection(), table, columns);
    }

    /** Human name for logs and health output. */
    public String displayName() {
        return this == H2 ? "H2" : "PostgreSQL";
    }
}
