package dev.parley.bench;

import dev.parley.app.Config;
import dev.parley.app.Parley;
import dev.parley.contacts.ImportJob;
import dev.parley.contacts.ImportRoutes;
import dev.parley.core.Json;
import dev.parley.tenancy.AuditLog;
import java.io.BufferedWriter;
import java.io.Reader;
import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code parley bench import}: generates a CSV of {@code --rows} contacts (5% invalid, 5% repeating an
 * earlier row), imports it through the real import path ({@code Imports.accept} + {@code runHere}) into a
 * fresh PostgreSQL schema and a fresh H2 database, and times PostgreSQL's own {@code COPY} of the same
 * file into a plain table as the physical ceiling. Prints rows/s, peak heap and the ratio as JSON.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Benchmark the CSV import on PostgreSQL and H2 (--db-url none: H2 only).")
public final class ImportBench implements Callable<Integer> {
    @Option(names = "--rows", defaultValue = "1000000", description = "Rows in the generated file (default ${DEFAULT-VALUE}).")
    int rows;

    @Mixin
    BenchParley.Database database;

    @Option(names = "--skip-h2", description = "Measure PostgreSQL only.")
    boolean skipH2;

    @Option(names = "--imports", defaultValue = "2", description = "Imports of the file, each by a new server on an empty"
            + " database, in this one JVM (default ${DEFAULT-VALUE}): the first while the JIT compiler works, the next warm.")
    int imports;

    @Option(names = "--shared-table", description = "PostgreSQL: every import by one server into one schema, each into a new"
            + " tenant, so later imports meet a table that holds the earlier tenants' contacts.")
    boolean sharedTable;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("parley-bench-import-");
        try {
            Path csv = dir.resolve("contacts.csv");
            long t0 = System.nanoTime();
            generate(csv, rows);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("benchmark", "import");
            out.put("rows", rows);
            out.put("fileBytes", Files.size(csv));
            out.put("generateSeconds", seconds(t0));
            if (!"none".equals(database.dbUrl)) {
                List<Map<String, Object>> pg = new ArrayList<>();
                double copySeconds;
                if (sharedTable) {
                    try (BenchParley bench = BenchParley.open(database, "import")) {
                        for (int i = 1; i <= imports; i++) {
                            pg.add(describe(i, importOnce(bench.parley(), csv, bench.applicationName())));
                        }
                        copySeconds = copyCeiling(bench.schema(), csv);
                    }
                } else {
                    copySeconds = -1;
                    for (int i = 1; i <= imports; i++) {
                        try (BenchParley bench = BenchParley.open(database, "import")) {
                            pg.add(describe(i, importOnce(bench.parley(), csv, bench.applicationName())));
                            if (i == imports) {
                                copySeconds = copyCeiling(bench.schema(), csv);
                            }
                        }
                    }
                }
                for (Map<String, Object> run : pg) {
                    run.put("ratioToCopy", Math.round((double) run.get("seconds") / copySeconds * 100) / 100.0);
                }
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("imports", pg);
                result.put("copySeconds", copySeconds);
                result.put("copyRowsPerSecond", Math.round(rows / copySeconds));
                out.put("postgresql", result);
            }
            if (!skipH2) {
                List<Map<String, Object>> h2 = new ArrayList<>();
                for (int i = 1; i <= imports; i++) {
                    h2.add(h2Import(i, dir.resolve("h2-" + i), csv));
                }
                out.put("h2", Map.of("imports", h2));
            }
            out.put("machine", Machine.describe());
            System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
            return 0;
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Imports {@code csv} into a new tenant of a new H2 server. The servers of one bench share its JVM, so the first
     * import runs while the JIT compiler is still at work, and the next ones as a server that has imported before.
     */
    private Map<String, Object> h2Import(int number, Path dataDir, Path csv) throws Exception {
        try (Parley parley = Parley.open(Config.resolve(Map.of("PARLEY_DATA_DIR", dataDir.toString()), Map.of()))) {
            return describe(number, importOnce(parley, csv, null));
        }
    }

    private static Map<String, Object> describe(int number, Map<String, Object> figures) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("import", number);
        m.put("jvm", number == 1 ? "fresh (JIT compiling while it runs)" : "warm (imported before)");
        m.putAll(figures);
        return m;
    }

    /** One import into a new tenant; {@code applicationName} names the PostgreSQL backends to measure (null on H2). */
    private Map<String, Object> importOnce(Parley parley, Path csv, String applicationName) throws Exception {
        var tenant = parley.tenants().create("Bench", "bench-" + UUID.randomUUID() + "@bench.test", null, AuditLog.Actor.system("bench"));
        var options = ImportRoutes.options(Map.of("listName", "bench", "region", "GB", "unmappedAsAttributes", "true"));
        System.gc();
        long baseline = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        BackendCpu backends = applicationName == null ? null : new BackendCpu(database.dbUrl, database.dbUser, database.dbPassword, applicationName);
        long cpu0 = Machine.processCpuMillis();
        var threads0 = Machine.threadTicks();
        Map<Long, Map.Entry<String, Long>> threads1;
        long t0 = System.nanoTime();
        ImportJob done;
        Map<String, Object> heap;
        double backendSeconds;
        try (HeapWatch watch = new HeapWatch()) {
            ImportJob job = parley.imports().accept(tenant.tenantId(), csv, "contacts.csv", options, null, true);
            done = parley.imports().runHere(tenant.tenantId(), job, csv, j -> { });
            threads1 = watch.threadTicks();
            heap = watch.report();
            heap.put("beforeImportMiB", baseline / (1024 * 1024));
        } finally {
            backendSeconds = backends == null ? -1 : backends.seconds();
            if (backends != null) {
                backends.close();
            }
        }
        double seconds = seconds(t0);
        double processCpu = (Machine.processCpuMillis() - cpu0) / 1000.0;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("database", parley.database().dialect().displayName());
        m.put("status", done.status());
        m.put("seconds", seconds);
        m.put("rowsPerSecond", Math.round(rows / seconds));
        m.put("imported", done.imported());
        m.put("updated", done.updated());
        m.put("unchanged", done.unchanged());
        m.put("rejected", done.rejected());
        m.put("peakHeap", heap);
        m.put("processCpuSeconds", processCpu);
        m.put("jvmThreadCpuSeconds", Machine.threadCpuSeconds(threads0, threads1));
        if (backendSeconds >= 0) {
            m.put("postgresBackendCpuSeconds", backendSeconds);
        }
        return m;
    }

    /** PostgreSQL's own COPY of the same file into a plain table without indexes: the ceiling. */
    private double copyCeiling(String schema, Path csv) throws Exception {
        try (Connection c = DriverManager.getConnection(database.dbUrl, database.dbUser, database.dbPassword)) {
            c.createStatement().execute("CREATE TABLE " + schema + ".raw_copy (phone text, email text, first_name text, last_name text, city text)");
            long t0 = System.nanoTime();
            try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
                new CopyManager(c.unwrap(BaseConnection.class)).copyIn(
                        "COPY " + schema + ".raw_copy FROM STDIN WITH (FORMAT csv, HEADER true)", in);
            }
            return seconds(t0);
        }
    }

    /** Unique GB mobiles (in no order) and emails; every 20th row is invalid, every 20th (offset) repeats an earlier row. */
    static void generate(Path csv, int rows) throws Exception {
        Random random = new Random(42);
        String[] first = {"Ann", "Bola", "Chen", "Dara", "Emeka", "Fatima", "Gareth", "Hana", "Ifeoma", "Jon"};
        String[] last = {"Smith", "Okafor", "Li", "Jones", "Adeyemi", "Khan", "Evans", "Sato", "Nwosu", "Brown"};
        String[] city = {"London", "Lagos", "Leeds", "Abuja", "Cardiff", "Manchester", "Kano", "Bristol"};
        try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            w.write("Mobile,Email,First Name,Surname,City\n");
            for (int i = 0; i < rows; i++) {
                int n = i;
                if (i % 20 == 7 && i > 100) {
                    n = random.nextInt(i - 1);
                }
                // Within each block of a million, n * 48271 mod 10^6 is one-to-one (48271 shares no factor with 10^6)
                // and scatters the numbers, as a real file's are: sequential numbers would make the phone index
                // append-only and flatter the import. The 07900 block is valid throughout.
                long scattered = n % 1_000_000 * 48_271L % 1_000_000L;
                String phone = String.format("+44790%d%06d", n / 1_000_000 % 10, scattered);
                // Emails are scattered the same way: "person" + n, as before, reached the email index almost in key order.
                String email = first[n % first.length].toLowerCase(Locale.ROOT) + "." + (n / 1_000_000 * 1_000_000L + scattered) + "@example.com";
                if (i % 20 == 3) {
                    phone = i % 40 == 3 ? "12345" : phone;
                    email = i % 40 == 3 ? email : "person" + n + "@@example";
                }
                w.write(phone + "," + email + "," + first[n % first.length] + "," + last[(n / 10) % last.length] + ","
                        + city[n % city.length] + "\n");
            }
        }
    }

    /**
     * Heap use while an import runs, measured two ways, because neither alone is honest: {@code usedMiB} is the
     * highest heap use sampled every 10 ms (it includes garbage not yet collected, so it follows the collector's
     * choices and {@code -Xmx} more than the import), {@code liveAfterGcMiB} the highest heap use right after a
     * collection ended, read from GC notifications, also per quarter of the run: an upper bound of what was held
     * (a young collection leaves promoted garbage in the old generation until a mixed one), including what
     * Parley held before the import ({@code beforeImportMiB}). Flat in file size means they stay put
     * from 100k to 1M rows under a small {@code -Xmx}, and from the first quarter of a run to the last.
     */
    static final class HeapWatch implements AutoCloseable {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final AtomicLong used = new AtomicLong();
        private final AtomicLong liveAfterGc = new AtomicLong();
        private final AtomicLong collections = new AtomicLong();
        private final List<long[]> afterGc = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final long started = System.nanoTime();
        private final List<Runnable> unsubscribe = new ArrayList<>();
        private final Thread sampler;
        private volatile boolean running = true;

        HeapWatch() {
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter emitter) {
                    NotificationListener listener = (n, handback) -> {
                        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                            var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                            long after = 0;
                            for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                                if (heapPools.contains(pool.getKey())) {
                                    after += pool.getValue().getUsed();
                                }
                            }
                            liveAfterGc.accumulateAndGet(after, Math::max);
                            afterGc.add(new long[] {System.nanoTime(), after});
                            collections.incrementAndGet();
                        }
                    };
                    emitter.addNotificationListener(listener, null, null);
                    unsubscribe.add(() -> {
                        try {
                            emitter.removeNotificationListener(listener);
                        } catch (javax.management.ListenerNotFoundException e) {
                            // Already gone.
                        }
                    });
                }
            }
            sampler = Thread.ofPlatform().daemon().name("bench-heap-sampler").start(() -> {
                for (int i = 0; running; i++) {
                    used.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    if (i % 10 == 0) {
                        threadTicks();
                    }
                    LockSupport.parkNanos(10_000_000);
                }
            });
        }

        private static final java.util.Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());

        /** The latest CPU ticks of every JVM thread seen alive while this watch ran, sampled every 100 ms (see Machine). */
        synchronized Map<Long, Map.Entry<String, Long>> threadTicks() {
            Machine.threadTicks().forEach((tid, t) -> threads.merge(tid, t, (a, b) -> b.getValue() >= a.getValue() ? b : a));
            return new HashMap<>(threads);
        }

        private final Map<Long, Map.Entry<String, Long>> threads = new HashMap<>();

        Map<String, Object> report() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("usedMiB", used.get() / (1024 * 1024));
            m.put("liveAfterGcMiB", liveAfterGc.get() / (1024 * 1024));
            m.put("collections", collections.get());
            long span = Math.max(1, System.nanoTime() - started);
            long[] quarters = new long[4];
            for (long[] sample : afterGc) {
                int q = (int) Math.min(3, (sample[0] - started) * 4 / span);
                quarters[q] = Math.max(quarters[q], sample[1] / (1024 * 1024));
            }
            m.put("liveAfterGcMiBByQuarter", quarters);
            m.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
            return m;
        }

        @Override
        public void close() {
            running = false;
            try {
                sampler.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            unsubscribe.forEach(Runnable::run);
        }
    }

    private static double seconds(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e7) / 100.0;
    }
}
