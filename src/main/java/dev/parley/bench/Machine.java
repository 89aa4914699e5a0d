package dev.parley.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a benchmark ran on: CPU, cores, memory, JVM and OS, printed beside every figure. */
public final class Machine {
    private Machine() {}

    public static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpuModel());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("memoryGiB", totalMemoryGiB());
        m.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        return m;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: fall through.
        }
        return System.getProperty("os.arch");
    }

    private static String totalMemoryGiB() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return String.format("%.1f", os.getTotalMemorySize() / (1024.0 * 1024 * 1024));
        }
        return "unknown";
    }

    /** Process CPU time so far, in milliseconds, or -1 when the JVM cannot tell. */
    public static long processCpuMillis() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1_000_000;
        }
        return -1;
    }

    /**
     * CPU ticks (10 ms) used so far by each live thread of this JVM, by thread id, with its kernel name
     * ({@code /proc/self/task}; empty elsewhere): includes the collector and JIT compiler threads that
     * Java's own thread list does not show.
     */
    public static Map<Long, Map.Entry<String, Long>> threadTicks() {
        Map<Long, Map.Entry<String, Long>> m = new LinkedHashMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    m.put(Long.parseLong(task.getFileName().toString()), Map.entry(name, Long.parseLong(f[11]) + Long.parseLong(f[12])));
                } catch (IOException | RuntimeException e) {
                    // The thread ended meanwhile.
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux.
        }
        return m;
    }

    /** CPU seconds per group of JVM threads (GC, JIT, import reader, import writer, …) between two {@link #threadTicks}. */
    public static Map<String, Double> threadCpuSeconds(Map<Long, Map.Entry<String, Long>> before, Map<Long, Map.Entry<String, Long>> after) {
        Map<String, Long> ticks = new java.util.TreeMap<>();
        for (var e : after.entrySet()) {
            var was = before.get(e.getKey());
            long used = e.getValue().getValue() - (was == null ? 0 : was.getValue());
            ticks.merge(group(e.getValue().getKey()), used, Long::sum);
        }
        Map<String, Double> m = new LinkedHashMap<>();
        ticks.forEach((k, v) -> {
            if (v > 0) {
                m.put(k, v / 100.0);
            }
        });
        return m;
    }

    private static String group(String thread) {
        if (thread.startsWith("GC ") || thread.startsWith("G1 ")) {
            return "gc";
        }
        if (thread.startsWith("C1 ") || thread.startsWith("C2 ")) {
            return "jit";
        }
        if (thread.startsWith("parley-import")) {
            return "importWriter";
        }
        return thread.equals("java") || thread.equals("main") ? "main (import reader)" : "other";
    }
}
