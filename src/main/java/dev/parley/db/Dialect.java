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
     * Flyway placeholders: partial-index clauses on PostgreSQL, nothing on H2 (which has no partial indexes); and
     * statements that differ: V9 drops the contact table's primary key ({@code dropContactKey}: H2 names it itself),
     * V10 drops {@code message}'s reference to {@code tenant} on PostgreSQL only, V15 gives a contact's phone and email
     * byte order on PostgreSQL ({@code contactAddressesByteOrder}; H2 has no per-column collation and compares by code point).
     * {@code byteOrder} is the collation clause every identifier column created after V16 takes ({@link IdentifiersByteOrder}).
     */
    public java.util.Map<String, String> migrationPlaceholders() {
        boolean pg = this == POSTGRESQL;
        return java.util.Map.of(
                "partialQueued", pg ? "WHERE status = 'queued'" : "",
                "partialScheduled", pg ? "WHERE status = 'scheduled'" : "",
                "partialSending", pg ? "WHERE status = 'sending'" : "",
                "campaignKey", pg ? "(COALESCE(campaign_id, '-'))" : "campaign_id",
                "partialProviderRef", pg ? "WHERE provider_message_id IS NOT NULL" : "",
                "partialWindowQueued", pg ? "WHERE status = 'queued' AND window_closes_at IS NOT NULL" : "",
                "dropMessageTenantReference", pg ? "ALTER TABLE message DROP CONSTRAINT message_tenant_id_fkey"
                        : "COMMENT ON COLUMN message.tenant_id IS 'the owning tenant; a reference to tenant on H2 only'",
                "dropContactKey", pg ? "DROP CONSTRAINT contact_pkey" : "DROP PRIMARY KEY",
                "contactAddressesByteOrder", pg
                        ? "ALTER TABLE contact ALTER COLUMN phone TYPE VARCHAR(20) COLLATE \"C\", ALTER COLUMN email TYPE VARCHAR(320) COLLATE \"C\""
                        : "COMMENT ON COLUMN contact.phone IS 'an E.164 number; compared by code point'",
                "byteOrder", pg ? "COLLATE \"C\"" : "");
    }

    /**
     * An UPDATE that hands back columns of the rows it changed: {@code UPDATE … RETURNING} on PostgreSQL,
     * {@code SELECT … FROM FINAL TABLE (UPDATE …)} on H2.
     */
    public String updateReturning(String update, String columns) {
        return this == POSTGRESQL
                ? update + " RETURNING " + columns
                : "SELECT " + columns.replaceAll("\\bt\\.", "") + " FROM FINAL TABLE (" + update + ")";
    }

    /**
     * A table made of bound arrays, one column per array: {@code columns} are {@code name:type} pairs with
     * type one of varchar, int, bigint, timestamptz. The arrays bind as {@code :name}.
     */
    public String arrayTable(String alias, String... columns) {
        StringBuilder args = new StringBuilder();
        StringBuilder names = new StringBuilder();
        for (String column : columns) {
            String[] nt = column.split(":");
            if (!args.isEmpty()) {
                args.append(", ");
                names.append(", ");
            }
            args.append("CAST(:").append(nt[0]).append(" AS ").append(arrayTypeName(nt[1])).append(")");
            names.append(nt[0]);
        }
        String rows = this == POSTGRESQL ? "unnest(" + args + ")" : "(SELECT * FROM UNNEST(" + args + "))";
        return rows + " AS " + alias + "(" + names + ")";
    }

    private String arrayTypeName(String type) {
        String base = switch (type) {
            case "varchar" -> "VARCHAR";
            case "int" -> "INTEGER";
            case "bigint" -> "BIGINT";
            case "timestamptz" -> "TIMESTAMP WITH TIME ZONE";
            default -> throw new IllegalArgumentException("no array type for " + type);
        };
        return this == POSTGRESQL ? base + "[]" : base + " ARRAY";
    }

    /** The element type name Jdbi passes to {@code Connection.createArrayOf} for a Java type. */
    public String jdbcArrayElement(Class<?> type) {
        if (type == java.sql.Timestamp.class) {
            return this == POSTGRESQL ? "timestamptz" : "TIMESTAMP WITH TIME ZONE";
        }
        throw new IllegalArgumentException("no array element type for " + type);
    }

    /**
     * Updates rows of {@code table} (aliased {@code t}) from a {@code source} table expression joined by
     * {@code on}, returning {@code returning} (columns of {@code t}, written with the alias):
     * {@code UPDATE … FROM … RETURNING} on PostgreSQL, {@code MERGE … USING} in a FINAL TABLE on H2.
     */
    public String updateFromReturning(String table, String source, String on, String set, String returning) {
        if (this == POSTGRESQL) {
            return "UPDATE " + table + " t SET " + set + " FROM " + source + " WHERE " + on + " RETURNING " + returning;
        }
        return "SELECT " + returning.replaceAll("\\bt\\.", "") + " FROM FINAL TABLE (MERGE INTO " + table + " t USING "
                + source + " ON " + on + " WHEN MATCHED THEN UPDATE SET " + set + ")";
    }

    /**
     * The distinct combinations of {@code expressions} among rows of {@code table} matching {@code where},
     * as columns {@code k0, k1, …}. On PostgreSQL this is a loose index scan (a recursive query that jumps
     * from one combination to the next through an index on the same expressions), so its cost follows the
     * number of combinations rather than the number of rows. Expressions must not be null.
     */
    public String distinct(String table, java.util.List<String> expressions, String where) {
        StringBuilder select = new StringBuilder();
        StringBuilder keys = new StringBuilder();
        StringBuilder prev = new StringBuilder();
        StringBuilder tuple = new StringBuilder();
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < expressions.size(); i++) {
            String sep = i == 0 ? "" : ", ";
            select.append(sep).append(expressions.get(i)).append(" AS k").append(i);
            keys.append(sep).append("k").append(i);
            prev.append(sep).append("p.k").append(i);
            tuple.append(sep).append(expressions.get(i));
            order.append(sep).append(expressions.get(i));
        }
        if (this == H2) {
            return "SELECT DISTINCT " + select + " FROM " + table + " WHERE " + where;
        }
        return "WITH RECURSIVE keys AS ("
                + "(SELECT " + select + " FROM " + table + " WHERE " + where + " ORDER BY " + order + " LIMIT 1)"
                + " UNION ALL SELECT n.* FROM keys p CROSS JOIN LATERAL (SELECT " + select + " FROM " + table
                + " WHERE " + where + " AND (" + tuple + ") > (" + prev + ") ORDER BY " + order + " LIMIT 1) n"
                + ") SELECT " + keys + " FROM keys";
    }

    /**
     * A writer that appends many rows to {@code table} on the handle's connection, in its transaction:
     * {@code COPY FROM STDIN} on PostgreSQL, batched multi-row {@code INSERT} on H2.
     */
    public BulkInsert bulkInsert(org.jdbi.v3.core.Handle handle, String table, java.util.List<String> columns) {
        return this == POSTGRESQL
                ? new BulkInsert.Copy(handle.getConnection(), table, columns, false)
                : new BulkInsert.Batch(handle.getConnection(), table, columns);
    }

    /**
     * As {@link #bulkInsert}, but on PostgreSQL one {@code COPY} stays open from the first row to {@code flush()}
     * and is sent rows as they come, so the database works while the caller makes the next rows. Nothing else may
     * run on the connection in between; close the writer if the caller fails before {@code flush()}.
     */
    public BulkInsert streamingInsert(org.jdbi.v3.core.Handle handle, String table, java.util.List<String> columns) {
        return this == POSTGRESQL
                ? new BulkInsert.Copy(handle.getConnection(), table, columns, true)
                : new BulkInsert.Batch(handle.getConnection(), table, columns);
    }

    /**
     * A join source for the contacts (aliased {@code c}) of tenant {@code :tenant}, whose number is bound as
     * {@code :tenantNum}, with {@code column} ({@code phone} or {@code email}) one of many keys, each row locked for
     * update: the latest committed version of each, which no other transaction changes until this one ends. Bind the
     * keys, sorted so that writers lock in one order, with {@link #bindKeys}; run it after {@link #indexLookupPlans}.
     * PostgreSQL runs one subquery per element of an {@code unnest}ed array, through the unique
     * {@code (column, tenant_num)} index ({@code OFFSET 0} keeps the planner from merging it into a join: a plain join
     * was once planned, while statistics lagged the table, as a hash join over every contact of the tenant, and each
     * chunk's lookup then grew with the table). H2 takes an {@code IN} list, resolved through the same index.
     */
    public String lockedContactsBy(String column) {
        return this == POSTGRESQL
                ? "unnest(CAST(:keys AS varchar[])) AS k (v) CROSS JOIN LATERAL (SELECT * FROM contact t WHERE t." + column
                        + " = k.v AND t.tenant_id = :tenant AND t.tenant_num = :tenantNum OFFSET 0 FOR UPDATE) c"
                : "contact c WHERE c.tenant_id = :tenant AND c.tenant_num = :tenantNum AND c." + column + " IN (<keys>) FOR UPDATE";
    }

    /**
     * The locking clause for rows a transaction refers to but does not change (a list it adds members to, contacts it
     * gives memberships): PostgreSQL's {@code FOR KEY SHARE}, which only a delete or a key change waits for, so two
     * writers referring to one row never wait on each other; H2 has only {@code FOR UPDATE}.
     */
    public String referenceLock() {
        return this == POSTGRESQL ? "FOR KEY SHARE" : "FOR UPDATE";
    }

    /** Binds the keys of a {@link #lockedContactsBy} statement. */
    public org.jdbi.v3.core.statement.Query bindKeys(org.jdbi.v3.core.statement.Query query, java.util.List<String> keys) {
        return this == POSTGRESQL ? query.bindArray("keys", String.class, keys) : query.bindList("keys", keys);
    }

    /**
     * A WHERE clause choosing rows of {@code table} that match {@code condition} and that no other transaction
     * holds. PostgreSQL: {@code id IN (SELECT id … FOR UPDATE SKIP LOCKED)}, so concurrent writers of the same
     * rows never wait on each other or deadlock. H2 evaluates that subquery per row (seconds on a busy table),
     * and in one embedded process its writers are few, so there it is the condition itself.
     */
    public String unlockedRows(String table, String condition) {
        return this == POSTGRESQL
                ? "id IN (SELECT id FROM " + table + " WHERE " + condition + " FOR UPDATE SKIP LOCKED)"
                : condition;
    }

    /**
     * How many transactions should write the same hot rows at once. PostgreSQL's commits wait for the WAL
     * flush, so a few writers in flight keep it busy; H2's row locks in one embedded process only contend.
     */
    public int hotRowWriters() {
        return this == POSTGRESQL ? 3 : 1;
    }

    /**
     * How many threads write an import's chunks at once. On PostgreSQL each has its own connection, and
     * PostgreSQL's work (index inserts, mostly) is most of an import, so two backends keep two cores busy; H2's
     * writers in one embedded process only contend for its locks.
     */
    public int importWriters() {
        return this == POSTGRESQL ? 2 : 1;
    }

    /**
     * Adds to counters: for each row of {@code select} (the key columns, then the amount, in that order),
     * inserts it or adds its amount to the existing row's {@code counterColumn}. {@code INSERT … ON CONFLICT DO
     * UPDATE} on PostgreSQL, {@code MERGE} on H2.
     */
    public String insertOrAdd(String table, java.util.List<String> keyColumns, String counterColumn, String select) {
        String keys = String.join(", ", keyColumns);
        if (this == POSTGRESQL) {
            return "INSERT INTO " + table + " (" + keys + ", " + counterColumn + ") " + select + " ON CONFLICT (" + keys
                    + ") DO UPDATE SET " + counterColumn + " = " + table + "." + counterColumn + " + EXCLUDED." + counterColumn;
        }
        StringBuilder on = new StringBuilder();
        StringBuilder values = new StringBuilder();
        for (String k : keyColumns) {
            on.append(on.isEmpty() ? "" : " AND ").append("t.").append(k).append(" = v.").append(k);
            values.append("v.").append(k).append(", ");
        }
        return "MERGE INTO " + table + " t USING (" + select + ") AS v(" + keys + ", " + counterColumn + ") ON " + on
                + " WHEN MATCHED THEN UPDATE SET " + counterColumn + " = t." + counterColumn + " + v." + counterColumn
                + " WHEN NOT MATCHED THEN INSERT (" + keys + ", " + counterColumn + ") VALUES (" + values + "v."
                + counterColumn + ")";
    }

    /**
     * Statements that confine the plans of the rest of the transaction to plain index scans, without JIT
     * compilation (PostgreSQL: {@code SET LOCAL enable_seqscan, enable_bitmapscan, jit = off}); none on H2.
     * For transactions whose every statement is meant as index lookups and that run while a table grows far
     * past its statistics, as an import does. A table never analysed is costed as if a key matched 0.5% of
     * it: each lookup of a {@link #lockedContactsBy} join became a bitmap scan, and the whole statement cost enough to
     * be JIT-compiled on every run (50-70 ms of compiling for 12 ms of index probes per 10,000 keys).
     */
    public java.util.List<String> indexLookupPlans() {
        return this == POSTGRESQL
                ? java.util.List.of("SET LOCAL enable_seqscan = off", "SET LOCAL enable_bitmapscan = off", "SET LOCAL jit = off")
                : java.util.List.of();
    }

    /**
     * A statement that lets the current transaction's commit return before its WAL reaches disk (PostgreSQL
     * {@code SET LOCAL synchronous_commit = off}), or null where there is none (H2). A crash may then lose the
     * transactions committed in the last fraction of a second, but never leaves one half-applied: use it only
     * for work that is safe to lose and run again, such as an import chunk that carries its own counters.
     */
    public String asynchronousCommit() {
        return this == POSTGRESQL ? "SET LOCAL synchronous_commit = off" : null;
    }

    /** The lowercase hex SHA-256 of the UTF-8 bytes of a text expression (as {@code Tokens.sha256} computes it in Java). */
    public String sha256Hex(String textExpression) {
        return this == POSTGRESQL
                ? "encode(sha256(convert_to(" + textExpression + ", 'UTF8')), 'hex')"
                : "LOWER(RAWTOHEX(HASH('SHA-256', " + textExpression + ")))";
    }

    /** Human name for logs and health output. */
    public String displayName() {
        return this == H2 ? "H2" : "PostgreSQL";
    }
}
