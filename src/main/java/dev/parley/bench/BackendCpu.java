package dev.parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * CPU time of the PostgreSQL backends serving one application name, read from {@code /proc/PID/stat}
 * (user + system, clock ticks of 10 ms): the database's side of a benchmark, which the JVM's process
 * CPU does not include. Works only when PostgreSQL runs on this machine (else {@link #seconds} is -1).
 * Backends are sampled every 100 ms while they live and once more by {@link #seconds}, so a connection
 * that closed between samples loses at most its last 100 ms; PostgreSQL's background processes (WAL
 * writer, checkpointer, autovacuum) are not counted.
 */
final class BackendCpu implements AutoCloseable {
    private static final double TICK_SECONDS = 0.01;

    private final Connection connection;
    private final String applicationName;
    private final Map<Integer, long[]> ticks = new ConcurrentHashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    BackendCpu(String url, String user, String password, String applicationName) throws SQLException {
        this.connection = DriverManager.getConnection(url, user, password);
        this.applicationName = applicationName;
        sample();
        // The backends alive now count from now: a pooled connection's earlier work is not this measure's.
        ticks.replaceAll((pid, t) -> new long[] {t[1], t[1]});
        sampler = Thread.ofPlatform().daemon().name("bench-backend-cpu").start(() -> {
            while (running) {
                sample();
                LockSupport.parkNanos(100_000_000);
            }
        });
    }

    /** CPU seconds the backends used since this was made, or -1 when /proc cannot tell. */
    double seconds() {
        sample();
        long total = 0;
        for (long[] t : ticks.values()) {
            total += t[1] - t[0];
        }
        return ticks.isEmpty() ? -1 : Math.round(total * TICK_SECONDS * 100) / 100.0;
    }

    private synchronized void sample() {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
            ps.setString(1, applicationName);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int pid = rs.getInt(1);
                    long now = read(pid);
                    if (now >= 0) {
                        // A backend first seen now started after the measure began: all its CPU counts.
                        ticks.compute(pid, (p, t) -> t == null ? new long[] {0, now} : new long[] {t[0], Math.max(t[1], now)});
                    }
                }
            }
        } catch (SQLException e) {
            // The next sample tries again.
        }
    }

    private static long read(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public void close() throws SQLException {
        running = false;
        try {
            sampler.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connection.close();
    }
}
