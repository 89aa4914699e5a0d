package dev.parley.db;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.postgresql.util.ByteConverter;

/**
 * Rows for {@code COPY … FROM STDIN (FORMAT binary)} into some columns of one PostgreSQL table, encoded into one
 * reusable buffer. Each value is written in the binary form of its column's actual type (looked up in
 * {@code pg_attribute}), widening or narrowing whole numbers as the column needs; a value that cannot go into its
 * column is refused with an {@link IllegalArgumentException} before its row is encoded, never written as bytes the
 * server would misread (what reaches the server before then is {@code BulkInsert.Copy}'s affair).
 *
 * <p>A table's column types are looked up once per database URL and table name and kept for the life of the JVM:
 * Parley's tables change only through migrations, which run before anything writes to them.
 */
final class BinaryCopy {
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    /** Seconds from the Unix epoch to PostgreSQL's, 2000-01-01T00:00:00Z. */
    private static final long POSTGRES_EPOCH_SECOND = 946_684_800L;
    private static final ConcurrentMap<String, Map<String, Column>> TABLES = new ConcurrentHashMap<>();

    private enum Kind { TEXT, INT2, INT4, INT8, BOOL, TIMESTAMPTZ, NUMERIC }

    /** A column as PostgreSQL declares it; {@code kind} is null for a type this writer cannot encode. */
    private record Column(String name, Kind kind, String type) {}

    private final String table;
    private final Column[] columns;
    private byte[] buffer = new byte[1 << 16];
    private int size;

    private BinaryCopy(String table, Column[] columns) {
        this.table = table;
        this.columns = columns;
    }

    /** An encoder for {@code columns} of {@code table} as the connection's search path resolves it. */
    static BinaryCopy of(Connection connection, String table, List<String> columns) throws SQLException {
        String key = connection.getMetaData().getURL() + " " + table;
        Map<String, Column> declared = TABLES.get(key);
        if (declared == null) {
            declared = lookUp(connection, table);
            TABLES.put(key, declared);
        }
        Column[] chosen = new Column[columns.size()];
        for (int i = 0; i < chosen.length; i++) {
            Column c = declared.get(columns.get(i));
            if (c == null) {
                throw new IllegalArgumentException("table " + table + " has no column " + columns.get(i));
            }
            if (c.kind() == null) {
                throw new IllegalArgumentException(table + "." + c.name() + " is of type " + c.type() + ", which bulk inserts cannot write");
            }
            chosen[i] = c;
        }
        return new BinaryCopy(table, chosen);
    }

    private static Map<String, Column> lookUp(Connection connection, String table) throws SQLException {
        Map<String, Column> declared = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("""
                SELECT attname, atttypid::int8, format_type(atttypid, atttypmod) FROM pg_attribute
                WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped""")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    declared.put(rs.getString(1), new Column(rs.getString(1), kind(rs.getLong(2)), rs.getString(3)));
                }
            }
        }
        if (declared.isEmpty()) {
            throw new IllegalArgumentException("no table " + table + " on the connection's search path");
        }
        return Map.copyOf(declared);
    }

    private static Kind kind(long typeOid) {
        return switch ((int) typeOid) {
            case 25, 1042, 1043 -> Kind.TEXT; // text, character, character varying
            case 21 -> Kind.INT2;
            case 23 -> Kind.INT4;
            case 20 -> Kind.INT8;
            case 16 -> Kind.BOOL;
            case 1184 -> Kind.TIMESTAMPTZ;
            case 1700 -> Kind.NUMERIC;
            default -> null;
        };
    }

    /** Empties the buffer. */
    void clear() {
        size = 0;
    }

    /** The signature, flags and (empty) header extension that open a COPY's data. */
    void header() {
        put(HEADER, HEADER.length);
    }

    /** The field count of -1 that ends a COPY's data. */
    void trailer() {
        putShort(-1);
    }

    void row(Object[] values) {
        putShort(values.length);
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            if (value == null) {
                putInt(-1);
                continue;
            }
            Column c = columns[i];
            switch (c.kind()) {
                case TEXT -> {
                    if (!(value instanceof String s)) {
                        throw refused(c, value);
                    }
                    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                    putInt(utf8.length);
                    put(utf8, utf8.length);
                }
                case INT2 -> {
                    putInt(2);
                    putShort((int) whole(c, value, Short.MIN_VALUE, Short.MAX_VALUE));
                }
                case INT4 -> {
                    putInt(4);
                    putInt((int) whole(c, value, Integer.MIN_VALUE, Integer.MAX_VALUE));
                }
                case INT8 -> {
                    putInt(8);
                    putLong(whole(c, value, Long.MIN_VALUE, Long.MAX_VALUE));
                }
                case BOOL -> {
                    if (!(value instanceof Boolean b)) {
                        throw refused(c, value);
                    }
                    putInt(1);
                    ensure(1);
                    buffer[size++] = (byte) (b ? 1 : 0);
                }
                case TIMESTAMPTZ -> {
                    if (!(value instanceof Instant at)) {
                        throw refused(c, value);
                    }
                    putInt(8);
                    putLong(postgresMicros(c, at));
                }
                case NUMERIC -> {
                    byte[] numeric = ByteConverter.numeric(decimal(c, value));
                    putInt(numeric.length);
                    put(numeric, numeric.length);
                }
            }
        }
    }

    byte[] bytes() {
        return buffer;
    }

    int size() {
        return size;
    }

    private long whole(Column c, Object value, long min, long max) {
        long n = switch (value) {
            case Integer i -> i;
            case Long l -> l;
            default -> throw refused(c, value);
        };
        if (n < min || n > max) {
            throw new IllegalArgumentException(table + "." + c.name() + " (" + c.type() + ") cannot hold " + n);
        }
        return n;
    }

    private BigDecimal decimal(Column c, Object value) {
        return switch (value) {
            case Integer i -> BigDecimal.valueOf(i);
            case Long l -> BigDecimal.valueOf(l);
            case String s -> {
                try {
                    yield new BigDecimal(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(table + "." + c.name() + " (" + c.type() + ") cannot hold \"" + s + "\"", e);
                }
            }
            default -> throw refused(c, value);
        };
    }

    /** Microseconds since PostgreSQL's epoch (its timestamps keep no finer part), rounded half up. */
    private long postgresMicros(Column c, Instant at) {
        try {
            return Math.addExact(Math.multiplyExact(at.getEpochSecond() - POSTGRES_EPOCH_SECOND, 1_000_000L), (at.getNano() + 500) / 1000);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(table + "." + c.name() + " (" + c.type() + ") cannot hold " + at, e);
        }
    }

    private IllegalArgumentException refused(Column c, Object value) {
        return new IllegalArgumentException("cannot write a " + value.getClass().getSimpleName() + " into " + table + "." + c.name()
                + " (" + c.type() + ")");
    }

    private void putShort(int v) {
        ensure(2);
        buffer[size++] = (byte) (v >>> 8);
        buffer[size++] = (byte) v;
    }

    private void putInt(int v) {
        ensure(4);
        ByteConverter.int4(buffer, size, v);
        size += 4;
    }

    private void putLong(long v) {
        ensure(8);
        ByteConverter.int8(buffer, size, v);
        size += 8;
    }

    private void put(byte[] bytes, int length) {
        ensure(length);
        System.arraycopy(bytes, 0, buffer, size, length);
        size += length;
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }
}
