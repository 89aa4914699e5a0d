package dev.parley.bench;

import dev.parley.core.Json;
import dev.parley.core.SecretBox;
import dev.parley.core.Tokens;
import dev.parley.db.Database;
import dev.parley.db.TenantHandle;
import dev.parley.delivery.DeliveryEngine;
import dev.parley.delivery.Guarantee;
import dev.parley.delivery.Ledger;
import dev.parley.delivery.Nodes;
import dev.parley.delivery.Receipts;
import dev.parley.providers.ProviderRegistry;
import dev.parley.providers.ProviderStore;
import dev.parley.tenancy.ApiKeys;
import dev.parley.tenancy.AuditLog;
import dev.parley.tenancy.PasswordHasher;
import dev.parley.tenancy.Sessions;
import dev.parley.tenancy.Tenants;
import dev.parley.tenancy.Users;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code parley bench delivery}: messages per second queued → sent through the in-process simulator
 * (answering at once, then with latency), SQL statements per message, and the lateness of scheduled
 * messages falling due at a steady rate. Runs on a fresh H2 database, or on PostgreSQL given a URL (it
 * creates and drops its own schema there).
 */
@Command(name = "delivery", mixinStandardHelpOptions = true, description = "Benchmark the delivery engine.")
public final class DeliveryBench implements Callable<Integer> {
    @Option(names = "--db-url", description = "jdbc:postgresql://… (default: a temporary H2 database)")
    String dbUrl;

    @Option(names = "--db-user", defaultValue = "postgres")
    String dbUser;

    @Option(names = "--db-password", defaultValue = "")
    String dbPassword;

    @Option(names = "--messages", defaultValue = "200000", description = "Messages in each throughput run.")
    int messages;

    @Option(names = "--latency-ms", split = ",", defaultValue = "0,100", description = "Simulated provider latency per run.")
    List<Integer> latencies;

    @Option(names = "--concurrency", defaultValue = "2000", description = "Sends in flight (PARLEY_SEND_CONCURRENCY).")
    int concurrency;

    @Option(names = "--due-per-second", defaultValue = "1000", description = "Scheduled messages falling due per second.")
    int duePerSecond;

    @Option(names = "--due-seconds", defaultValue = "20", description = "How long scheduled messages keep falling due.")
    int dueSeconds;

    @Option(names = "--pool", defaultValue = "16")
    int pool;

    @Option(names = "--rate", defaultValue = "200", description = "Provider rate limit for the pacing run (messages/s).")
    int rate;

    @Option(names = "--rate-messages", defaultValue = "3000", description = "Messages in the pacing run.")
    int rateMessages;

    // A plain flag: picocli's negatable form of an option that defaults to true reads `--no-anchor` as true.
    @Option(names = "--no-anchor", description = "Skip the BullMQ anchor (measured by default on the local Redis; needs node and npm).")
    boolean noAnchor;

    private final AtomicLong statements = new AtomicLong();

    @Option(names = "--profile", description = "Also print time spent per statement kind.")
    boolean profile;

    private final Map<String, AtomicLong> timings = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, AtomicLong> counts = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public Integer call() throws Exception {
        Bench bench = Bench.open(dbUrl, dbUser, dbPassword, pool);
        try (bench) {
            bench.db.jdbi().setSqlLogger(new SqlLogger() {
                @Override
                public void logAfterExecution(StatementContext context) {
                    statements.incrementAndGet();
                    if (profile) {
                        String sql = context.getRenderedSql().strip().replaceAll("\\s+", " ");
                        String key = sql.substring(0, Math.min(60, sql.length()));
                        timings.computeIfAbsent(key, k -> new AtomicLong()).addAndGet(context.getElapsedTime(java.time.temporal.ChronoUnit.MICROS));
                        counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
                    }
                }
            });
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("benchmark", "delivery");
            out.put("database", bench.db.dialect().displayName());
            out.put("machine", Machine.describe());
            List<Object> runs = new ArrayList<>();
            for (int latency : latencies) {
                runs.add(throughput(bench, latency));
            }
            out.put("throughput", runs);
            out.put("scheduling", lateness(bench));
            out.put("pacing", pacing(bench));
            if (!noAnchor) {
                out.put("anchorBullmq", BullmqAnchor.run(Math.min(messages, 100_000), 50, duePerSecond, dueSeconds, rate,
                        rateMessages));
            }
            if (profile) {
                Map<String, String> prof = new LinkedHashMap<>();
                timings.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().get(), a.getValue().get()))
                        .forEach(e -> prof.put(e.getKey(), counts.get(e.getKey()).get() + " x, " + e.getValue().get() / 1000 + " ms"));
                out.put("profile", prof);
            }
            System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
        }
        return 0;
    }

    private Map<String, Object> throughput(Bench bench, int latencyMs) throws Exception {
        String provider = bench.provider(latencyMs);
        preload(bench, provider, messages, null);
        DeliveryEngine engine = bench.engine(concurrency);
        resetPeakHeap();
        long cpu0 = Machine.processCpuMillis();
        long st0 = statements.get();
        Instant t0 = Instant.now();
        engine.start();
        while (engine.settled() < messages) {
            Thread.sleep(5);
        }
        Duration took = Duration.between(t0, Instant.now());
        long st = statements.get() - st0;
        long cpu = Machine.processCpuMillis() - cpu0;
        engine.close();
        long sentRows = bench.count("sent");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("providerLatencyMs", latencyMs);
        r.put("messages", messages);
        r.put("sentInLedger", sentRows);
        r.put("ledgerByStatus", bench.byStatus());
        r.put("seconds", round(took.toMillis() / 1000.0));
        r.put("messagesPerSecond", Math.round(messages / (took.toMillis() / 1000.0)));
        r.put("sqlStatementsPerMessage", round((double) st / messages));
        r.put("cpuCoresBusy", round(cpu / (double) took.toMillis()));
        r.put("peakHeapMiB", peakHeapMiB());
        bench.clear();
        return r;
    }

    private Map<String, Object> lateness(Bench bench) throws Exception {
        String provider = bench.provider(0);
        int total = duePerSecond * dueSeconds;
        Instant first = Instant.now().plusSeconds(3);
        ConcurrentLinkedQueue<Long> late = new ConcurrentLinkedQueue<>();
        preload(bench, provider, total, i -> first.plusNanos(1_000_000_000L * i / duePerSecond));
        DeliveryEngine engine = bench.engine(concurrency);
        engine.onHandOff((m, at) -> late.add(Duration.between(m.dueAt(), at).toMillis()));
        engine.start();
        while (late.size() < total) {
            Thread.sleep(20);
        }
        engine.close();
        List<Long> sorted = new ArrayList<>(late);
        Collections.sort(sorted);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("messages", total);
        r.put("duePerSecond", duePerSecond);
        r.put("p50LatenessMs", sorted.get(sorted.size() / 2));
        r.put("p99LatenessMs", sorted.get((int) Math.floor(sorted.size() * 0.99)));
        r.put("maxLatenessMs", sorted.getLast());
        bench.clear();
        return r;
    }

    private Map<String, Object> pacing(Bench bench) throws Exception {
        String provider = bench.db.jdbi().inTransaction(h -> bench.providers.create(new TenantHandle(h, bench.tenantId),
                "paced", "simulator", "sms", Map.of(), (double) rate, true)).id();
        preload(bench, provider, rateMessages, null);
        ConcurrentLinkedQueue<Long> at = new ConcurrentLinkedQueue<>();
        DeliveryEngine engine = bench.engine(concurrency);
        engine.onHandOff((m, t) -> at.add(t.toEpochMilli()));
        Instant t0 = Instant.now();
        engine.start();
        while (at.size() < rateMessages) {
            Thread.sleep(20);
        }
        Duration took = Duration.between(t0, Instant.now());
        engine.close();
        List<Long> times = new ArrayList<>(at);
        Collections.sort(times);
        int max = 0;
        for (int i = 0, j = 0; i < times.size(); i++) {
            while (times.get(i) - times.get(j) >= 1000) {
                j++;
            }
            max = Math.max(max, i - j + 1);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rate", rate);
        r.put("messages", rateMessages);
        r.put("achievedPerSecond", round(rateMessages / (took.toMillis() / 1000.0)));
        r.put("maxInAnySlidingSecond", max);
        r.put("ratio", round(max / (double) rate));
        bench.clear();
        return r;
    }

    private interface DueAt {
        Instant at(int i);
    }

    private static void preload(Bench bench, String provider, int n, DueAt due) {
        int chunk = 10_000;
        for (int start = 0; start < n; start += chunk) {
            int size = Math.min(chunk, n - start);
            List<Ledger.NewMessage> batch = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                int k = start + i;
                batch.add(new Ledger.NewMessage("sms", "+4477009" + String.format("%05d", k % 100_000), null, null,
                        "Benchmark message " + k, null, due == null ? null : due.at(k), null, Guarantee.AT_MOST_ONCE, 1,
                        provider, null, null, null, null));
            }
            bench.db.jdbi().useTransaction(h -> bench.ledger.enqueueMany(new TenantHandle(h, bench.tenantId), batch));
        }
    }

    private static void resetPeakHeap() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long peakHeapMiB() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak / (1024 * 1024);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** The database, one tenant and what the engine needs. */
    private static final class Bench implements AutoCloseable {
        final Database db;
        final Ledger ledger;
        final String tenantId;
        final ProviderStore providers;
        final Nodes nodes;
        final Receipts receipts;
        final Runnable cleanup;

        private Bench(Database db, Runnable cleanup) {
            this.db = db;
            this.cleanup = cleanup;
            Clock clock = Clock.systemUTC();
            db.migrate();
            var jdbi = db.jdbi();
            AuditLog audit = new AuditLog(jdbi, clock);
            Sessions sessions = new Sessions(jdbi, clock, Duration.ofHours(1), new byte[32]);
            Users users = new Users(jdbi, clock, new PasswordHasher(), sessions, audit);
            ApiKeys keys = new ApiKeys(jdbi, clock, audit);
            Tenants tenants = new Tenants(jdbi, clock, users, keys, audit);
            this.tenantId = tenants.create("Bench", "bench-" + System.nanoTime() + "@bench.test", "bench-password",
                    AuditLog.Actor.system("bench")).tenantId();
            this.ledger = new Ledger(clock, db.dialect());
            this.providers = new ProviderStore(jdbi, clock, new SecretBox(Tokens.hmac(new byte[32], "bench")));
            this.nodes = new Nodes(jdbi, clock);
            this.receipts = new Receipts(jdbi, db.dialect(), clock);
        }

        static Bench open(String url, String user, String password, int pool) throws Exception {
            if (url == null) {
                Path dir = Files.createTempDirectory("parley-bench-");
                Database db = new Database(new Database.Settings(Database.h2Url(dir), "sa", "", pool), null);
                return new Bench(db, () -> deleteTree(dir));
            }
            String schema = "bench_" + Long.toHexString(System.nanoTime());
            try (var c = java.sql.DriverManager.getConnection(url, user, password); var st = c.createStatement()) {
                st.execute("CREATE SCHEMA " + schema);
            }
            String scoped = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
            Database db = new Database(new Database.Settings(scoped, user, password, pool), null);
            return new Bench(db, () -> {
                try (var c = java.sql.DriverManager.getConnection(url, user, password); var st = c.createStatement()) {
                    st.execute("DROP SCHEMA " + schema + " CASCADE");
                } catch (Exception e) {
                    System.err.println("could not drop " + schema + ": " + e.getMessage());
                }
            });
        }

        String provider(int latencyMs) {
            return db.jdbi().inTransaction(h -> providers.create(new TenantHandle(h, tenantId), "sim " + latencyMs, "simulator",
                    "sms", Map.of("latencyMs", latencyMs), null, true)).id();
        }

        DeliveryEngine engine(int concurrency) {
            String node = dev.parley.core.Ids.next("nod");
            nodes.register(node, "worker", "bench");
            return DeliveryEngine.create(new DeliveryEngine.Settings(node, concurrency, Duration.ofSeconds(30),
                    Duration.ofSeconds(15)), Clock.systemUTC(), db, nodes, new ProviderRegistry(providers, Clock.systemUTC()), receipts);
        }

        Map<String, Long> byStatus() {
            Map<String, Long> out = new java.util.TreeMap<>();
            db.jdbi().useHandle(h -> h.createQuery("SELECT status, COUNT(*) FROM message GROUP BY status")
                    .map((rs, c) -> Map.entry(rs.getString(1), rs.getLong(2))).forEach(e -> out.put(e.getKey(), e.getValue())));
            db.jdbi().useHandle(h -> h.createQuery("SELECT type, MIN(detail), COUNT(*) FROM message_event GROUP BY type")
                    .map((rs, c) -> Map.entry("event " + rs.getString(1) + " (" + rs.getString(2) + ")", rs.getLong(3)))
                    .forEach(e -> out.put(e.getKey(), e.getValue())));
            return out;
        }

        long count(String status) {
            return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM message WHERE status = :s")
                    .bind("s", status).mapTo(Long.class).one());
        }

        void clear() {
            db.jdbi().useHandle(h -> {
                h.execute("DELETE FROM message_event");
                h.execute("DELETE FROM message");
            });
        }

        @Override
        public void close() {
            db.close();
            cleanup.run();
        }

        private static void deleteTree(Path dir) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (Exception ignored) {
                // A temporary directory left behind is harmless.
            }
        }
    }
}
