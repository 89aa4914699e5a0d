package dev.parley.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Http;
import dev.parley.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A tenant's owner driving campaigns through the API of one test server: lists, contacts, drafts, waiting. */
final class CampaignFixture {
    final TestServer server;
    final Http http;
    String owner;
    private final String email;
    private int serial;

    CampaignFixture(TestServer server, String tenant) {
        this.server = server;
        this.http = server.http();
        email = "owner@" + tenant.toLowerCase(java.util.Locale.ROOT) + ".test";
        server.tenant(tenant, email, "campaign-password");
        this.owner = server.login(email, "campaign-password");
    }

    /** Logs in again: after a test moved the clock past the session's lifetime. */
    void relogin() {
        owner = server.login(email, "campaign-password");
    }

    String provider(String name, String channel, Map<String, Object> config) {
        return provider(name, "simulator", channel, config);
    }

    String provider(String name, String type, String channel, Map<String, Object> config) {
        Http.Response p = http.post("/v1/providers").bearer(owner)
                .json(Map.of("name", name, "type", type, "channel", channel, "config", config)).send();
        assertThat(p.status()).as(p.body()).isEqualTo(201);
        return p.json().get("id").asText();
    }

    String list(String name) {
        Http.Response r = http.post("/v1/lists").bearer(owner).json(Map.of("name", name + " " + serial++)).send();
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    String contact(Map<String, Object> fields) {
        Http.Response r = http.post("/v1/contacts").bearer(owner).json(fields).send();
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    void members(String listId, List<String> contactIds) {
        Http.Response r = http.post("/v1/lists/" + listId + "/members").bearer(owner).json(Map.of("contactIds", contactIds)).send();
        assertThat(r.status()).as(r.body()).isLessThan(300);
    }

    /** A draft SMS campaign to {@code listId} with {@code extra} fields over a plain text. */
    String draft(String listId, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of("name", "Campaign " + serial++, "channel", "sms",
                "audience", Map.of("listIds", List.of(listId)), "content", Map.of("text", "Hi {{ firstName | \"there\" }}")));
        body.putAll(extra);
        if (extra.containsKey("variants")) {
            body.remove("content");
        }
        Http.Response r = http.post("/v1/campaigns").bearer(owner).json(body).send();
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    Http.Response act(String id, String action) {
        return http.post("/v1/campaigns/" + id + "/" + action).bearer(owner).send();
    }

    JsonNode get(String id) {
        return http.get("/v1/campaigns/" + id).bearer(owner).send().json();
    }

    JsonNode await(String id, Predicate<JsonNode> condition) {
        return await(id, Duration.ofSeconds(20), condition);
    }

    JsonNode await(String id, Duration within, Predicate<JsonNode> condition) {
        Instant deadline = Instant.now().plus(within);
        JsonNode c;
        do {
            c = get(id);
            if (condition.test(c)) {
                return c;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("condition not met: " + c);
    }

    /** Rows of the campaign by {@code column} value (status, variant, step …), counted from the ledger itself. */
    Map<String, Long> ledgerCounts(String campaignId, String column) {
        Map<String, Long> counts = new HashMap<>();
        server.parley().database().jdbi().useHandle(h -> h.createQuery(
                        "SELECT CAST(" + column + " AS VARCHAR(40)), COUNT(*) FROM message WHERE campaign_id = :id GROUP BY " + column)
                .bind("id", campaignId).map((rs, c) -> Map.entry(String.valueOf(rs.getString(1)), rs.getLong(2)))
                .forEach(e -> counts.put(e.getKey(), e.getValue())));
        return counts;
    }

    /**
     * Test data in bulk: {@code n} contacts with phones {@code phonePrefix} + a 7-digit serial (and the given
     * time zone, or none), all members of {@code listId}, written by SQL batches (the API's one-by-one create
     * would take most of a test's time). Returns the contact ids.
     */
    List<String> bulkContacts(String listId, int n, String phonePrefix, String timezone) {
        List<String> ids = new java.util.ArrayList<>();
        server.parley().database().jdbi().useTransaction(h -> {
            String tenant = h.createQuery("SELECT tenant_id FROM contact_list WHERE id = :id").bind("id", listId)
                    .mapTo(String.class).one();
            Instant now = Instant.now();
            var contacts = h.prepareBatch("INSERT INTO contact (id, tenant_id, tenant_num, phone, timezone, created_at, updated_at)"
                    + " VALUES (:id, :tenant, (SELECT num FROM tenant WHERE id = :tenant), :phone, :tz, :now, :now)");
            var members = h.prepareBatch("INSERT INTO list_member (list_id, contact_id, tenant_id, added_at)"
                    + " VALUES (:list, :id, :tenant, :now)");
            for (int i = 0; i < n; i++) {
                String id = dev.parley.core.Ids.next("ctc");
                ids.add(id);
                contacts.bind("id", id).bind("tenant", tenant).bind("phone", phonePrefix + String.format("%07d", i))
                        .bind("tz", timezone).bind("now", now).add();
                members.bind("list", listId).bind("id", id).bind("tenant", tenant).bind("now", now).add();
            }
            contacts.execute();
            members.execute();
        });
        return ids;
    }
}
