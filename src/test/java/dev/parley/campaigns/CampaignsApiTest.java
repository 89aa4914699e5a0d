package dev.parley.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Databases;
import dev.parley.testing.Http;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * Campaigns end to end through the in-process simulator provider, on H2 and PostgreSQL: the definition's
 * validation, every lifecycle transition and the illegal ones, expansion's rules, cancel, retry-failed,
 * counters that agree with a count of the rows, and completion.
 */
@ParameterizedClass
@ArgumentsSource(Databases.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CampaignsApiTest {
    @Parameter
    TestDatabase.Kind kind;

    TestServer server;
    Http http;
    String owner;
    String providerId;
    int phones = 100;

    @BeforeParameterizedClassInvocation
    void start(TestDatabase.Kind kind) {
        server = TestServer.start(kind);
        http = server.http();
        server.tenant("Campaigner", "owner@campaigns.test", "campaign-password");
        owner = server.login("owner@campaigns.test", "campaign-password");
        Http.Response p = http.post("/v1/providers").bearer(owner)
                .json(Map.of("name", "sim", "type", "simulator", "channel", "sms", "config", Map.of())).send();
        assertThat(p.status()).as(p.body()).isEqualTo(201);
        providerId = p.json().get("id").asText();
        http.post("/v1/providers").bearer(owner)
                .json(Map.of("name", "sim-mail", "type", "simulator", "channel", "email", "config", Map.of())).send();
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
    }

    private String list(String name) {
        Http.Response r = http.post("/v1/lists").bearer(owner).json(Map.of("name", name)).send();
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    private String contact(Map<String, Object> fields) {
        Http.Response r = http.post("/v1/contacts").bearer(owner).json(fields).send();
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    private String phone() {
        return "+4474001" + String.format("%05d", phones++);
    }

    private void members(String listId, List<String> contactIds) {
        Http.Response r = http.post("/v1/lists/" + listId + "/members").bearer(owner).json(Map.of("contactIds", contactIds)).send();
        assertThat(r.status()).as(r.body()).isLessThan(300);
    }

    private String draft(Map<String, Object> extra, String... listIds) {
        Map<String, Object> body = new HashMap<>(Map.of("name", "Spring sale " + phones++, "channel", "sms",
                "audience", Map.of("listIds", List.of(listIds)), "content", Map.of("text", "Hi {{ firstName | \"there\" }}, 20% off")));
        body.putAll(extra);
        Http.Response r = http.post("/v1/campaigns").bearer(owner).json(body).send();
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("status").asText()).isEqualTo("draft");
        return r.json().get("id").asText();
    }

    private Http.Response act(String id, String action) {
        return http.post("/v1/campaigns/" + id + "/" + action).bearer(owner).send();
    }

    private JsonNode await(String id, Predicate<JsonNode> condition) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        JsonNode c;
        do {
            c = http.get("/v1/campaigns/" + id).bearer(owner).send().json();
            if (condition.test(c)) {
                return c;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("condition not met: " + c);
    }

    private Map<String, Long> ledgerCounts(String campaignId) {
        Map<String, Long> counts = new HashMap<>();
        server.parley().database().jdbi().useHandle(h -> h.createQuery(
                        "SELECT status, COUNT(*) FROM message WHERE campaign_id = :id GROUP BY status")
                .bind("id", campaignId).map((rs, c) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .forEach(e -> counts.put(e.getKey(), e.getValue())));
        return counts;
    }

    private void assertCountersMatchTheLedger(String id) {
        JsonNode progress = http.get("/v1/campaigns/" + id).bearer(owner).send().json().get("progress");
        Map<String, Long> counts = ledgerCounts(id);
        for (String s : List.of("scheduled", "queued", "sending", "sent", "delivered", "undelivered", "failed", "unknown",
                "expired", "canceled", "suppressed")) {
            assertThat(progress.get(s).asLong()).as(s + " in " + progress).isEqualTo(counts.getOrDefault(s, 0L));
        }
        assertThat(progress.get("expanded").asLong()).isEqualTo(counts.values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void aCampaignReachesEveryMemberOnceApplyingSuppressionsConsentExclusionsAndDuplicates() {
        String a = list("A " + phones);
        String b = list("B " + phones);
        String excluded = list("X " + phones);
        List<String> inA = new ArrayList<>();
        List<String> inB = new ArrayList<>();
        String both = contact(Map.of("phone", phone(), "firstName", "Ada"));
        inA.add(both);
        inB.add(both);
        for (int i = 0; i < 5; i++) {
            inA.add(contact(Map.of("phone", phone())));
        }
        String emailOnly = contact(Map.of("email", "only" + phones + "@example.com"));
        inB.add(emailOnly);
        String suppressedPhone = phone();
        String suppressed = contact(Map.of("phone", suppressedPhone));
        inB.add(suppressed);
        assertThat(http.post("/v1/suppressions").bearer(owner).json(Map.of("channel", "sms", "address", suppressedPhone,
                "reason", "asked")).send().status()).isEqualTo(201);
        String optedOut = contact(Map.of("phone", phone()));
        inB.add(optedOut);
        assertThat(http.post("/v1/contacts/" + optedOut + "/consent").bearer(owner).json(Map.of("channel", "sms",
                "status", "optedOut", "source", "test")).send().status()).isLessThan(300);
        String leaver = contact(Map.of("phone", phone()));
        inA.add(leaver);
        members(a, inA);
        members(b, inB);
        members(excluded, List.of(leaver));

        String id = draft(Map.of("audience", Map.of("listIds", List.of(a, b), "excludeListIds", List.of(excluded))), a);
        Http.Response launched = act(id, "launch");
        assertThat(launched.status()).as(launched.body()).isEqualTo(200);
        assertThat(launched.json().get("status").asText()).isEqualTo("running");
        JsonNode done = await(id, c -> c.get("status").asText().equals("completed"));

        Map<String, Long> counts = ledgerCounts(id);
        assertThat(counts).containsEntry("sent", 6L).containsEntry("suppressed", 2L).hasSize(2);
        assertThat(done.get("progress").get("total").asLong()).isEqualTo(8);
        assertThat(done.get("progress").get("sent").asLong()).isEqualTo(6);
        assertThat(done.get("completedAt").isNull()).isFalse();
        assertCountersMatchTheLedger(id);
        List<String> perContact = server.parley().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT contact_id FROM message WHERE campaign_id = :id").bind("id", id).mapTo(String.class).list());
        assertThat(perContact).doesNotHaveDuplicates().contains(both, suppressed, optedOut).doesNotContain(leaver, emailOnly);
        JsonNode msg = http.get("/v1/messages?campaignId=" + id + "&contactId=" + both).bearer(owner).send().json()
                .get("data").get(0);
        assertThat(msg.get("text").asText()).isEqualTo("Hi Ada, 20% off");
    }

    @Test
    void aCampaignMessageHistoryStartsWithItsCreationThoughExpansionWritesNoEventForIt() {
        String audience = list("H " + phones);
        String reached = contact(Map.of("phone", phone(), "firstName", "Bo"));
        String suppressedPhone = phone();
        String suppressed = contact(Map.of("phone", suppressedPhone));
        assertThat(http.post("/v1/suppressions").bearer(owner).json(Map.of("channel", "sms", "address", suppressedPhone,
                "reason", "asked")).send().status()).isEqualTo(201);
        members(audience, List.of(reached, suppressed));
        String id = draft(Map.of(), audience);
        assertThat(act(id, "launch").status()).isEqualTo(200);
        await(id, c -> c.get("status").asText().equals("completed"));

        long createdEvents = server.parley().database().jdbi().withHandle(h -> h.createQuery("""
                SELECT COUNT(*) FROM message_event e JOIN message m ON m.id = e.message_id
                WHERE m.campaign_id = :id AND e.type = 'created'""").bind("id", id).mapTo(Long.class).one());
        assertThat(createdEvents).isZero();
        JsonNode sent = messageOf(id, reached);
        assertThat(sent.get("events").findValuesAsText("type")).containsExactly("created", "claimed", "sent");
        assertThat(sent.get("events").findValuesAsText("toStatus")).containsExactly("queued", "sending", "sent");
        assertThat(sent.get("events").get(0).get("at").asText()).isEqualTo(sent.get("createdAt").asText());
        JsonNode blocked = messageOf(id, suppressed);
        assertThat(blocked.get("events").findValuesAsText("type")).containsExactly("created");
        assertThat(blocked.get("events").get(0).get("toStatus").asText()).isEqualTo("suppressed");
        assertThat(blocked.get("events").get(0).get("detail").asText()).contains("suppressed");
    }

    private JsonNode messageOf(String campaignId, String contactId) {
        String messageId = http.get("/v1/messages?campaignId=" + campaignId + "&contactId=" + contactId).bearer(owner).send()
                .json().get("data").get(0).get("id").asText();
        Http.Response r = http.get("/v1/messages/" + messageId).bearer(owner).send();
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void illegalTransitionsAnswer409WithTheCurrentState() {
        String l = list("L " + phones);
        members(l, List.of(contact(Map.of("phone", phone()))));
        String id = draft(Map.of(), l);
        for (String action : List.of("pause", "resume", "retry-failed")) {
            Http.Response r = act(id, action);
            assertThat(r.status()).as(action + ": " + r.body()).isEqualTo(409);
            assertThat(r.json().get("currentState").asText()).isEqualTo("draft");
        }
        Http.Response scheduled = http.post("/v1/campaigns/" + id + "/schedule").bearer(owner)
                .json(Map.of("startAt", Instant.now().plusSeconds(3600).toString())).send();
        assertThat(scheduled.status()).as(scheduled.body()).isEqualTo(200);
        assertThat(scheduled.json().get("status").asText()).isEqualTo("scheduled");
        assertThat(http.patch("/v1/campaigns/" + id).bearer(owner).json(Map.of("name", "Renamed")).send().json()
                .get("name").asText()).isEqualTo("Renamed");
        assertThat(act(id, "cancel").json().get("status").asText()).isEqualTo("canceled");
        for (String action : List.of("launch", "pause", "resume", "cancel", "retry-failed")) {
            Http.Response r = act(id, action);
            assertThat(r.status()).as(action).isEqualTo(409);
            assertThat(r.json().get("currentState").asText()).isEqualTo("canceled");
        }
        Http.Response edit = http.patch("/v1/campaigns/" + id).bearer(owner).json(Map.of("name", "Again")).send();
        assertThat(edit.status()).isEqualTo(409);
        assertThat(edit.json().get("currentState").asText()).isEqualTo("canceled");
        assertThat(http.delete("/v1/campaigns/" + id).bearer(owner).send().status()).isEqualTo(409);
    }

    @Test
    void aScheduledCampaignStartsWhenDueAndCompletesThenRetryFailedReopensIt() {
        String l = list("S " + phones);
        members(l, List.of(contact(Map.of("phone", phone())), contact(Map.of("phone", phone()))));
        String id = draft(Map.of(), l);
        Http.Response s = http.post("/v1/campaigns/" + id + "/schedule").bearer(owner)
                .json(Map.of("startAt", Instant.now().plusMillis(700).toString())).send();
        assertThat(s.status()).as(s.body()).isEqualTo(200);
        JsonNode done = await(id, c -> c.get("status").asText().equals("completed"));
        assertThat(done.get("startedAt").isNull()).isFalse();
        assertThat(done.get("progress").get("sent").asLong()).isEqualTo(2);
        // A row that failed: retry-failed requeues it as a new attempt and the campaign runs until it settles.
        server.parley().database().jdbi().useHandle(h -> h.createUpdate(
                "UPDATE message SET status = 'failed' WHERE id = (SELECT MIN(id) FROM message WHERE campaign_id = :id)")
                .bind("id", id).execute());
        server.parley().database().jdbi().useHandle(h -> dev.parley.delivery.CampaignCounters.add(h,
                server.parley().database().dialect(), Map.of(id, Map.of("sent", -1L, "failed", 1L))));
        Http.Response r = act(id, "retry-failed");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("requeuedFailed").asInt()).isEqualTo(1);
        await(id, c -> c.get("status").asText().equals("completed") && c.get("progress").get("sent").asLong() == 2);
        assertCountersMatchTheLedger(id);
    }

    @Test
    void pauseStopsClaimsAndCancelSettlesWaitingRows() {
        String l = list("P " + phones);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(contact(Map.of("phone", phone())));
        }
        members(l, ids);
        // Opens at a time that is never now: every row waits as scheduled.
        Instant now = Instant.now();
        String day = now.atZone(java.time.ZoneOffset.UTC).plusDays(3).getDayOfWeek().name().substring(0, 3);
        String id = draft(Map.of("sendWindow", Map.of("days", List.of(day), "from", "09:00", "to", "10:00",
                "fallbackTimezone", "UTC")), l);
        assertThat(act(id, "launch").status()).isEqualTo(200);
        JsonNode expanded = await(id, c -> c.get("progress").get("expansionDone").asBoolean());
        assertThat(expanded.get("progress").get("scheduled").asLong()).isEqualTo(5);
        assertThat(act(id, "pause").json().get("status").asText()).isEqualTo("paused");
        assertThat(act(id, "pause").status()).isEqualTo(409);
        assertThat(act(id, "resume").json().get("status").asText()).isEqualTo("running");
        JsonNode canceled = act(id, "cancel").json();
        assertThat(canceled.get("status").asText()).isEqualTo("canceled");
        assertThat(canceled.get("progress").get("canceled").asLong()).isEqualTo(5);
        assertThat(ledgerCounts(id)).containsExactly(Map.entry("canceled", 5L));
        assertCountersMatchTheLedger(id);
    }

    @Test
    void badDefinitionsAreRejectedNamingTheField() {
        String l = list("V " + phones);
        Map<String, Object> good = Map.of("name", "x", "channel", "sms", "audience", Map.of("listIds", List.of(l)),
                "content", Map.of("text", "hi"));
        Map<String, String> cases = Map.of(
                "channel", "{\"name\":\"x\",\"channel\":\"fax\",\"audience\":{\"listIds\":[\"" + l + "\"]},\"content\":{\"text\":\"hi\"}}",
                "audience.listIds", "{\"name\":\"x\",\"channel\":\"sms\",\"audience\":{\"listIds\":[\"lst_nope\"]},\"content\":{\"text\":\"hi\"}}",
                "content.text", "{\"name\":\"x\",\"channel\":\"sms\",\"audience\":{\"listIds\":[\"" + l + "\"]},\"content\":{\"text\":\"{{#x}}\"}}",
                "templateId", "{\"name\":\"x\",\"channel\":\"sms\",\"audience\":{\"listIds\":[\"" + l + "\"]}}",
                "sendWindow.from", "{\"name\":\"x\",\"channel\":\"sms\",\"audience\":{\"listIds\":[\"" + l + "\"]},\"content\":{\"text\":\"hi\"},\"sendWindow\":{\"from\":\"9am\",\"to\":\"10:00\"}}",
                "ratePerSecond", "{\"name\":\"x\",\"channel\":\"sms\",\"audience\":{\"listIds\":[\"" + l + "\"]},\"content\":{\"text\":\"hi\"},\"ratePerSecond\":-1}",
                "surprise", "{\"name\":\"x\",\"surprise\":1}");
        cases.forEach((field, body) -> {
            Http.Response r = http.post("/v1/campaigns").bearer(owner).raw("application/json", body).send();
            assertThat(r.status()).as(field + ": " + r.body()).isEqualTo(400);
            assertThat(r.json().get("errors").findValuesAsText("field")).as(r.body()).contains(field);
        });
        assertThat(http.post("/v1/campaigns").bearer(owner).json(good).send().status()).isEqualTo(201);
        assertThat(http.get("/v1/campaigns/cmp_nope").bearer(owner).send().status()).isEqualTo(404);
    }
}
