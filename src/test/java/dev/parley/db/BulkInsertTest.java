package dev.parley.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.parley.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The streaming COPY on PostgreSQL: rows arrive whole across sends, and a writer abandoned mid-COPY frees its connection. */
class BulkInsertTest {
    private static final List<String> COLUMNS = List.of("id", "note", "at");

    private Jdbi jdbi;

    @BeforeEach
    void connect() {
        Assumptions.assumeTrue(TestDatabase.postgresAvailable(), "PostgreSQL not reachable");
        jdbi = Jdbi.create(TestDatabase.PG_URL, TestDatabase.PG_USER, TestDatabase.PG_PASSWORD);
    }

    @Test
    void streamedRowsArriveWholeAcrossManySends() {
        Instant at = Instant.parse("2026-11-21T09:30:00.123456Z");
        jdbi.useTransaction(h -> {
            h.execute("CREATE TEMP TABLE streamed (id BIGINT PRIMARY KEY, note VARCHAR(100), at TIMESTAMP WITH TIME ZONE) ON COMMIT DROP");
            BulkInsert insert = Dialect.POSTGRESQL.streamingInsert(h, "streamed", COLUMNS);
            for (long i = 0; i < 1_234; i++) {
                insert.add(i, i % 3 == 0 ? null : "tab\there, line\nthere, back\\slash " + i, at);
            }
            assertThat(insert.flush()).isEqualTo(1_234);
            assertThat(h.createQuery("SELECT COUNT(*) FROM streamed").mapTo(Long.class).one()).isEqualTo(1_234);
            assertThat(h.createQuery("SELECT note FROM streamed WHERE id = 1000").mapTo(String.class).one())
                    .isEqualTo("tab\there, line\nthere, back\\slash 1000");
            assertThat(h.createQuery("SELECT COUNT(*) FROM streamed WHERE note IS NULL").mapTo(Long.class).one()).isEqualTo(412);
            assertThat(h.createQuery("SELECT MIN(at) = MAX(at) AND MIN(at) = :at FROM streamed").bind("at", at)
                    .mapTo(Boolean.class).one()).isTrue();
        });
    }

    @Test
    void aWriterClosedMidCopyLeavesTheConnectionUsableAndWritesNothing() throws Exception {
        jdbi.useHandle(h -> {
            h.execute("CREATE TEMP TABLE abandoned (id BIGINT PRIMARY KEY, note VARCHAR(100), at TIMESTAMP WITH TIME ZONE)");
            try {
                assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                    h.begin();
                    try (BulkInsert insert = Dialect.POSTGRESQL.streamingInsert(h, "abandoned", COLUMNS)) {
                        for (long i = 0; i < 700; i++) {
                            insert.add(i, "row " + i, Instant.now());
                        }
                    }
                    h.rollback();
                });
            } catch (AssertionError stuck) {
                h.getConnection().abort(Runnable::run); // the driver waits for the COPY forever: free this thread
                throw stuck;
            }
            assertThat(h.createQuery("SELECT COUNT(*) FROM abandoned").mapTo(Long.class).one()).isZero();
        });
    }
}
