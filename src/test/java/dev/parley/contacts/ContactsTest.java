package dev.parley.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Databases;
import dev.parley.testing.Http;
import dev.parley.testing.MovableClock;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ArgumentsSource;

/** Contacts, lists, consent, suppressions, masking and retention through the API, on H2 and PostgreSQL. */
@ParameterizedClass
@ArgumentsSource(Databases.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContactsTest {
    @Parameter
    TestDatabase.Kind kind;

    final MovableClock clock = new MovableClock();
    TestServer server;
    Http http;
    String owner;
    String agent;
    String otherTenant;
    String ownerKey;

    @BeforeParameterizedClassInvocation
    void start(TestDatabase.Kind kind) {
        server = TestServer.start(kind, Map.of("PARLEY_MAX_IMPORT_BYTES", "4096"), clock);
        http = server.http();
        ownerKey = server.tenant("Acme", "owner@acme.test", "owner-password-a").apiKey();
        owner = server.login("owner@acme.test", "owner-password-a");
        agent = server.userWithRole(owner, "agent@acme.test", "agent");
        server.tenant("Beta", "owner@beta.test", "owner-password-b");
        otherTenant = server.login("owner@beta.test", "owner-password-b");
        http.patch("/v1/settings").bearer(owner).json(Map.of("defaultRegion", "GB")).send();
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
    }

    JsonNode create(Map<String, Object> body) {
        Http.Response r = http.post("/v1/contacts").bearer(owner).json(body).send();
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    @Test
    void contactIsNormalisedAndATwinIsAConflict() {
        JsonNode c = create(Map.of("phone", "07911 123001", "email", " Zed@Example.COM ", "firstName", "Zed",
                "attributes", Map.of("tier", "gold", "score", 7)));
        assertThat(c.get("id").asText()).startsWith("ctc_");
        assertThat(c.get("phone").asText()).isEqualTo("+447911123001");
        assertThat(c.get("email").asText()).isEqualTo("zed@example.com");
        assertThat(c.get("consent").get("sms").get("status").asText()).isEqualTo("unknown");
        Http.Response twin = http.post("/v1/contacts").bearer(owner).json(Map.of("phone", "+44 7911 123001")).send();
        assertThat(twin.status()).isEqualTo(409);
        assertThat(twin.json().get("detail").asText()).contains(c.get("id").asText());
        // Addresses are unique per tenant (through the tenant's number, migration V12): another tenant may hold them too.
        Http.Response elsewhere = http.post("/v1/contacts").bearer(otherTenant)
                .json(Map.of("phone", "+447911123001", "email", "zed@example.com")).send();
        assertThat(elsewhere.status()).as(elsewhere.body()).isEqualTo(201);
        assertThat(http.post("/v1/contacts").bearer(otherTenant).json(Map.of("email", "ZED@example.com")).send().status()).isEqualTo(409);
        Http.Response bad = http.post("/v1/contacts").bearer(owner).json(Map.of("phone", "12")).send();
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("errors").get(0).get("field").asText()).isEqualTo("phone");
        assertThat(http.post("/v1/contacts").bearer(owner).json(Map.of("firstName", "Nobody")).send().status()).isEqualTo(400);
        assertThat(http.post("/v1/contacts").bearer(owner).json(Map.of("phone", "+447911123002", "typo", 1)).send().status()).isEqualTo(400);
    }

    @Test
    void searchFindsByNamePhoneEmailListAndAttribute() {
        JsonNode a = create(Map.of("phone", "+447911123011", "firstName", "Searchable", "lastName", "Person",
                "attributes", Map.of("city", "Leeds", "vip", true)));
        create(Map.of("phone", "+447911123012", "firstName", "Other", "attributes", Map.of("city", "Leeds_x")));
        assertThat(ids("/v1/contacts?q=searchable%20pers")).containsExactly(a.get("id").asText());
        assertThat(ids("/v1/contacts?phone=07911%20123011")).containsExactly(a.get("id").asText());
        assertThat(ids("/v1/contacts?attr.city=Leeds")).containsExactly(a.get("id").asText());
        assertThat(ids("/v1/contacts?attr.vip=true&attr.city=Leeds")).containsExactly(a.get("id").asText());
        assertThat(http.get("/v1/contacts?colour=red").bearer(owner).send().status()).isEqualTo(400);
        assertThat(http.get("/v1/contacts?listId=nope").bearer(owner).send().status()).isEqualTo(400);
        assertThat(http.get("/v1/contacts/" + a.get("id").asText()).bearer(otherTenant).send().status()).isEqualTo(404);
    }

    @Test
    void paginationWalksEveryContactOnce() {
        for (int i = 0; i < 5; i++) {
            create(Map.of("email", "page" + i + "@example.com", "attributes", Map.of("batch", "pages")));
        }
        JsonNode first = http.get("/v1/contacts?attr.batch=pages&limit=3").bearer(owner).send().json();
        assertThat(first.get("data")).hasSize(3);
        JsonNode second = http.get("/v1/contacts?attr.batch=pages&limit=3&cursor=" + first.get("nextCursor").asText()).bearer(owner).send().json();
        assertThat(second.get("data")).hasSize(2);
        assertThat(second.get("nextCursor").isNull()).isTrue();
    }

    @Test
    void agentsSeePhonesAndEmailsMaskedEverywhere() {
        JsonNode c = create(Map.of("phone", "+447911123021", "email", "masked@example.com"));
        String id = c.get("id").asText();
        JsonNode one = http.get("/v1/contacts/" + id).bearer(agent).send().json();
        assertThat(one.get("phone").asText()).isEqualTo("+44********21");
        assertThat(one.get("email").asText()).isEqualTo("m***@example.com");
        String list = http.get("/v1/contacts?limit=200").bearer(agent).send().body();
        assertThat(list).doesNotContain("+447911123021").doesNotContain("masked@example.com");
        JsonNode lst = http.post("/v1/lists").bearer(owner).json(Map.of("name", "Masked")).send().json();
        http.post("/v1/lists/" + lst.get("id").asText() + "/members").bearer(owner).json(Map.of("contactIds", List.of(id))).send();
        String members = http.get("/v1/lists/" + lst.get("id").asText() + "/members").bearer(agent).send().body();
        assertThat(members).contains("+44********21").doesNotContain("+447911123021");
        assertThat(http.post("/v1/contacts").bearer(agent).json(Map.of("phone", "+447911123022")).send().status()).isEqualTo(403);
        assertThat(http.get("/v1/contacts/" + id + "/export").bearer(agent).send().status()).isEqualTo(403);
    }

    @Test
    void listMembersAreAddedAndRemovedInBulk() {
        String a = create(Map.of("email", "m1@example.com")).get("id").asText();
        String b = create(Map.of("email", "m2@example.com")).get("id").asText();
        JsonNode list = http.post("/v1/lists").bearer(owner).json(Map.of("name", "Bulk")).send().json();
        String path = "/v1/lists/" + list.get("id").asText() + "/members";
        assertThat(http.post(path).bearer(owner).json(Map.of("contactIds", List.of(a, b))).send().json().get("added").asInt()).isEqualTo(2);
        assertThat(http.post(path).bearer(owner).json(Map.of("contactIds", List.of(a))).send().json().get("added").asInt()).isZero();
        assertThat(http.get("/v1/lists/" + list.get("id").asText()).bearer(owner).send().json().get("memberCount").asInt()).isEqualTo(2);
        assertThat(ids("/v1/contacts?listId=" + list.get("id").asText())).containsExactlyInAnyOrder(a, b);
        assertThat(http.get("/v1/contacts/" + a).bearer(owner).send().json().get("listIds").get(0).asText()).isEqualTo(list.get("id").asText());
        Http.Response removed = http.call("DELETE", path).bearer(owner).json(Map.of("contactIds", List.of(a))).send();
        assertThat(removed.json().get("removed").asInt()).isEqualTo(1);
        assertThat(http.post(path).bearer(owner).json(Map.of("contactIds", List.of("ctc_01ARZ3NDEKTSV4RRFFQ69G5FAV"))).send().status()).isEqualTo(400);
        assertThat(http.post("/v1/lists").bearer(owner).json(Map.of("name", "Bulk")).send().status()).isEqualTo(409);
    }

    @Test
    void consentChangesAreKeptAsHistory() {
        String id = create(Map.of("phone", "+447911123031", "consent", Map.of("sms", "optedIn"))).get("id").asText();
        Http.Response out = http.post("/v1/contacts/" + id + "/consent").bearer(owner)
                .json(Map.of("channel", "sms", "status", "optedOut", "source", "phone call")).send();
        assertThat(out.status()).as(out.body()).isEqualTo(200);
        assertThat(out.json().get("sms").get("status").asText()).isEqualTo("optedOut");
        JsonNode history = http.get("/v1/contacts/" + id + "/consent").bearer(owner).send().json().get("data");
        assertThat(history).hasSize(2);
        assertThat(history.get(0).get("status").asText()).isEqualTo("optedOut");
        assertThat(history.get(0).get("source").asText()).isEqualTo("phone call");
        assertThat(history.get(1).get("source").asText()).isEqualTo("api");
        assertThat(http.post("/v1/contacts/" + id + "/consent").bearer(owner)
                .json(Map.of("channel", "fax", "status", "optedIn", "source", "x")).send().status()).isEqualTo(400);
    }

    @Test
    void suppressionsAreAddedOnceAndImportedFromAFile() {
        Http.Response first = http.post("/v1/suppressions").bearer(owner).json(Map.of("channel", "sms", "address", "07911 123041")).send();
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.json().get("address").asText()).isEqualTo("+447911123041");
        Http.Response again = http.post("/v1/suppressions").bearer(owner).json(Map.of("channel", "sms", "address", "+447911123041")).send();
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("id").asText()).isEqualTo(first.json().get("id").asText());
        String boundary = "----parley";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.csv\"\r\nContent-Type: text/csv\r\n\r\n"
                + "email,reason\nOne@Example.com,bounced\nbad-address,x\none@example.com,again\n"
                + "\r\n--" + boundary + "--\r\n";
        Http.Response imported = http.post("/v1/suppressions/import").bearer(owner).raw("multipart/form-data; boundary=" + boundary, body).send();
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        assertThat(imported.json().get("added").asInt()).isEqualTo(1);
        assertThat(imported.json().get("rejected").asInt()).isEqualTo(1);
        assertThat(imported.json().get("rejects").get(0).get("line").asInt()).isEqualTo(3);
        assertThat(http.get("/v1/suppressions?channel=email&address=one@example.com").bearer(owner).send().json().get("data")).hasSize(1);
        assertThat(http.delete("/v1/suppressions/" + first.json().get("id").asText()).bearer(owner).send().status()).isEqualTo(204);
    }

    @Test
    void uploadsOverTheImportLimitAnswer413AndJsonStaysAtTheBodyLimit() {
        byte[] big = ("phone\n" + "+447911123051\n".repeat(400)).getBytes();
        Http.Response r = http.post("/v1/imports?listName=big").bearer(owner).raw("text/csv", big).send();
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().get("detail").asText()).contains("4096");
        Http.Response type = http.post("/v1/imports").bearer(owner).raw("application/json", "{}").send();
        assertThat(type.status()).isEqualTo(415);
    }

    @Test
    void retentionDeletesOldImportsAndAuditEvents() throws Exception {
        Http.Response created = http.post("/v1/imports?listName=old").bearer(owner).raw("text/csv", "phone\n+447911123061\nbad\n").send();
        String id = created.json().get("id").asText();
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(20);
        while (!http.get("/v1/imports/" + id).bearer(owner).send().json().get("status").asText().equals("completed")) {
            assertThat(java.time.Instant.now()).isBefore(deadline);
            Thread.onSpinWait();
        }
        http.patch("/v1/settings").bearer(owner).json(Map.of("retention", Map.of("importsDays", 30, "auditDays", 90))).send();
        server.parley().retention().runOnce();
        assertThat(http.get("/v1/imports/" + id).bearer(owner).send().status()).isEqualTo(200);
        clock.advance(Duration.ofDays(31));
        try {
            server.parley().retention().runOnce();
            assertThat(http.get("/v1/imports/" + id).bearer(ownerKey).send().status()).isEqualTo(404);
            assertThat(count("SELECT COUNT(*) FROM import_reject WHERE import_id = '" + id + "'")).isZero();
        } finally {
            clock.advance(Duration.ofDays(-31));
        }
    }

    long count(String sql) {
        return server.parley().database().jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    List<String> ids(String path) {
        Http.Response r = http.get(path).bearer(owner).send();
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("data").findValuesAsText("id");
    }
}
