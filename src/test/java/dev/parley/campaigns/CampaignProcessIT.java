package dev.parley.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.bench.LaunchBench;
import dev.parley.testing.Http;
import dev.parley.testing.ParleyProcess;
import dev.parley.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Campaigns proved with real processes on PostgreSQL: a node sending through the {@code http} provider to a
 * separate {@code parley simulator}, whose ledger is the judge; and a node killed with SIGKILL in the middle
 * of expanding a large audience, then restarted on the same database.
 */
@Timeout(value = 170, unit = TimeUnit.SECONDS)
class CampaignProcessIT {
    static final int PAUSE_AUDIENCE = 600;
    static final int RATE = 100;
    static final int SEND_CONCURRENCY = 8;
    static final int CRASH_AUDIENCE = 200_000;

    private final List<ParleyProcess> processes = new ArrayList<>();
    private final List<TestDatabase> databases = new ArrayList<>();

    @BeforeAll
    static void needsPostgres() {
        assumeTrue(TestDatabase.postgresAvailable(), "PostgreSQL is not reachable at " + TestDatabase.PG_URL);
    }

    @AfterEach
    void stop() {
        processes.forEach(ParleyProcess::close);
        databases.forEach(TestDatabase::close);
    }

    @Test
    void pausedCampaignStopsAtTheSimulatorAndResumesToEveryRecipientExactlyOnce() throws Exception {
        TestDatabase db = database();
        ParleyProcess simulator = keep(ParleyProcess.start(Map.of(), "simulator", "--port", "0", "--latency-ms", "10"))
                .awaitReady(ParleyProcess.READY_DEADLINE);
        Map<String, String> env = env(db);
        ParleyProcess node = keep(ParleyProcess.serve(env));
        String key = tenant(env);
        Http http = node.http();
        Http.Response p = http.post("/v1/providers").bearer(key).json(Map.of("name", "sim", "type", "http", "channel", "sms",
                "ratePerSecond", RATE, "config", Map.of("url", "http://127.0.0.1:" + simulator.port() + "/send"))).send();
        assertThat(p.status()).as(p.body()).isEqualTo(201);
        Jdbi jdbi = jdbi(db);
        String tenantId = jdbi.withHandle(h -> h.createQuery("SELECT id FROM tenant").mapTo(String.class).one());
        String list = LaunchBench.audience(jdbi, tenantId, PAUSE_AUDIENCE);
        String id = create(http, key, list);
        assertThat(http.post("/v1/campaigns/" + id + "/launch").bearer(key).send().status()).isEqualTo(200);

        Supplier<Long> accepted = () -> simulator.http().get("/ledger/summary").send().json().get("accepted").asLong();
        await(() -> accepted.get() >= 150, "150 sends reached the simulator");
        long atPause = accepted.get();
        Http.Response paused = http.post("/v1/campaigns/" + id + "/pause").bearer(key).send();
        assertThat(paused.json().get("status").asText()).isEqualTo("paused");
        await(() -> progress(http, key, id).get("sending").asLong() == 0, "no row left in sending");
        long settled = accepted.get();
        assertThat(settled - atPause).as("sends after the pause: only those already in flight")
                .isLessThanOrEqualTo(SEND_CONCURRENCY + RATE / 4);
        Instant watchUntil = Instant.now().plusSeconds(2);
        while (Instant.now().isBefore(watchUntil)) {
            assertThat(accepted.get()).as("the simulator's ledger while paused").isEqualTo(settled);
            java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
        }
        assertThat(progress(http, key, id).get("queued").asLong()).isPositive();

        assertThat(http.post("/v1/campaigns/" + id + "/resume").bearer(key).send().json().get("status").asText()).isEqualTo("running");
        await(() -> http.get("/v1/campaigns/" + id).bearer(key).send().json().get("status").asText().equals("completed"),
                "the campaign completed");
        JsonNode summary = simulator.http().get("/ledger/summary").send().json();
        assertThat(summary.get("accepted").asLong()).isEqualTo(PAUSE_AUDIENCE);
        assertThat(summary.get("distinctIds").asLong()).isEqualTo(PAUSE_AUDIENCE);
        assertThat(summary.at("/duplicateIds/count").asLong()).isZero();
        Set<String> reached = new HashSet<>();
        for (String line : simulator.http().get("/ledger").send().body().split("\n")) {
            if (!line.isBlank()) {
                reached.add(ParleyProcess.parse(line).get("to").asText());
            }
        }
        assertThat(reached).as("distinct recipients at the simulator").hasSize(PAUSE_AUDIENCE);
        JsonNode done = progress(http, key, id);
        assertThat(done.get("sent").asLong()).isEqualTo(PAUSE_AUDIENCE);
        System.out.printf("pause/resume: %d accepted before the pause, %d after in-flight sends settled, 0 while paused;"
                + " %d distinct recipients, 0 duplicates%n", atPause, settled, reached.size());
    }

    @Test
    void aNodeKilledMidExpansionResumesItAndEveryContactIsInTheLedgerOnce() throws Exception {
        TestDatabase db = database();
        Map<String, String> env = env(db);
        ParleyProcess node = keep(ParleyProcess.serve(env));
        String key = tenant(env);
        Http.Response p = node.http().post("/v1/providers").bearer(key).json(Map.of("name", "sim", "type", "simulator",
                "channel", "sms", "config", Map.of())).send();
        assertThat(p.status()).as(p.body()).isEqualTo(201);
        Jdbi jdbi = jdbi(db);
        String tenantId = jdbi.withHandle(h -> h.createQuery("SELECT id FROM tenant").mapTo(String.class).one());
        String list = LaunchBench.audience(jdbi, tenantId, CRASH_AUDIENCE);
        String id = create(node.http(), key, list);
        // Launched then paused at once: nothing is sent, expansion goes on.
        assertThat(node.http().post("/v1/campaigns/" + id + "/launch").bearer(key).send().status()).isEqualTo(200);
        assertThat(node.http().post("/v1/campaigns/" + id + "/pause").bearer(key).send().status()).isEqualTo(200);
        Supplier<Long> rows = () -> jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM message WHERE campaign_id = :id")
                .bind("id", id).mapTo(Long.class).one());
        await(() -> rows.get() >= CRASH_AUDIENCE / 5, "a fifth of the audience expanded");
        node.kill();
        long atKill = rows.get();
        String cursor = jdbi.withHandle(h -> h.createQuery("SELECT expanded_through FROM campaign WHERE id = :id")
                .bind("id", id).mapTo(String.class).one());
        assertThat(atKill).as("killed mid-expansion").isLessThan(CRASH_AUDIENCE);

        ParleyProcess restarted = keep(ParleyProcess.serve(env));
        await(() -> progress(restarted.http(), key, id).get("expansionDone").asBoolean(), "expansion finished after the restart");
        long total = rows.get();
        long distinct = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(DISTINCT contact_id) FROM message WHERE campaign_id = :id")
                .bind("id", id).mapTo(Long.class).one());
        long missing = jdbi.withHandle(h -> h.createQuery("""
                SELECT COUNT(*) FROM list_member m WHERE m.list_id = :list
                AND NOT EXISTS (SELECT 1 FROM message x WHERE x.campaign_id = :id AND x.contact_id = m.contact_id)""")
                .bind("list", list).bind("id", id).mapTo(Long.class).one());
        assertThat(total).isEqualTo(CRASH_AUDIENCE);
        assertThat(distinct).isEqualTo(CRASH_AUDIENCE);
        assertThat(missing).isZero();
        JsonNode progress = progress(restarted.http(), key, id);
        assertThat(progress.get("expanded").asLong()).as("counters agree with the ledger").isEqualTo(CRASH_AUDIENCE);
        System.out.printf("crash during expansion: killed with %d of %d rows committed (cursor %s); after the restart %d rows,"
                + " %d distinct contacts, 0 missing%n", atKill, CRASH_AUDIENCE, cursor, total, distinct);
    }

    private TestDatabase database() {
        TestDatabase db = TestDatabase.create(TestDatabase.Kind.POSTGRESQL);
        databases.add(db);
        return db;
    }

    private ParleyProcess keep(ParleyProcess p) {
        processes.add(p);
        return p;
    }

    private static Map<String, String> env(TestDatabase db) {
        Map<String, String> env = new HashMap<>(db.settings());
        env.put("PARLEY_LEASE", "PT5S");
        env.put("PARLEY_SHUTDOWN_GRACE", "PT2S");
        env.put("PARLEY_API_RATE", "100000");
        env.put("PARLEY_SEND_CONCURRENCY", Integer.toString(SEND_CONCURRENCY));
        return env;
    }

    private static Jdbi jdbi(TestDatabase db) {
        Map<String, String> s = db.settings();
        return Jdbi.create(s.get("PARLEY_DB_URL"), s.get("PARLEY_DB_USER"), s.getOrDefault("PARLEY_DB_PASSWORD", ""));
    }

    private static String tenant(Map<String, String> env) {
        ParleyProcess.Result created = ParleyProcess.run(env, "tenant", "create", "--name", "Campaign Test",
                "--admin-email", "owner@campaign.test", "--admin-password", "campaign-password-1");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        return created.singleJsonObject().get("apiKey").asText();
    }

    private static String create(Http http, String key, String list) {
        Http.Response r = http.post("/v1/campaigns").bearer(key).json(Map.of("name", "Process test", "channel", "sms",
                "audience", Map.of("listIds", List.of(list)), "content", Map.of("text", "Hello {{ firstName }}"))).send();
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    private static JsonNode progress(Http http, String key, String id) {
        return http.get("/v1/campaigns/" + id).bearer(key).send().json().get("progress");
    }

    private static void await(Supplier<Boolean> condition, String what) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (!condition.get()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting until " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
        }
    }
}
