package dev.parley.bench;

import dev.parley.app.Parley;
import dev.parley.campaigns.Campaign;
import dev.parley.campaigns.CampaignInput;
import dev.parley.core.Ids;
import dev.parley.core.Json;
import dev.parley.db.TenantHandle;
import dev.parley.templates.Content;
import dev.parley.tenancy.AuditLog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.jdbi.v3.core.Jdbi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code parley bench launch}: a list of {@code --recipients} contacts made on PostgreSQL with
 * {@code generate_series}, one SMS campaign over it with a personalised template, launched, and its
 * expansion into the ledger timed to the end (every row rendered, routed, priced and committed with its
 * event and counters); then the cost of reading its progress at that size.
 *
 * <p>The machine is often shared, so wall time alone says little: the CPU seconds of Parley's JVM and of the
 * pool's PostgreSQL backends (from {@code /proc}, see {@link PostgresCpu}) are the figures to compare runs by.
 */
@Command(name = "launch", mixinStandardHelpOptions = true, description = "Benchmark a campaign launch on PostgreSQL.")
public final class LaunchBench implements Callable<Integer> {
    @Option(names = "--recipients", defaultValue = "1000000", description = "Contacts in the audience (default ${DEFAULT-VALUE}).")
    int recipients;

    @Mixin
    BenchParley.Database database;

    @Override
    public Integer call() throws Exception {
        try (BenchParley bench = BenchParley.start(database, "api", "launch")) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("benchmark", "launch");
            out.put("recipients", recipients);
            out.putAll(run(bench.parley()));
            out.put("machine", Machine.describe());
            System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
            return 0;
        }
    }

    private Map<String, Object> run(Parley parley) {
        Jdbi jdbi = parley.database().jdbi();
        String tenant = parley.tenants().create("Bench", "bench-" + UUID.randomUUID() + "@bench.test", null,
                AuditLog.Actor.system("bench")).tenantId();
        long t0 = System.nanoTime();
        String list = audience(jdbi, tenant, recipients);
        provider(jdbi, tenant, "sms");
        double generateSeconds = seconds(t0);
        Campaign draft = jdbi.inTransaction(h -> parley.campaigns().create(new TenantHandle(h, tenant), new CampaignInput(
                "Bench launch", "sms", new CampaignInput.Audience(List.of(list), List.of()), null,
                new Content(null, "Hi {{ firstName | \"there\" }}, our spring sale starts today: 20% off with code SPRING.", null),
                "Parley", null, null, null, null, List.of("bench"), false), "bench"));
        String load0 = loadAverage();
        Map<Long, Long> backends0 = PostgresCpu.of(backends(jdbi));
        Map<Long, Long> postgres0 = PostgresCpu.allProcesses();
        long cpu0 = Machine.processCpuMillis();
        long t1 = System.nanoTime();
        jdbi.useTransaction(h -> parley.campaigns().launch(new TenantHandle(h, tenant), draft.id()));
        long covered = parley.campaignRunner().expandAll(draft.id());
        double launchSeconds = seconds(t1);
        double cpu = (Machine.processCpuMillis() - cpu0) / 1000.0;
        double backendCpu = PostgresCpu.spent(backends0, PostgresCpu.of(backends(jdbi))) / 1000.0;
        double postgresCpu = PostgresCpu.spent(postgres0, PostgresCpu.allProcesses()) / 1000.0;
        String load1 = loadAverage();
        List<Double> progressMillis = new ArrayList<>();
        Campaign c = null;
        for (int i = 0; i < 50; i++) {
            long p0 = System.nanoTime();
            c = jdbi.withHandle(h -> parley.campaigns().get(new TenantHandle(h, tenant), draft.id()));
            progressMillis.add((System.nanoTime() - p0) / 1e6);
        }
        Collections.sort(progressMillis);
        long rows = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM message WHERE campaign_id = :id")
                .bind("id", draft.id()).mapTo(Long.class).one());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("database", parley.database().dialect().displayName());
        m.put("generateAudienceSeconds", generateSeconds);
        m.put("launchSeconds", launchSeconds);
        m.put("rowsPerSecond", Math.round(rows / launchSeconds));
        m.put("membersCovered", covered);
        m.put("ledgerRows", rows);
        m.put("progressExpanded", c.progress().expanded());
        m.put("progressQueued", c.progress().queued());
        m.put("costEstimate", c.progress().costEstimate());
        m.put("processCpuSeconds", cpu);
        m.put("postgresBackendCpuSeconds", backendCpu);
        m.put("postgresAllProcessesCpuSeconds", postgresCpu);
        m.put("cpuSecondsPerMillionRows", round((cpu + backendCpu) * 1_000_000 / Math.max(rows, 1)));
        m.put("loadAverageBefore", load0);
        m.put("loadAverageAfter", load1);
        m.put("progressMillisMedian", round(progressMillis.get(progressMillis.size() / 2)));
        m.put("progressMillisMax", round(progressMillis.getLast()));
        return m;
    }

    /**
     * A list of {@code n} contacts of {@code tenant} made in two set-based statements on PostgreSQL (ids in
     * order, UK mobile numbers, a first name each); returns the list id. Tests use it for large audiences.
     */
    public static String audience(Jdbi jdbi, String tenant, int n) {
        String list = Ids.next("lst");
        String prefix = "ctc_" + Ids.next("x").substring(2, 12);
        jdbi.useTransaction(h -> {
            Instant now = Instant.now();
            h.createUpdate("INSERT INTO contact_list (id, tenant_id, name, created_at, updated_at) VALUES (:id, :t, :name, :now, :now)")
                    .bind("id", list).bind("t", tenant).bind("name", "audience " + list).bind("now", now).execute();
            h.createUpdate("""
                    INSERT INTO contact (id, tenant_id, tenant_num, phone, first_name, created_at, updated_at)
                    SELECT :prefix || lpad(g::text, 16, '0'), :t, (SELECT num FROM tenant WHERE id = :t), '+447' || lpad(g::text, 9, '0'),
                           'Name' || g, :now, :now
                    FROM generate_series(1, :n) g""")
                    .bind("prefix", prefix).bind("t", tenant).bind("n", n).bind("now", now).execute();
            h.createUpdate("""
                    INSERT INTO list_member (list_id, contact_id, tenant_id, added_at)
                    SELECT :list, :prefix || lpad(g::text, 16, '0'), :t, :now FROM generate_series(1, :n) g""")
                    .bind("list", list).bind("prefix", prefix).bind("t", tenant).bind("n", n).bind("now", now).execute();
            h.execute("ANALYZE contact");
            h.execute("ANALYZE list_member");
        });
        return list;
    }

    /** A simulator provider of {@code tenant} for {@code channel}, written directly; returns its id. */
    public static String provider(Jdbi jdbi, String tenant, String channel) {
        String id = Ids.next("prv");
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO provider (id, tenant_id, name, type, channel, config_json, enabled, created_at, updated_at)
                VALUES (:id, :t, :name, 'simulator', :ch, '{}', TRUE, :now, :now)""")
                .bind("id", id).bind("t", tenant).bind("name", "bench " + id).bind("ch", channel).bind("now", Instant.now())
                .execute());
        return id;
    }

    /** The PostgreSQL backend pids of this benchmark's connection pool (named by the URL's ApplicationName). */
    private static List<Long> backends(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT pid FROM pg_stat_activity WHERE application_name = (SELECT application_name FROM pg_stat_activity
                WHERE pid = pg_backend_pid())""").mapTo(Long.class).list());
    }

    private static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static double seconds(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e7) / 100.0;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
