package dev.parley.db;

import java.sql.Statement;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Migration V16: on PostgreSQL every identifier column ({@code varchar}, named {@code id} or ending in {@code _id})
 * compares byte by byte (collation "C") whatever the database's default collation, as a contact's phone and email do
 * since V15. One {@code ALTER TABLE} per table; PostgreSQL rebuilds the indexes and references the columns are in.
 *
 * <p>Why: an import adds each new contact and membership at the right edge of {@code (tenant_id, id)} and
 * {@code (list_id, contact_id)}, and under any collation but "C" each comparison of that search copies both strings
 * and calls {@code strcoll}. In psql, 900,000 contacts and memberships cost 0.65 CPU-s less with "C" (mean of ten
 * alternations, about 5%; docs/performance.md).
 *
 * <p>What it changes for a reader: nothing. Identifiers are ASCII, so under C.UTF-8 their order is the same; under a
 * linguistic default collation (en_US) it becomes byte order, the same everywhere: every identifier column has it,
 * a parameter compared with one takes it, and "C" is the only collation besides the default in the schema, so no
 * comparison meets two. A table created later gives its identifier columns the {@code byteOrder} placeholder
 * ({@link Dialect#migrationPlaceholders}). It is written in Java because it is a loop over the catalogue, which a
 * plain SQL migration cannot hold for both databases; on H2, which compares strings by code point, it does nothing.
 */
final class IdentifiersByteOrder implements JavaMigration {
    private static final String ALTER_EVERY_IDENTIFIER = """
            DO $$
            DECLARE
                t record;
            BEGIN
                FOR t IN
                    SELECT a.attrelid::regclass AS tbl,
                           string_agg(format('ALTER COLUMN %I TYPE %s COLLATE "C"', a.attname,
                                             format_type(a.atttypid, a.atttypmod)), ', ') AS alters
                    FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid
                    WHERE r.relnamespace = current_schema()::regnamespace AND r.relkind = 'r' AND a.attnum > 0
                      AND NOT a.attisdropped AND a.atttypid = 'varchar'::regtype
                      AND (a.attname = 'id' OR a.attname LIKE '%\\_id')
                    GROUP BY a.attrelid
                LOOP
                    EXECUTE format('ALTER TABLE %s %s', t.tbl, t.alters);
                END LOOP;
            END $$""";

    private final Dialect dialect;

    IdentifiersByteOrder(Dialect dialect) {
        this.dialect = dialect;
    }

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("16");
    }

    @Override
    public String getDescription() {
        return "identifier byte order";
    }

    @Override
    public Integer getChecksum() {
        return ALTER_EVERY_IDENTIFIER.hashCode();
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws Exception {
        if (dialect != Dialect.POSTGRESQL) {
            return;
        }
        try (Statement st = context.getConnection().createStatement()) {
            st.execute(ALTER_EVERY_IDENTIFIER);
        }
    }
}
