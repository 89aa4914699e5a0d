package dev.parley.db;

import java.sql.SQLException;
import java.util.Set;

/** The SQLSTATEs Parley acts on, and the one place that looks for them through an exception's causes. */
public final class SqlStates {
    /** A unique index refused a row (PostgreSQL and H2). */
    public static final String UNIQUE_VIOLATION = "23505";
    /** PostgreSQL ended a transaction to break a deadlock. */
    public static final String DEADLOCK = "40P01";
    /** PostgreSQL ended a transaction that could not be serialised with a concurrent one. */
    public static final String SERIALIZATION_FAILURE = "40001";

    private SqlStates() {}

    /** Whether {@code e}, or any of its causes, is an {@link SQLException} with one of {@code states}. */
    public static boolean causedBy(Throwable e, String... states) {
        Set<String> wanted = Set.of(states);
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && wanted.contains(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
