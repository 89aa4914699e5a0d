package dev.parley.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * Appends many rows to one table in the caller's transaction, the fastest way each database allows:
 * PostgreSQL {@code COPY … FROM STDIN} (binary format) and, on H2, one prepared multi-row statement run as
 * a JDBC batch. Rows are buffered up to {@link #FLUSH_ROWS} and written on {@link #flush()}; values are
 * {@code String}, {@code Long}, {@code Integer}, {@code Boolean}, {@code Instant} or null, and on PostgreSQL each
 * must suit its column's type (a {@code String} for a numeric column is read as a decimal), or {@code add} or
 * {@code flush} throws {@link IllegalArgumentException} (then roll the transaction back: on PostgreSQL part of the
 * batch may have reached the server, see {@code Copy.encodePending}). Made by {@link Dialect#bulkInsert} or
 * {@link Dialect#streamingInsert}.
 */
public abstract sealed class BulkInsert implements AutoCloseable {
    static final int FLUSH_ROWS = 5_000;

    protected final Connection connection;
    protected final String table;
    protected final List<String> columns;
    protected final List<Object[]> pending = new ArrayList<>();
    private long written;

    BulkInsert(Connection connection, String table, List<String> columns) {
        this.connection = connection;
        this.table = table;
        this.columns = List.copyOf(columns);
    }

    public final BulkInsert add(Object... row) {
        if (row.length != columns.size()) {
            throw new IllegalArgumentException(table + " needs " + columns.size() + " values, got " + row.length);
        }
        pending.add(row);
        if (pending.size() >= batchRows()) {
            send(false);
        }
        return this;
    }

    /** Writes the buffered rows; returns how many rows this writer has written in all. */
    public final long flush() {
        send(true);
        return written;
    }

    /** Gives up rows not yet flushed (a streaming COPY is canceled, so the connection can run statements again). */
    @Override
    public void close() {
        pending.clear();
    }

    private void send(boolean end) {
        try {
            if (!pending.isEmpty()) {
                write();
                written += pending.size();
                pending.clear();
            }
            if (end) {
                finish();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("bulk insert into " + table + " failed: " + e.getMessage(), e);
        }
    }

    /** Rows buffered before they are written. */
    int batchRows() {
        return FLUSH_ROWS;
    }

    protected abstract void write() throws SQLException;

    /** Completes what {@link #write} left open. */
    protected void finish() throws SQLException {}

    /**
     * {@code COPY FROM STDIN} in PostgreSQL's binary format (see {@link BinaryCopy}: no text for the server to
     * parse): one statement per {@link #FLUSH_ROWS} rows, or, streaming, one statement left open from the first row
     * to {@link #flush()} that is sent a few hundred rows at a time, so PostgreSQL inserts rows while the caller is
     * still making the next ones. While a streaming COPY is open the connection can run nothing else (the driver
     * would wait for the COPY forever): the caller makes no other statement between its first {@code add} and
     * {@code flush}, and closes the writer when it fails in between.
     */
    static final class Copy extends BulkInsert {
        private static final int STREAM_ROWS = 500;
        private static final int PIECE = 1 << 16;
        private final boolean streaming;
        private final String sql;
        private BinaryCopy rows;
        private CopyIn open;

        Copy(Connection connection, String table, List<String> columns, boolean streaming) {
            super(connection, table, columns);
            this.streaming = streaming;
            this.sql = "COPY " + table + " (" + String.join(", ", columns) + ") FROM STDIN (FORMAT binary)";
        }

        @Override
        int batchRows() {
            return streaming ? STREAM_ROWS : FLUSH_ROWS;
        }

        @Override
        protected void write() throws SQLException {
            if (rows == null) {
                rows = BinaryCopy.of(connection, table, columns);
            }
            rows.clear();
            if (open == null) {
                rows.header();
            }
            CopyManager copies = new CopyManager(connection.unwrap(BaseConnection.class));
            if (streaming) {
                encodePending(copies);
                sendPiece(copies);
                return;
            }
            try {
                encodePending(copies);
                rows.trailer();
                sendPiece(copies);
                CopyIn copy = open;
                open = null;
                copy.endCopy();
            } finally {
                if (open != null) {
                    if (open.isActive()) {
                        open.cancelCopy();
                    }
                    open = null;
                }
            }
        }

        /**
         * Encodes the pending rows, sending them a piece of {@link #PIECE} bytes at a time: the buffer stays small
         * however many rows there are (growing one to hold a whole batch cost more than encoding it). The COPY opens
         * with the first piece, so a value a column cannot hold, found in a batch's first 64 KB, throws before
         * anything reaches the server; found later, it throws with the COPY cancelled (non-streaming) or still open
         * (streaming, for {@link #close} to cancel), and the caller's transaction must be rolled back.
         */
        private void encodePending(CopyManager copies) throws SQLException {
            for (Object[] row : pending) {
                rows.row(row);
                if (rows.size() >= PIECE) {
                    sendPiece(copies);
                }
            }
        }

        private void sendPiece(CopyManager copies) throws SQLException {
            if (open == null) {
                open = copies.copyIn(sql);
            }
            open.writeToCopy(rows.bytes(), 0, rows.size());
            rows.clear();
        }

        @Override
        protected void finish() throws SQLException {
            if (open != null) {
                rows.clear();
                rows.trailer();
                open.writeToCopy(rows.bytes(), 0, rows.size());
                CopyIn copy = open;
                open = null;
                copy.endCopy();
            }
        }

        @Override
        public void close() {
            super.close();
            if (open != null && open.isActive()) {
                try {
                    open.cancelCopy();
                } catch (SQLException e) {
                    throw new IllegalStateException("canceling the COPY into " + table + " failed: " + e.getMessage(), e);
                } finally {
                    open = null;
                }
            }
        }
    }

    static final class Batch extends BulkInsert {
        private static final int ROWS_PER_STATEMENT = 100;

        Batch(Connection connection, String table, List<String> columns) {
            super(connection, table, columns);
        }

        @Override
        protected void write() throws SQLException {
            int full = pending.size() / ROWS_PER_STATEMENT;
            if (full > 0) {
                try (PreparedStatement ps = connection.prepareStatement(sql(ROWS_PER_STATEMENT))) {
                    for (int s = 0; s < full; s++) {
                        bindRows(ps, s * ROWS_PER_STATEMENT, ROWS_PER_STATEMENT);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            int rest = pending.size() - full * ROWS_PER_STATEMENT;
            if (rest > 0) {
                try (PreparedStatement ps = connection.prepareStatement(sql(rest))) {
                    bindRows(ps, full * ROWS_PER_STATEMENT, rest);
                    ps.executeUpdate();
                }
            }
        }

        private String sql(int rows) {
            String one = "(" + String.join(", ", java.util.Collections.nCopies(columns.size(), "?")) + ")";
            return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES "
                    + String.join(", ", java.util.Collections.nCopies(rows, one));
        }

        private void bindRows(PreparedStatement ps, int from, int count) throws SQLException {
            int p = 1;
            for (int r = from; r < from + count; r++) {
                for (Object value : pending.get(r)) {
                    ps.setObject(p++, value instanceof Instant at ? OffsetDateTime.ofInstant(at, ZoneOffset.UTC) : value);
                }
            }
        }
    }
}
