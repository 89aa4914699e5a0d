package dev.parley.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Migration V16 and the rule it starts: on PostgreSQL every identifier column of the migrated schema, including those
 * of tables created after V16, compares byte by byte; on H2 the migration is recorded and changes nothing.
 */
class IdentifiersByteOrderTest {
    @Test
    void everyIdentifierColumnComparesByteByByteOnPostgresql() {
        Assumptions.assumeTrue(TestDatabase.postgresAvailable(), "PostgreSQL not reachable");
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.POSTGRESQL); Database database = open(db)) {
            assertThat(database.migrate().targetSchemaVersion).isNotNull();
            List<Map<String, Object>> columns = database.jdbi().withHandle(h -> h.createQuery("""
                    SELECT table_name, column_name, collation_name FROM information_schema.columns
                    WHERE table_schema = current_schema() AND data_type = 'character varying'
                      AND (column_name = 'id' OR column_name LIKE '%\\_id')""").mapToMap().list());
            assertThat(columns).hasSizeGreaterThan(50);
            assertThat(columns).allSatisfy(c -> assertThat(c.get("collation_name"))
                    .as("%s.%s", c.get("table_name"), c.get("column_name")).isEqualTo("C"));
            // A parameter, and an identifier of another table, compare under the same collation: the key is still used.
            String plan = database.jdbi().inTransaction(h -> {
                h.execute("SET LOCAL enable_seqscan = off");
                return String.join("\n", h.createQuery("""
                        EXPLAIN SELECT m.id FROM message m JOIN contact c ON c.tenant_id = m.tenant_id AND c.id = m.contact_id
                        WHERE m.tenant_id = :tenant AND c.id = :contact""").bind("tenant", "ten_a").bind("contact", "ctc_a")
                        .mapTo(String.class).list());
            });
            assertThat(plan).contains("contact_pkey").doesNotContain("Seq Scan");
        }
    }

    @Test
    void onH2TheMigrationIsRecordedAndChangesNothing() {
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.H2); Database database = open(db)) {
            database.migrate();
            String description = database.jdbi().withHandle(h -> h.createQuery(
                    "SELECT \"description\" FROM \"flyway_schema_history\" WHERE \"version\" = '16'").mapTo(String.class).one());
            assertThat(description).isEqualTo("identifier byte order");
        }
    }

    private static Database open(TestDatabase db) {
        Map<String, String> s = db.settings();
        String url = s.getOrDefault("PARLEY_DB_URL", Database.h2Url(db.dataDir()));
        return new Database(new Database.Settings(url, s.get("PARLEY_DB_USER"), s.get("PARLEY_DB_PASSWORD"), 2), null);
    }
}
