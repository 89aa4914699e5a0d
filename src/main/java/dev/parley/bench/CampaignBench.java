package dev.parley.bench;

import dev.parley.app.Parley;
import dev.parley.campaigns.Campaign;
import dev.parley.campaigns.CampaignInput;
import dev.parley.core.Json;
import dev.parley.db.TenantHandle;
import dev.parley.simulator.LedgerSummary;
import dev.parley.simulator.Simulator;
import dev.parley.simulator.SimulatorOptions;
import dev.parley.templates.Content;
import dev.parley.tenancy.AuditLog;
import java.time.Instant;
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
 * {@code parley bench campaign}: a campaign end to end on PostgreSQL — a list of {@code --recipients}
 * contacts, one SMS campaign launched over it, delivered by this node's engine through the {@code http}
 * provider to a stand-alone simulator (in this process, over loopback HTTP) — timed from launch to
 * {@code completed}, and judged by the simulator's ledger: every recipient once, no duplicates.
 */
@Command(name = "campaign", mixinStandardHelpOptions = true,
        description = "Benchmark a campaign end to end through the simulator on PostgreSQL.")
public final class CampaignBench implements Callable<Integer> {
    @Option(names = "--recipients", defaultValue = "100000", description = "Contacts in the audience (default ${DEFAULT-VALUE}).")
    int recipients;

    @Option(names = "--latency-ms", defaultValue = "0", description = "The simulator's answer latency (default ${DEFAULT-VALUE}).")
    long latencyMs;

    @Mixin
    BenchParley.Database database;

    @Override
    public Integer call() throws Exception {
        try (Simulator simulator = Simulator.start(SimulatorOptions.defaults().withPort(0).withLatency(latencyMs, 0));
             BenchParley bench = BenchParley.start(database, "all", "campaign")) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("benchmark", "campaign");
            out.put("recipients", recipients);
            out.put("providerLatencyMs", latencyMs);
            out.putAll(run(bench.parley(), simulator));
            out.put("machine", Machine.describe());
            System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
            return 0;
        }
    }

    private Map<String, Object> run(Parley parley, Simulator simulator) throws InterruptedException {
        Jdbi jdbi = parley.database().jdbi();
        String tenant = parley.tenants().create("Bench", "bench-" + UUID.randomUUID() + "@bench.test", null,
                AuditLog.Actor.system("bench")).tenantId();
        String list = LaunchBench.audience(jdbi, tenant, recipients);
        String provider = LaunchBench.provider(jdbi, tenant, "sms");
        jdbi.useHandle(h -> h.createUpdate("UPDATE provider SET type = 'http', config_json = :config WHERE id = :id")
                .bind("config", Json.write(Map.of("url", "http://127.0.0.1:" + simulator.port() + "/send")))
                .bind("id", provider).execute());
        Campaign draft = jdbi.inTransaction(h -> parley.campaigns().create(new TenantHandle(h, tenant), new CampaignInput(
                "Bench campaign", "sms", new CampaignInput.Audience(List.of(list), List.of()), null,
                new Content(null, "Hi {{ firstName | \"there\" }}, our spring sale starts today: 20% off with code SPRING.", null),
                "Parley", null, null, null, null, List.of("bench"), false), "bench"));
        long cpu0 = Machine.processCpuMillis();
        long t0 = System.nanoTime();
        jdbi.useTransaction(h -> parley.campaigns().launch(new TenantHandle(h, tenant), draft.id()));
        parley.campaignRunner().nudge();
        Campaign c;
        Instant deadline = Instant.now().plusSeconds(1800);
        long lastReport = System.nanoTime();
        do {
            Thread.sleep(100);
            c = jdbi.withHandle(h -> parley.campaigns().get(new TenantHandle(h, tenant), draft.id()));
            if (System.nanoTime() - lastReport > 5_000_000_000L) {
                lastReport = System.nanoTime();
                System.err.printf("campaign %s: %s%n", c.status(), Json.write(c.progress()));
            }
        } while (!c.status().equals("completed") && Instant.now().isBefore(deadline));
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (Machine.processCpuMillis() - cpu0) / 1000.0;
        LedgerSummary judged = simulator.ledger().summary();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("database", parley.database().dialect().displayName());
        m.put("status", c.status());
        m.put("launchToCompletedSeconds", Math.round(seconds * 100) / 100.0);
        m.put("messagesPerSecond", Math.round(c.progress().sent() / seconds));
        m.put("sent", c.progress().sent());
        m.put("simulatorAccepted", judged.accepted());
        m.put("simulatorDistinct", judged.distinctIds());
        m.put("simulatorDuplicates", judged.duplicateIds().count());
        m.put("processCpuSeconds", cpu);
        m.put("progress", c.progress());
        return m;
    }
}
