package dev.parley.templates;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Databases;
import dev.parley.testing.Http;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestServer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ArgumentsSource;

/** {@code /v1/templates} end to end on H2 and PostgreSQL: CRUD, validation, previews, roles and tenant isolation. */
@ParameterizedClass
@ArgumentsSource(Databases.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TemplatesApiTest {
    @Parameter
    TestDatabase.Kind kind;

    final AtomicInteger names = new AtomicInteger();
    TestServer server;
    Http http;
    String owner;
    String agent;
    String otherTenant;
    String contactId;
    String otherContactId;

    @BeforeParameterizedClassInvocation
    void start(TestDatabase.Kind kind) {
        server = TestServer.start(kind);
        http = server.http();
        server.tenant("Acme", "owner@acme.test", "owner-password-a");
        owner = server.login("owner@acme.test", "owner-password-a");
        agent = server.userWithRole(owner, "agent@acme.test", "agent");
        server.tenant("Beta", "owner@beta.test", "owner-password-b");
        otherTenant = server.login("owner@beta.test", "owner-password-b");
        contactId = contact(owner, "+447911123456", "ada@example.com", "Ada");
        otherContactId = contact(otherTenant, "+447911123999", "eve@example.com", "Eve");
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
    }

    String contact(String token, String phone, String email, String firstName) {
        Http.Response r = http.post("/v1/contacts").bearer(token).json(Map.of("phone", phone, "email", email,
                "firstName", firstName, "lastName", "Lovelace", "attributes", Map.of("plan", "gold"))).send();
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    JsonNode create(Map<String, Object> body) {
        Http.Response r = http.post("/v1/templates").bearer(owner).json(body).send();
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    String sms(String text) {
        return create(Map.of("name", "sms " + names.incrementAndGet(), "channel", "sms", "text", text)).get("id").asText();
    }

    static JsonNode onlyError(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("errors")).as(r.body()).hasSize(1);
        return r.json().get("errors").get(0);
    }

    @Test
    void aTemplateIsCreatedReadListedChangedAndDeleted() {
        JsonNode t = create(Map.of("name", "Welcome", "channel", "email", "subject", "Welcome, {{firstName}}",
                "text", "Hello {{ firstName | \"there\" }}", "html", "<p>Hello {{firstName}}</p>"));
        String id = t.get("id").asText();
        assertThat(id).startsWith("tpl_");
        assertThat(t.get("channel").asText()).isEqualTo("email");
        assertThat(t.get("createdAt").asText()).endsWith("Z");

        JsonNode read = http.get("/v1/templates/" + id).bearer(agent).send().json();
        assertThat(read.get("subject").asText()).isEqualTo("Welcome, {{firstName}}");
        assertThat(http.get("/v1/templates?limit=200").bearer(agent).send().json().get("data").findValuesAsText("id")).contains(id);

        Http.Response patched = http.patch("/v1/templates/" + id).bearer(owner)
                .json(Map.of("name", "Welcome v2", "text", "", "html", "<p>Hi {{firstName}}</p>")).send();
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(patched.json().get("name").asText()).isEqualTo("Welcome v2");
        assertThat(patched.json().get("text").isNull()).isTrue();
        assertThat(patched.json().get("html").asText()).isEqualTo("<p>Hi {{firstName}}</p>");
        assertThat(patched.json().get("subject").asText()).isEqualTo("Welcome, {{firstName}}");

        assertThat(http.delete("/v1/templates/" + id).bearer(owner).send().status()).isEqualTo(204);
        assertThat(http.get("/v1/templates/" + id).bearer(owner).send().status()).isEqualTo(404);
        assertThat(http.delete("/v1/templates/" + id).bearer(owner).send().status()).isEqualTo(404);
    }

    @Test
    void namesAreUniquePerTenant() {
        create(Map.of("name", "Reminder", "channel", "sms", "text", "Reminder"));
        Http.Response twin = http.post("/v1/templates").bearer(owner).json(Map.of("name", "Reminder", "channel", "sms", "text", "x")).send();
        assertThat(twin.status()).as(twin.body()).isEqualTo(409);
        String other = sms("Other");
        assertThat(http.patch("/v1/templates/" + other).bearer(owner).json(Map.of("name", "Reminder")).send().status()).isEqualTo(409);
        Http.Response elsewhere = http.post("/v1/templates").bearer(otherTenant)
                .json(Map.of("name", "Reminder", "channel", "sms", "text", "x")).send();
        assertThat(elsewhere.status()).as(elsewhere.body()).isEqualTo(201);
    }

    @Test
    void aTemplateThatDoesNotParseIsRefusedWithItsPosition() {
        JsonNode e = onlyError(http.post("/v1/templates").bearer(owner)
                .json(Map.of("name", "Broken", "channel", "sms", "text", "Hello\nDear {{ firstName, thanks")).send());
        assertThat(e.get("field").asText()).isEqualTo("text");
        assertThat(e.get("code").asText()).isEqualTo("syntax");
        assertThat(e.get("message").asText()).contains("unclosed {{").endsWith("at line 2, column 6");

        String id = sms("Fine {{firstName}}");
        JsonNode p = onlyError(http.patch("/v1/templates/" + id).bearer(owner).json(Map.of("text", "{{#each items}}")).send());
        assertThat(p.get("field").asText()).isEqualTo("text");
        assertThat(p.get("message").asText()).endsWith("at line 1, column 3");
        assertThat(http.get("/v1/templates/" + id).bearer(owner).send().json().get("text").asText()).isEqualTo("Fine {{firstName}}");

        JsonNode html = onlyError(http.post("/v1/templates/preview").bearer(agent)
                .json(Map.of("channel", "email", "subject", "s", "html", "<p>\n  <b>{{ x | y }}</b>")).send());
        assertThat(html.get("field").asText()).isEqualTo("html");
        assertThat(html.get("message").asText()).endsWith("at line 2, column 13");
    }

    @Test
    void eachChannelHasItsOwnFields() {
        assertThat(onlyError(http.post("/v1/templates").bearer(owner)
                .json(Map.of("name", "No subject", "channel", "email", "text", "x")).send()).get("field").asText()).isEqualTo("subject");
        assertThat(onlyError(http.post("/v1/templates").bearer(owner)
                .json(Map.of("name", "Html sms", "channel", "sms", "text", "x", "html", "<p>x</p>")).send()).get("field").asText())
                .isEqualTo("html");
        assertThat(onlyError(http.post("/v1/templates").bearer(owner)
                .json(Map.of("name", "Empty sms", "channel", "sms")).send()).get("field").asText()).isEqualTo("text");
        assertThat(onlyError(http.post("/v1/templates").bearer(owner)
                .json(Map.of("name", "Fax", "channel", "fax", "text", "x")).send()).get("field").asText()).isEqualTo("channel");
        String id = sms("x");
        assertThat(onlyError(http.patch("/v1/templates/" + id).bearer(owner).json(Map.of("channel", "email")).send())
                .get("field").asText()).isEqualTo("channel");
        assertThat(onlyError(http.patch("/v1/templates/" + id).bearer(owner).json(Map.of("subject", "Hi")).send())
                .get("field").asText()).isEqualTo("subject");
    }

    @Test
    void previewRendersWithTheContactAndDataOverIt() {
        String id = sms("Hi {{firstName}}, your {{attributes.plan}} plan renews. Questions? {{phone}} {{ coupon }}{{ ref | \"-\" }}");
        Http.Response r = http.post("/v1/templates/" + id + "/preview").bearer(owner)
                .json(Map.of("contactId", contactId, "data", Map.of("attributes", Map.of("plan", "platinum")))).send();
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode p = r.json();
        String text = "Hi Ada, your platinum plan renews. Questions? +447911123456 -";
        assertThat(p.get("text").asText()).isEqualTo(text);
        assertThat(p.get("unknownVariables").toString()).isEqualTo("[\"coupon\"]");
        assertThat(p.get("sms").get("encoding").asText()).isEqualTo("gsm7");
        assertThat(p.get("sms").get("segments").asInt()).isEqualTo(1);
        assertThat(p.get("sms").get("characters").asInt()).isEqualTo(text.length());
        assertThat(p.get("subject").isNull()).isTrue();

        JsonNode dataOnly = http.post("/v1/templates/" + id + "/preview").bearer(owner)
                .json(Map.of("data", Map.of("firstName", "Zoë", "coupon", "SAVE10"))).send().json();
        assertThat(dataOnly.get("text").asText()).isEqualTo("Hi Zoë, your  plan renews. Questions?  SAVE10-");
        assertThat(dataOnly.get("unknownVariables").toString()).isEqualTo("[\"attributes.plan\",\"phone\"]");
    }

    @Test
    void anAgentPreviewsWithThePhoneAndEmailMasked() {
        String id = sms("Call {{phone}} or write to {{email}}, {{firstName}}");
        JsonNode p = http.post("/v1/templates/" + id + "/preview").bearer(agent).json(Map.of("contactId", contactId)).send().json();
        assertThat(p.get("text").asText()).isEqualTo("Call +44********56 or write to a***@example.com, Ada");
        JsonNode inline = http.post("/v1/templates/preview").bearer(agent)
                .json(Map.of("channel", "email", "subject", "For {{email}}", "html", "<p>{{phone}}</p>", "contactId", contactId))
                .send().json();
        assertThat(inline.get("subject").asText()).isEqualTo("For a***@example.com");
        assertThat(inline.get("html").asText()).isEqualTo("<p>+44********56</p>");
        assertThat(http.post("/v1/templates").bearer(agent).json(Map.of("name", "n", "channel", "sms", "text", "x")).send().status())
                .isEqualTo(403);
        assertThat(http.patch("/v1/templates/" + id).bearer(agent).json(Map.of("text", "x")).send().status()).isEqualTo(403);
        assertThat(http.delete("/v1/templates/" + id).bearer(agent).send().status()).isEqualTo(403);
    }

    @Test
    void inlinePreviewEscapesHtmlAndCountsSmsWithSmartEncoding() {
        JsonNode email = http.post("/v1/templates/preview").bearer(owner).json(Map.of("channel", "email",
                "subject", "Order {{order.id}}", "text", "{{ name }}", "html", "<p>{{ name }}</p>",
                "data", Map.of("name", "<script>alert(1)</script> & co", "order", Map.of("id", 42)))).send().json();
        assertThat(email.get("subject").asText()).isEqualTo("Order 42");
        assertThat(email.get("text").asText()).isEqualTo("<script>alert(1)</script> & co");
        assertThat(email.get("html").asText()).isEqualTo("<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</p>");
        assertThat(email.get("sms").isNull()).isTrue();

        Map<String, Object> sms = Map.of("channel", "sms", "text", "{{firstName}}, don’t miss our “Summer Sale”…",
                "data", Map.of("firstName", "Ada"));
        JsonNode plain = http.post("/v1/templates/preview").bearer(owner).json(sms).send().json();
        assertThat(plain.get("sms").get("encoding").asText()).isEqualTo("ucs2");
        JsonNode smart = http.post("/v1/templates/preview").bearer(owner)
                .json(Map.of("channel", "sms", "text", sms.get("text"), "data", sms.get("data"), "smartEncoding", true)).send().json();
        assertThat(smart.get("text").asText()).isEqualTo("Ada, don't miss our \"Summer Sale\"...");
        assertThat(smart.get("sms").get("encoding").asText()).isEqualTo("gsm7");
        assertThat(smart.get("sms").get("characters").asInt()).isEqualTo(36);

        JsonNode emoji = http.post("/v1/templates/preview").bearer(owner)
                .json(Map.of("channel", "sms", "text", "Thanks {{firstName}} 👍", "data", Map.of("firstName", "Ada"))).send().json();
        assertThat(emoji.get("sms").toString()).isEqualTo("{\"encoding\":\"ucs2\",\"segments\":1,\"characters\":13}");
    }

    @Test
    void anotherTenantsTemplateOrContactIsNotFound() {
        String id = sms("Secret {{firstName}}");
        assertThat(http.get("/v1/templates/" + id).bearer(otherTenant).send().status()).isEqualTo(404);
        assertThat(http.patch("/v1/templates/" + id).bearer(otherTenant).json(Map.of("text", "x")).send().status()).isEqualTo(404);
        assertThat(http.delete("/v1/templates/" + id).bearer(otherTenant).send().status()).isEqualTo(404);
        assertThat(http.post("/v1/templates/" + id + "/preview").bearer(otherTenant).json(Map.of()).send().status()).isEqualTo(404);
        assertThat(http.get("/v1/templates?limit=200").bearer(otherTenant).send().body()).doesNotContain(id);
        assertThat(http.get("/v1/templates/" + id).bearer(owner).send().json().get("text").asText()).isEqualTo("Secret {{firstName}}");

        JsonNode e = onlyError(http.post("/v1/templates/" + id + "/preview").bearer(owner).json(Map.of("contactId", otherContactId)).send());
        assertThat(e.get("field").asText()).isEqualTo("contactId");
        assertThat(e.get("code").asText()).isEqualTo("notFound");
    }

    @Test
    void aCreateWithAnIdempotencyKeyIsMadeOnce() {
        Map<String, Object> body = Map.of("name", "Once", "channel", "sms", "text", "Only once");
        Http.Response first = http.post("/v1/templates").bearer(owner).header("Idempotency-Key", "tpl-once-1").json(body).send();
        Http.Response again = http.post("/v1/templates").bearer(owner).header("Idempotency-Key", "tpl-once-1").json(body).send();
        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.json().get("id").asText()).isEqualTo(first.json().get("id").asText());
    }

    @Test
    void listsPageNewestFirst() {
        String a = sms("page a");
        String b = sms("page b");
        JsonNode page = http.get("/v1/templates?limit=1").bearer(owner).send().json();
        assertThat(page.get("data").get(0).get("id").asText()).isEqualTo(b);
        JsonNode next = http.get("/v1/templates?limit=1&cursor=" + page.get("nextCursor").asText()).bearer(owner).send().json();
        assertThat(next.get("data").get(0).get("id").asText()).isEqualTo(a);
    }

    @Test
    void badPreviewBodiesAreRefusedAndOddDataRendersAsNoValue() {
        String id = sms("Hi {{ firstName | \"there\" }} {{ a.b.c }}");
        String path = "/v1/templates/" + id + "/preview";
        assertThat(onlyError(http.post(path).bearer(owner).raw("application/json", "{\"data\":\"x\"}").send()).get("code").asText())
                .isEqualTo("type");
        assertThat(onlyError(http.post(path).bearer(owner).json(Map.of("contactId", "nope")).send()).get("field").asText())
                .isEqualTo("contactId");
        assertThat(onlyError(http.post(path).bearer(owner).raw("application/json", "{\"smartEncoding\":\"yes\"}").send())
                .get("field").asText()).isEqualTo("smartEncoding");
        assertThat(onlyError(http.post(path).bearer(owner).json(Map.of("dta", Map.of())).send()).get("code").asText())
                .isEqualTo("unknown");
        String deep = "{\"data\":" + "{\"a\":".repeat(60) + "1" + "}".repeat(60) + "}";
        Http.Response deepAnswer = http.post(path).bearer(owner).raw("application/json", deep).send();
        assertThat(deepAnswer.status()).as(deepAnswer.body()).isEqualTo(200);
        Http.Response odd = http.post(path).bearer(owner).raw("application/json",
                "{\"data\":{\"firstName\":[\"x\"],\"a\":{\"b\":{\"c\":{\"d\":1}}}}}").send();
        assertThat(odd.status()).as(odd.body()).isEqualTo(200);
        assertThat(odd.json().get("text").asText()).isEqualTo("Hi there ");
        assertThat(odd.json().get("unknownVariables").toString()).isEqualTo("[\"a.b.c\"]");
    }
}
