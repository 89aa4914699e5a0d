package dev.parley.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Http;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A membership is never left behind by a contact or list deleted while something gives it members. On PostgreSQL,
 * where writers really run at once: each test holds one side's transaction open at the point that matters, checks
 * that the other side's real code waits for it (the waiting backend is blocked by the held one), then lets it go.
 * Deleting the memberships first and the contact or list last, as these deletes did, left the membership committed
 * in between.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MembershipRacesTest {
    TestServer server;
    Http http;
    String owner;
    String tenantId;
    Jdbi jdbi;

    @BeforeAll
    void start() {
        server = TestServer.start(TestDatabase.Kind.POSTGRESQL);
        http = server.http();
        tenantId = server.tenant("Races", "owner@races.test", "owner-password-r").tenantId();
        owner = server.login("owner@races.test", "owner-password-r");
        jdbi = server.parley().database().jdbi();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    String contact(String phone) {
        Http.Response r = http.post("/v1/contacts").bearer(owner).json(Map.of("phone", phone)).send();
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    String list(String name) {
        Http.Response r = http.post("/v1/lists").bearer(owner).json(Map.of("name", name)).send();
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    long memberships(String column, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM list_member WHERE " + column + " = :id")
                .bind("id", id).mapTo(Long.class).one());
    }

    /** Waits until some other backend is blocked by {@code holder}'s; fails after ten seconds. */
    void awaitBlockedBy(Handle holder) throws InterruptedException {
        int pid = holder.createQuery("SELECT pg_backend_pid()").mapTo(Integer.class).one();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline)) {
            long blocked = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))")
                    .bind("pid", pid).mapTo(Long.class).one());
            if (blocked > 0) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("nothing waited for the held transaction");
    }

    /**
     * Holds a transaction that does what an import chunk does before it gives {@code contactId} a membership of
     * {@code listId} (locks a row with {@code lock}, bound to {@code lockedId}) and adds it; meanwhile deletes through
     * the API, which must wait for the chunk; then lets the chunk commit and returns the delete's answer.
     */
    Http.Response deleteWhileAChunkAddsAMember(String lock, String lockedId, String contactId, String listId, String deletePath)
            throws Exception {
        CompletableFuture<Http.Response> delete;
        try (Handle chunk = jdbi.open()) {
            chunk.begin();
            chunk.createQuery(lock).bind("id", lockedId).mapTo(String.class).one();
            chunk.execute("INSERT INTO list_member (list_id, contact_id, tenant_id, added_at) VALUES (?, ?, ?, ?)",
                    listId, contactId, tenantId, OffsetDateTime.now());
            delete = CompletableFuture.supplyAsync(() -> http.delete(deletePath).bearer(owner).send());
            awaitBlockedBy(chunk);
            chunk.commit();
        }
        return delete.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aContactDeletedWhileAnImportChunkGivesItAMembershipKeepsNone() throws Exception {
        String contactId = contact("+447911200001");
        String listId = list("race-contact");
        // An import chunk's lookup locks the stored contact a row names (ContactMerge.load).
        Http.Response deleted = deleteWhileAChunkAddsAMember("SELECT id FROM contact WHERE id = :id FOR UPDATE", contactId,
                contactId, listId, "/v1/contacts/" + contactId);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        assertThat(memberships("contact_id", contactId)).isZero();
    }

    @Test
    void aListDeletedWhileAnImportChunkGivesItMembersKeepsNone() throws Exception {
        String contactId = contact("+447911200002");
        String listId = list("race-list");
        // An import chunk holds its list first (ContactMerge.apply).
        Http.Response deleted = deleteWhileAChunkAddsAMember("SELECT id FROM contact_list WHERE id = :id FOR KEY SHARE", listId,
                contactId, listId, "/v1/lists/" + listId);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        assertThat(memberships("list_id", listId)).isZero();
    }

    @Test
    void anImportWhoseListIsDeletedStopsAndLeavesNoMembers() throws Exception {
        String listId = list("race-import");
        byte[] file = "phone,first name\n+447911200010,Ann\n+447911200011,Ben\n".getBytes(StandardCharsets.UTF_8);
        String importId;
        try (Handle deleting = jdbi.open()) {
            deleting.begin();
            // What Lists.delete does first; the import's chunk must then wait for the list rather than add to it.
            deleting.createQuery("SELECT id FROM contact_list WHERE id = :id FOR UPDATE").bind("id", listId).mapTo(String.class).one();
            Http.Response created = http.post("/v1/imports?listId=" + listId + "&region=GB").bearer(owner).raw("text/csv", file).send();
            assertThat(created.status()).as(created.body()).isEqualTo(202);
            importId = created.json().get("id").asText();
            awaitBlockedBy(deleting);
            deleting.execute("DELETE FROM list_member WHERE list_id = ?", listId);
            deleting.execute("DELETE FROM contact_list WHERE id = ?", listId);
            deleting.commit();
        }
        JsonNode job = ImportsTest.waitFor(http, owner, importId);
        assertThat(job.get("status").asText()).isEqualTo("failed");
        assertThat(job.get("error").asText()).contains("the list " + listId + " was deleted while the import ran");
        assertThat(memberships("list_id", listId)).isZero();
    }

    @Test
    void aContactDeletedWhileItIsAddedToAListIsFoundGone() throws Exception {
        String contactId = contact("+447911200003");
        String listId = list("race-add");
        CompletableFuture<Http.Response> add;
        try (Handle deleting = jdbi.open()) {
            deleting.begin();
            // What ContactStore.delete does first; the add must wait for it and then find the contact gone.
            deleting.createQuery("SELECT id FROM contact WHERE id = :id FOR UPDATE").bind("id", contactId).mapTo(String.class).one();
            add = CompletableFuture.supplyAsync(() -> http.post("/v1/lists/" + listId + "/members").bearer(owner)
                    .json(Map.of("contactIds", List.of(contactId))).send());
            awaitBlockedBy(deleting);
            deleting.execute("DELETE FROM list_member WHERE contact_id = ?", contactId);
            deleting.execute("DELETE FROM contact WHERE id = ?", contactId);
            deleting.commit();
        }
        Http.Response added = add.get(10, TimeUnit.SECONDS);
        assertThat(added.status()).as(added.body()).isEqualTo(400);
        assertThat(added.body()).contains("no such contact: " + contactId);
        assertThat(memberships("contact_id", contactId)).isZero();
    }
    @Test
    void anAddThatDeadlocksWithAnImportChunkIsAnsweredRetryLater() throws Exception {
        String first = contact("+447911200004");
        String second = contact("+447911200005");
        String listId = list("race-deadlock");
        CompletableFuture<Http.Response> add;
        try (Handle chunk = jdbi.open()) {
            chunk.begin();
            // An import chunk holds the second contact; the add holds its contacts in id order (ids count up, so the
            // first), then waits for the second ...
            chunk.createQuery("SELECT id FROM contact WHERE id = :id FOR UPDATE").bind("id", second).mapTo(String.class).one();
            add = CompletableFuture.supplyAsync(() -> http.post("/v1/lists/" + listId + "/members").bearer(owner)
                    .json(Map.of("contactIds", List.of(first, second))).send());
            awaitBlockedBy(chunk);
            // ... and the chunk then wants the first. PostgreSQL finds the cycle when the add, which has waited longest,
            // has waited deadlock_timeout (1 s), and ends the add's transaction; the chunk then gets the first contact.
            Thread.sleep(300);
            chunk.createQuery("SELECT id FROM contact WHERE id = :id FOR UPDATE").bind("id", first).mapTo(String.class).one();
            chunk.rollback();
        }
        Http.Response added = add.get(10, TimeUnit.SECONDS);
        assertThat(added.status()).as(added.body()).isEqualTo(503);
        assertThat(added.header("Retry-After")).isEqualTo("1");
        assertThat(added.json().get("type").asText()).isEqualTo("/problems/contended");
        assertThat(memberships("list_id", listId)).isZero();
        Http.Response again = http.post("/v1/lists/" + listId + "/members").bearer(owner)
                .json(Map.of("contactIds", List.of(first, second))).send();
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(memberships("list_id", listId)).isEqualTo(2);
    }
}
