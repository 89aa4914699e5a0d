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

    /**
     * A join source for rows of {@code table} (aliased {@code c}) whose {@code column} is one of many keys,
     * to follow {@code FROM}; bind the keys with {@link #bindKeys}. PostgreSQL joins {@code unnest} of one
     * array parameter, a plan that stays an index lookup per key even before the table has statistics
     * (a long {@code IN} list is costed as unselective then, and a fresh import's table has none); H2
     * takes an {@code IN} list, which it resolves through the index that leads with {@code column}.
     */
    public String keyedRows(String table, String column) {
        return this == POSTGRESQL
                ? "unnest(CAST(:keys AS varchar[])) AS k (v) JOIN " + table + " c ON c." + column + " = k.v WHERE c.tenant_id = :tenant"
                : table + " c WHERE c.tenant_id = :tenant AND c." + column + " IN (<keys>)";
    }

    /** Binds the keys of a {@link #keyedRows} statement. */
    public org.jdbi.v3.core.statement.Query bindKeys(org.jdbi.v3.core.statement.Query query, java.util.List<String> keys) {
        return this == POSTGRESQL ? query.bindArray("keys", String.class, keys) : query.bindList("keys", keys);
    }

    /** Human name for logs and health output. */
    public String displayName() {
        return this == H2 ? "H2" : "PostgreSQL";
    }
}
