package dev.parley.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.parley.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The binary COPY on PostgreSQL, buffered and streaming: every value type arrives exactly as given in its column's
 * own type, rows arrive whole across sends, a value its column cannot hold is refused by name, and a writer
 * abandoned mid-COPY frees its connection.
 */
class BulkInsertTest {
    private static final List<String> COLUMNS = List.of("id", "note", "at");
    private static final String TYPED_TABLE = """
            (id BIGINT PRIMARY KEY, t TEXT, v VARCHAR(100), i2 SMALLINT, i4 INTEGER, i8 BIGINT, b BOOLEAN,
             at TIMESTAMP WITH TIME ZONE, n NUMERIC(14, 6)) ON COMMIT DROP""";
    private static final List<String> TYPED_COLUMNS = List.of("id", "t", "v", "i2", "i4", "i8", "b", "at", "n");
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final AtomicInteger TABLES = new AtomicInteger();

    private Jdbi jdbi;

    @BeforeEach
    void connect() {
        Assumptions.assumeTrue(TestDatabase.postgresAvailable(), "PostgreSQL not reachable");
        jdbi = Jdbi.create(TestDatabase.PG_URL, TestDatabase.PG_USER, TestDatabase.PG_PASSWORD);
    }

    @ParameterizedTest(name = "streaming={0}")
    @ValueSource(booleans = {false, true})
    void everyValueArrivesExactlyInItsColumnsType(boolean streaming) {
        String table = typedTable();
        List<Object[]> rows = List.of(
                new Object[] {1L, "tab\there, line\nthere\r\n, back\\slash \\N and \\t", "\\N", 0, 0L, 0, true,
                        Instant.parse("2026-11-21T09:30:00.123456Z"), "0.012345"},
                new Object[] {2L, "", "", -32768, Integer.MIN_VALUE, Long.MIN_VALUE, false,
                        Instant.parse("1999-12-31T23:59:59.999999Z"), "-12.5"},
                new Object[] {3L, null, null, null, null, null, null, null, null},
                new Object[] {4L, "émoji 😀, a clef 𝄞, 日本語, Ünïcödé", "ß😀𝄞", 32767L, (long) Integer.MAX_VALUE, Long.MAX_VALUE, true,
                        Instant.parse("1900-02-28T12:00:00.000001Z"), 42L},
                new Object[] {5L, "x", "y", 7, 8L, 9, false, Instant.parse("0001-01-01T00:00:00Z"), "1E+3"},
                new Object[] {6L, "sub-microsecond", "rounds", 1, 1, 1, true, Instant.parse("2000-01-01T00:00:00.0000005Z"), 0},
                new Object[] {7L, "before the epoch", "rounds", 1, 1, 1, true, Instant.parse("1969-12-31T23:59:59.9999994Z"), "99999999.999999"});
        jdbi.useTransaction(h -> {
            h.execute("CREATE TEMP TABLE " + table + " " + TYPED_TABLE);
            try (BulkInsert insert = writer(h, table, TYPED_COLUMNS, streaming)) {
                rows.forEach(insert::add);
                assertThat(insert.flush()).isEqualTo(rows.size());
            }
            List<List<Object>> read = h.createQuery("SELECT id, t, v, i2, i4, i8, b, "
                            + "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS at, n FROM " + table + " ORDER BY id")
                    .map((rs, ctx) -> Arrays.asList(rs.getLong("id"), rs.getString("t"), rs.getString("v"),
                            rs.getObject("i2"), rs.getObject("i4"), rs.getObject("i8"), rs.getObject("b"), rs.getString("at"),
                            rs.getBigDecimal("n") == null ? null : rs.getBigDecimal("n").toPlainString()))
                    .list();
            assertThat(read).containsExactly(
                    Arrays.asList(1L, "tab\there, line\nthere\r\n, back\\slash \\N and \\t", "\\N", 0, 0, 0L, true,
                            "2026-11-21T09:30:00.123456Z", "0.012345"),
                    Arrays.asList(2L, "", "", -32768, Integer.MIN_VALUE, Long.MIN_VALUE, false,
                            "1999-12-31T23:59:59.999999Z", "-12.500000"),
                    Arrays.asList(3L, null, null, null, null, null, null, null, null),
                    Arrays.asList(4L, "émoji 😀, a clef 𝄞, 日本語, Ünïcödé", "ß😀𝄞", 32767, Integer.MAX_VALUE, Long.MAX_VALUE, true,
                            "1900-02-28T12:00:00.000001Z", "42.000000"),
                    Arrays.asList(5L, "x", "y", 7, 8, 9L, false, "0001-01-01T00:00:00.000000Z", "1000.000000"),
                    Arrays.asList(6L, "sub-microsecond", "rounds", 1, 1, 1L, true, "2000-01-01T00:00:00.000001Z", "0.000000"),
                    Arrays.asList(7L, "before the epoch", "rounds", 1, 1, 1L, true, "1969-12-31T23:59:59.999999Z",
                            "99999999.999999"));
            assertThat(h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE t = '' AND v = ''").mapTo(Long.class).one()).isOne();
            assertThat(h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE t IS NULL AND v IS NULL").mapTo(Long.class).one()).isOne();
        });
    }

    @ParameterizedTest(name = "streaming={0}")
    @ValueSource(booleans = {false, true})
    void manyMoreRowsThanOneSendAllArrive(boolean streaming) {
        String table = typedTable();
        int count = 2 * BulkInsert.FLUSH_ROWS + 1_234;
        Instant start = Instant.parse("1998-06-30T22:15:00.000001Z");
        jdbi.useTransaction(h -> {
            h.execute("CREATE TEMP TABLE " + table + " " + TYPED_TABLE);
            try (BulkInsert insert = writer(h, table, TYPED_COLUMNS, streaming)) {
                for (int i = 0; i < count; i++) {
                    insert.add((long) i, i % 7 == 0 ? null : "row\t" + i + " 😀", "v" + i, i % 100, i, (long) i * 3_000_000_000L,
                            i % 2 == 0, start.plusMillis(i), i + ".5");
                }
                assertThat(insert.flush()).isEqualTo(count);
            }
            Map<String, Object> totals = h.createQuery("SELECT COUNT(*) AS rows, SUM(id) AS ids, COUNT(t) AS texts, "
                            + "SUM(i2) AS i2, SUM(i4) AS i4, SUM(i8) AS i8, COUNT(*) FILTER (WHERE b) AS trues, "
                            + "MIN(at) = :start AND MAX(at) = :last AS times, SUM(n) AS n FROM " + table)
                    .bind("start", start).bind("last", start.plusMillis(count - 1)).mapToMap().one();
            long n = count;
            assertThat(totals).containsEntry("rows", n).containsEntry("times", true)
                    .containsEntry("texts", n - (n + 6) / 7).containsEntry("trues", (n + 1) / 2);
            assertThat(((Number) totals.get("ids")).longValue()).isEqualTo(n * (n - 1) / 2);
            assertThat(((Number) totals.get("i4")).longValue()).isEqualTo(n * (n - 1) / 2);
            assertThat(((Number) totals.get("i8")).longValue()).isEqualTo(n * (n - 1) / 2 * 3_000_000_000L);
            long i2 = 0;
            for (int i = 0; i < count; i++) {
                i2 += i % 100;
            }
            assertThat(((Number) totals.get("i2")).longValue()).isEqualTo(i2);
            assertThat(((java.math.BigDecimal) totals.get("n")).toPlainString()).isEqualTo(n * (n - 1) / 2 + n / 2 + ".000000");
            assertThat(h.createQuery("SELECT t FROM " + table + " WHERE id = 10001").mapTo(String.class).one()).isEqualTo("row\t10001 😀");
        });
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

    @ParameterizedTest(name = "streaming={0}")
    @ValueSource(booleans = {false, true})
    void aValueItsColumnCannotHoldIsRefusedByNameAndNothingIsWritten(boolean streaming) {
        String table = typedTable();
        Object[] good = {1L, "t", "v", 1, 1, 1L, true, Instant.parse("2026-01-01T00:00:00Z"), "1.5"};
        List<Object[]> bad = List.of(
                with(good, 7, Boolean.TRUE),
                with(good, 4, "12"),
                with(good, 1, 5L),
                with(good, 6, "true"),
                with(good, 4, 2_147_483_648L),
                with(good, 3, 40_000),
                with(good, 8, "1.5 dollars"),
                with(good, 7, Instant.MAX));
        List<String> messages = List.of(
                "cannot write a Boolean into " + table + ".at (timestamp with time zone)",
                "cannot write a String into " + table + ".i4 (integer)",
                "cannot write a Long into " + table + ".t (text)",
                "cannot write a String into " + table + ".b (boolean)",
                table + ".i4 (integer) cannot hold 2147483648",
                table + ".i2 (smallint) cannot hold 40000",
                table + ".n (numeric(14,6)) cannot hold \"1.5 dollars\"",
                table + ".at (timestamp with time zone) cannot hold " + Instant.MAX);
        jdbi.useHandle(h -> {
            h.execute("CREATE TEMP TABLE " + table + " " + TYPED_TABLE.replace("ON COMMIT DROP", ""));
            for (int k = 0; k < bad.size(); k++) {
                Object[] row = bad.get(k);
                h.begin();
                try (BulkInsert insert = writer(h, table, TYPED_COLUMNS, streaming)) {
                    for (long i = 0; i < 700; i++) {
                        insert.add(with(good, 0, 100 + i));
                    }
                    assertThatThrownBy(() -> insert.add(row).flush())
                            .isInstanceOf(IllegalArgumentException.class).hasMessage(messages.get(k));
                }
                h.rollback();
                assertThat(h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one()).isZero();
            }
        });
    }

    /**
     * The COPY opens with a batch's first 64 KB: a value refused before then leaves the transaction as it was; one
     * refused later leaves it to be rolled back, after which nothing of the batch is there.
     */
    @ParameterizedTest(name = "streaming={0}")
    @ValueSource(booleans = {false, true})
    void aRefusedValueInTheFirstPieceLeavesTheTransactionUsable(boolean streaming) {
        String table = typedTable();
        Object[] good = {1L, "t", "v", 1, 1, 1L, true, Instant.parse("2026-01-01T00:00:00Z"), "1.5"};
        jdbi.useHandle(h -> {
            h.execute("CREATE TEMP TABLE " + table + " " + TYPED_TABLE.replace("ON COMMIT DROP", ""));
            for (int rows : List.of(10, 3_000)) {
                h.begin();
                h.execute("INSERT INTO " + table + " (id) VALUES (-1)");
                try (BulkInsert insert = writer(h, table, TYPED_COLUMNS, streaming)) {
                    for (long i = 0; i < rows; i++) {
                        insert.add(with(good, 0, 100 + i));
                    }
                    assertThatThrownBy(() -> insert.add(with(good, 4, "12")).flush()).isInstanceOf(IllegalArgumentException.class);
                }
                if (rows == 10) {
                    assertThat(h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one()).isOne();
                }
                h.rollback();
                assertThat(h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one()).isZero();
            }
        });
    }

    @Test
    void aColumnOfATypeItCannotWriteOrThatDoesNotExistIsRefusedByName() {
        String table = "bulk_" + TABLES.incrementAndGet();
        jdbi.useTransaction(h -> {
            h.execute("CREATE TEMP TABLE " + table + " (id BIGINT, doc JSONB) ON COMMIT DROP");
            assertThatThrownBy(() -> Dialect.POSTGRESQL.bulkInsert(h, table, List.of("id", "doc")).add(1L, "{}").flush())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(table + ".doc is of type jsonb, which bulk inserts cannot write");
            assertThatThrownBy(() -> Dialect.POSTGRESQL.bulkInsert(h, table, List.of("id", "missing")).add(1L, "x").flush())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("table " + table + " has no column missing");
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
            assertThat(h.createQuery("SELECT 1").mapTo(Integer.class).one()).isOne();
        });
    }

    /** A table name no other test uses: column types are cached per table name. */
    private static String typedTable() {
        return "typed_" + TABLES.incrementAndGet();
    }

    private static BulkInsert writer(Handle h, String table, List<String> columns, boolean streaming) {
        return streaming ? Dialect.POSTGRESQL.streamingInsert(h, table, columns) : Dialect.POSTGRESQL.bulkInsert(h, table, columns);
    }

    private static Object[] with(Object[] row, int index, Object value) {
        Object[] copy = row.clone();
        copy[index] = value;
        return copy;
    }
}
