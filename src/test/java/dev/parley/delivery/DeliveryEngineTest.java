package dev.parley.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.db.TenantHandle;
import dev.parley.testing.Databases;
import dev.parley.testing.Http;
import dev.parley.testing.MovableClock;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * The state machine under each kind of provider outcome, leases, campaign gating, priority and fairness,
 * through a real node and the in-process simulator provider. Time is moved, never slept.
 */
@ParameterizedClass
@ArgumentsSource(Databases.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryEngineTest {
    @Parameter
    TestDatabase.Kind kind;

    final MovableClock clock = new MovableClock();
    TestServer server;
    Http http;
    String owner;
    String tenantId;

    @BeforeParameterizedClassInvocation
    void start(TestDatabase.Kind kind) {
        server = TestServer.start(kind, Map.of("PARLEY_SEND_CONCURRENCY", "40", "PARLEY_LEASE", "PT5S", "PARLEY_API_RATE", "100000"), clock);
        http = server.http();
        tenantId = server.tenant("Engine", "owner@engine.test", "engine-password").tenantId();
        owner = server.login("owner@engine.test", "engine-password");
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
    }

    String provider(Map<String, Object> config) {
        return provider(config, null);
    }

    String provider(Map<String, Object> config, Double rate) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", "sim", "type", "simulator", "channel", "sms", "config", config));
        if (rate != null) {
            body.put("ratePerSecond", rate);
        }
        Http.Response r = http.post("/v1/providers").bearer(owner).json(body).send();
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    String send(String provider, String guarantee) {
        Http.Response r = http.post("/v1/messages").bearer(owner).json(Map.of("channel", "sms", "to", "+447700900111",
                "content", Map.of("text", "t"), "providerId", provider, "guarantee", guarantee)).send();
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("id").asText();
    }

    JsonNode message(String id) {
        return http.get("/v1/messages/" + id).bearer(owner).send().json();
    }

    static void await(String what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting until " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
    }

    String status(String id) {
        return message(id).get("status").asText();
    }

    @Test
    void aPermanentRejectionFailsAtOnce() {
        String id = send(provider(Map.of("permanentFailRate", 1.0)), "atMostOnce");
        await("failed", () -> status(id).equals("failed"));
        JsonNode m = message(id);
        assertThat(m.get("attempt").asInt()).isEqualTo(1);
        assertThat(m.get("lastError").asText()).startsWith("permanent");
        assertThat(m.get("events").findValuesAsText("type")).containsExactly("created", "claimed", "failed");
    }

    @Test
    void transientFailuresBackOffAndFailWhenAttemptsRunOut() {
        String id = send(provider(Map.of("failRate", 1.0)), "atMostOnce");
        await("first retry scheduled", () -> status(id).equals("scheduled"));
        JsonNode first = message(id);
        Duration backoff = Duration.between(Instant.parse(first.get("updatedAt").asText()), Instant.parse(first.get("dueAt").asText()));
        assertThat(backoff).isBetween(Duration.ofMillis(2400), Duration.ofMillis(7600));
        for (int i = 0; i < 12 && !status(id).equals("failed"); i++) {
            clock.advance(Duration.ofMinutes(11));
            String before = message(id).get("attempt").asText();
            await("next attempt", () -> !message(id).get("attempt").asText().equals(before) || status(id).equals("failed"));
            await("settled", () -> !status(id).equals("sending") && !status(id).equals("queued"));
        }
        JsonNode m = message(id);
        assertThat(m.get("status").asText()).isEqualTo("failed");
        assertThat(m.get("attempt").asInt()).isEqualTo(6);
        assertThat(m.get("lastError").asText()).contains("attempts exhausted");
        assertThat(m.get("events").findValuesAsText("type").stream().filter("retry_scheduled"::equals).count()).isEqualTo(5);
    }

    @Test
    void anAmbiguousOutcomeIsUnknownAtMostOnceAndRequeuedAtLeastOnce() {
        String timeouts = provider(Map.of("timeoutRate", 1.0));
        String atMost = send(timeouts, "atMostOnce");
        String atLeast = send(timeouts, "atLeastOnce");
        await("unknown", () -> status(atMost).equals("unknown"));
        assertThat(message(atMost).get("attempt").asInt()).isEqualTo(1);
        await("failed after every attempt was ambiguous", () -> status(atLeast).equals("failed"));
        JsonNode m = message(atLeast);
        assertThat(m.get("attempt").asInt()).isEqualTo(6);
        assertThat(m.get("events").findValuesAsText("type").stream().filter("requeued"::equals).count()).isEqualTo(5);
    }

    @Test
    void anExpiredLeaseIsSettledByGuarantee() {
        String provider = provider(Map.of());
        Ledger ledger = new Ledger(clock, server.parley().database().dialect());
        List<String> ids = server.parley().database().jdbi().inTransaction(h -> {
            TenantHandle th = new TenantHandle(h, tenantId);
            List<String> made = new ArrayList<>();
            for (Guarantee g : Guarantee.values()) {
                made.add(ledger.enqueue(th, new Ledger.NewMessage("sms", "+447700900222", null, null, "lease", null,
                        Instant.now().plusSeconds(3600), null, g, 0, provider, null, null, null, null)).id());
            }
            // As if a node that has since died had claimed them.
            h.createUpdate("""
                    UPDATE message SET status = 'sending', attempt = 1, lease_owner = 'nod_dead', lease_until = :past
                    WHERE id IN (<ids>)""").bindList("ids", made).bind("past", Instant.now().minusSeconds(1)).execute();
            return made;
        });
        server.parley().engine().sweepOnce();
        assertThat(status(ids.get(0))).isEqualTo("unknown");
        assertThat(message(ids.get(0)).get("events").findValuesAsText("type")).contains("lease_expired");
        await("at-least-once resent", () -> status(ids.get(1)).equals("sent"));
        assertThat(message(ids.get(1)).get("attempt").asInt()).isEqualTo(2);
    }

    @Test
    void failedMessagesCanBeRetriedByFilter() {
        String provider = provider(Map.of("permanentFailRate", 1.0));
        String id = send(provider, "atMostOnce");
        await("failed", () -> status(id).equals("failed"));
        http.patch("/v1/providers/" + provider).bearer(owner).json(Map.of("config", Map.of("permanentFailRate", 0.0))).send();
        clock.advance(Duration.ofSeconds(3));
        Http.Response r = http.post("/v1/queues/retry").bearer(owner).json(Map.of("status", "failed", "providerId", provider)).send();
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("requeued").asInt()).isEqualTo(1);
        await("sent after retry", () -> status(id).equals("sent"));
        assertThat(message(id).get("events").findValuesAsText("type")).contains("retried");
    }

    /** A campaign row in {@code status}, as the campaigns package will make them. */
    String campaign(String status) {
        String id = dev.parley.core.Ids.next("cmp");
        server.parley().database().jdbi().useHandle(h -> h.createUpdate("""
                INSERT INTO campaign (id, tenant_id, name, status, expanded, created_at, updated_at)
                VALUES (:id, :t, 'test', :status, TRUE, :now, :now)""").bind("id", id).bind("t", tenantId)
                .bind("status", status).bind("now", Instant.now()).execute());
        return id;
    }

    @Test
    void pausedCampaignRowsAreNotClaimed() {
        String provider = provider(Map.of());
        String campaign = campaign("paused");
        var jdbi = server.parley().database().jdbi();
        Ledger ledger = new Ledger(clock, server.parley().database().dialect());
        List<Ledger.NewMessage> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            batch.add(new Ledger.NewMessage("sms", "+4477009003" + String.format("%02d", i), null, null, "c", null, null,
                    null, Guarantee.AT_MOST_ONCE, 1, provider, campaign, null, null, null));
        }
        List<String> ids = jdbi.inTransaction(h -> ledger.enqueueMany(new TenantHandle(h, tenantId), batch));
        for (int i = 0; i < 5; i++) {
            server.parley().engine().claimOnce();
        }
        assertThat(ids).allSatisfy(id -> assertThat(status(id)).isEqualTo("queued"));

        jdbi.useHandle(h -> h.createUpdate("UPDATE campaign SET status = 'running' WHERE id = :id").bind("id", campaign).execute());
        await("campaign sent", () -> ids.stream().allMatch(id -> status(id).equals("sent")));
    }

    @Test
    void transactionalMessagesGoBeforeACampaignBacklog() {
        String provider = provider(Map.of(), 40.0);
        String campaign = campaign("running");
        var jdbi = server.parley().database().jdbi();
        Ledger ledger = new Ledger(clock, server.parley().database().dialect());
        List<Ledger.NewMessage> batch = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            batch.add(new Ledger.NewMessage("sms", "+4477009004" + String.format("%02d", i % 100), null, null, "bulk", null,
                    null, null, Guarantee.AT_MOST_ONCE, 1, provider, campaign, null, null, null));
        }
        jdbi.useTransaction(h -> ledger.enqueueMany(new TenantHandle(h, tenantId), batch));
        String urgent = send(provider, "atMostOnce");
        await("transactional sent", () -> status(urgent).equals("sent"));
        long campaignQueued = jdbi.withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM message WHERE campaign_id = :c AND status IN ('queued', 'sending')")
                .bind("c", campaign).mapTo(Long.class).one());
        assertThat(campaignQueued).as("campaign rows still waiting when the transactional one went").isGreaterThan(300);
        jdbi.useHandle(h -> h.createUpdate("UPDATE campaign SET status = 'paused' WHERE id = :id").bind("id", campaign).execute());
    }

    @Test
    void aSmallTenantIsNotQueuedBehindAnotherTenantsBacklog() {
        String bigProvider = provider(Map.of("latencyMs", 200));
        Ledger ledger = new Ledger(clock, server.parley().database().dialect());
        var jdbi = server.parley().database().jdbi();
        List<Ledger.NewMessage> backlog = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            backlog.add(new Ledger.NewMessage("sms", "+4477009005" + String.format("%02d", i % 100), null, null, "big", null,
                    null, null, Guarantee.AT_MOST_ONCE, 0, bigProvider, null, null, null, null));
        }
        jdbi.useTransaction(h -> ledger.enqueueMany(new TenantHandle(h, tenantId), backlog));

        server.tenant("Small", "owner@small.test", "small-password");
        String small = server.login("owner@small.test", "small-password");
        String smallProvider = http.post("/v1/providers").bearer(small).json(Map.of("name", "s", "type", "simulator",
                "channel", "sms", "config", Map.of("latencyMs", 200))).send().json().get("id").asText();
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            mine.add(http.post("/v1/messages").bearer(small).json(Map.of("channel", "sms", "to", "+447700900666",
                    "content", Map.of("text", "small"), "providerId", smallProvider)).send().json().get("id").asText());
        }
        await("small tenant sent", () -> mine.stream().allMatch(id ->
                http.get("/v1/messages/" + id).bearer(small).send().json().get("status").asText().equals("sent")));
        long bigWaiting = jdbi.withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM message WHERE provider_id = :p AND status IN ('queued', 'sending')")
                .bind("p", bigProvider).mapTo(Long.class).one());
        assertThat(bigWaiting).as("the big tenant's backlog still waiting").isGreaterThan(750);
    }
}
