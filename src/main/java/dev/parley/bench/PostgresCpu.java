package dev.parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time spent by PostgreSQL's processes, read from {@code /proc/<pid>/stat} (user + system, in clock ticks of
 * 10 ms): the figure that says what a benchmark cost the database when the machine is shared and wall time says
 * more about the other tenants of the cores than about Parley. Works only with PostgreSQL on the same Linux host.
 *
 * <p>What a reader could get wrong: {@link #allProcesses()} counts every {@code postgres} process, so other
 * clients' work (someone else's build) is in it; {@link #of} counts only the backends named, which is the
 * benchmark's own share but leaves out the WAL writer, checkpointer and autovacuum.
 */
final class PostgresCpu {
    private static final long MILLIS_PER_TICK = 10;

    private PostgresCpu() {}

    /** CPU milliseconds of the given processes so far, by pid (a pid that is gone is left out). */
    static Map<Long, Long> of(Iterable<Long> pids) {
        Map<Long, Long> m = new HashMap<>();
        for (long pid : pids) {
            long ms = cpuMillis(pid);
            if (ms >= 0) {
                m.put(pid, ms);
            }
        }
        return m;
    }

    /** CPU milliseconds of every process named {@code postgres} on this host, by pid. */
    static Map<Long, Long> allProcesses() {
        Map<Long, Long> m = new HashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                long pid = Long.parseLong(p.getFileName().toString());
                String stat = stat(pid);
                if (stat != null && stat.contains("(postgres)")) {
                    m.put(pid, ticks(stat) * MILLIS_PER_TICK);
                }
            });
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return m;
    }

    /** The CPU milliseconds spent between two readings (a process new in {@code after} counts from zero). */
    static long spent(Map<Long, Long> before, Map<Long, Long> after) {
        long sum = 0;
        for (var e : after.entrySet()) {
            sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return sum;
    }

    private static long cpuMillis(long pid) {
        String stat = stat(pid);
        return stat == null ? -1 : ticks(stat) * MILLIS_PER_TICK;
    }

    private static String stat(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** utime + stime: fields 14 and 15, counted after the parenthesised command name (which may hold spaces). */
    private static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
