package dev.parley.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Databases;
import dev.parley.testing.Http;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
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

/** The messages API end to end through the in-process simulator provider, on H2 and PostgreSQL. */
@ParameterizedClass
@ArgumentsSource(Databases.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessagesApiTest {
    @Parameter
    TestDatabase.Kind kind;

    TestServer server;
    Http http;
    String owner;
    String providerId;

    @BeforeParameterizedClassInvocation
    void start(TestDatabase.Kind kind) {
        server = TestServer.start(kind);
        http = server.http();
        server.tenant("Sender", "owner@sender.test", "sender-password");
        owner = server.login("owner@sender.test", "sender-password");
        Http.Response p = http.post("/v1/providers").bearer(owner)
                .json(Map.of("name", "sim", "type", "simulator", "channel", "sms", "config", Map.of())).send();
        assertThat(p.status()).as(p.body()).isEqualTo(201);
        providerId = p.json().get("id").asText();
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
    }

    JsonNode await(String id, Predicate<JsonNode> condition) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        JsonNode m;
        do {
            m = http.get("/v1/messages/" + id).bearer(owner).send().json();
            if (condition.test(m)) {
                return m;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("condition not met: " + m);
    }

    String send(Map<String, Object> body) {
        Http.Response r = http.post("/v1/messages").bearer(owner).json(body).send();
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("id").asText();
    }

    @Test
    void aProviderWithoutARateHasNoRate() {
        JsonNode p = http.get("/v1/providers/" + providerId).bearer(owner).send().json();
        assertThat(p.get("ratePerSecond").isNull()).as(p.toString()).isTrue();
    }

    @Test
    void aMessageIsCommittedThenSentWithItsHistory() {
        String id = send(Map.of("channel", "sms", "to", "+447700900123", "content", Map.of("text", "hello")));
        JsonNode m = await(id, j -> j.get("status").asText().equals("sent"));
        assertThat(m.get("providerMessageId").asText()).isEqualTo("sim-" + id);
        assertThat(m.get("attempt").asInt()).isEqualTo(1);
        assertThat(m.get("events").findValuesAsText("type")).containsExactly("created", "claimed", "sent");
        assertThat(m.get("events").findValuesAsText("toStatus")).containsExactly("queued", "sending", "sent");
    }

    @Test
    void aScheduledMessageWaitsUntilItIsDue() {
        Instant at = Instant.now().plusMillis(1500);
        String id = send(Map.of("channel", "sms", "to", "+447700900124", "content", Map.of("text", "later"),
                "sendAt", at.toString()));
        assertThat(http.get("/v1/messages/" + id).bearer(owner).send().json().get("status").asText()).isEqualTo("scheduled");
        JsonNode m = await(id, j -> j.get("status").asText().equals("sent"));
        assertThat(Instant.parse(m.get("sentAt").asText())).isAfterOrEqualTo(at.minusMillis(1));
        assertThat(m.get("events").findValuesAsText("type")).containsExactly("created", "due", "claimed", "sent");
    }

    @Test
    void aWaitingMessageCanBeCanceledAndASentOneCannot() {
        String later = send(Map.of("channel", "sms", "to", "+447700900125", "content", Map.of("text", "x"),
                "sendAt", Instant.now().plusSeconds(3600).toString()));
        Http.Response c = http.post("/v1/messages/" + later + "/cancel").bearer(owner).send();
        assertThat(c.status()).isEqualTo(200);
        assertThat(c.json().get("status").asText()).isEqualTo("canceled");
        Http.Response again = http.post("/v1/messages/" + later + "/cancel").bearer(owner).send();
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("currentState").asText()).isEqualTo("canceled");
    }

    @Test
    void aMessageThatWaitsPastItsValidityExpiresInsteadOfSending() {
        Http.Response p = http.post("/v1/providers").bearer(owner)
                .json(Map.of("name", "paused", "type", "simulator", "channel", "sms", "config", Map.of())).send();
        String paused = p.json().get("id").asText();
        assertThat(http.patch("/v1/providers/" + paused).bearer(owner).json(Map.of("enabled", false)).send().status()).isEqualTo(200);
        Http.Response refused = http.post("/v1/messages").bearer(owner).json(Map.of("channel", "sms", "to", "+447700900126",
                "content", Map.of("text", "x"), "providerId", paused)).send();
        assertThat(refused.status()).isEqualTo(400);

        http.patch("/v1/providers/" + paused).bearer(owner).json(Map.of("enabled", true)).send();
        http.patch("/v1/providers/" + paused).bearer(owner).json(Map.of("ratePerSecond", 0.001)).send();
        http.post("/v1/messages").bearer(owner).json(Map.of("channel", "sms", "to", "+447700900120",
                "content", Map.of("text", "takes the only slot"), "providerId", paused)).send();
        String id = send(Map.of("channel", "sms", "to", "+447700900126", "content", Map.of("text", "x"),
                "providerId", paused, "validUntil", Instant.now().plusMillis(500).toString()));
        JsonNode m = await(id, j -> j.get("status").asText().equals("expired"));
        assertThat(m.get("events").findValuesAsText("type")).contains("expired").doesNotContain("sent");
    }

    @Test
    void receiptsMoveForwardOnlyAndEarlyOnesWait() {
        String id = send(Map.of("channel", "sms", "to", "+447700900127", "content", Map.of("text", "r")));
        JsonNode sent = await(id, j -> j.get("status").asText().equals("sent"));
        String pmid = sent.get("providerMessageId").asText();
        Receipts receipts = server.parley().receipts();
        assertThat(receipts.apply(providerId, pmid, MessageStatus.DELIVERED, "ok")).isEqualTo(Receipts.Effect.APPLIED);
        assertThat(receipts.apply(providerId, pmid, MessageStatus.UNDELIVERED, "late")).isEqualTo(Receipts.Effect.IGNORED);
        JsonNode m = http.get("/v1/messages/" + id).bearer(owner).send().json();
        assertThat(m.get("status").asText()).isEqualTo("delivered");
        assertThat(m.get("events").findValuesAsText("type")).endsWith("receipt", "receipt_ignored");

        assertThat(receipts.apply(providerId, "sim-not-yet", MessageStatus.DELIVERED, "early")).isEqualTo(Receipts.Effect.PENDING);
    }

    @Test
    void aReceiptStrandedByARaceWithItsSettleIsAppliedByTheNextSweep() {
        String id = send(Map.of("channel", "sms", "to", "+447700900128", "content", Map.of("text", "race")));
        String pmid = await(id, j -> j.get("status").asText().equals("sent")).get("providerMessageId").asText();
        // What a receipt that looked for its message just before the settle committed leaves behind.
        server.parley().database().jdbi().useHandle(h -> h.createUpdate("""
                INSERT INTO pending_receipt (provider_id, provider_message_id, status, detail, received_at)
                VALUES (:p, :pm, 'delivered', 'raced', :now)""")
                .bind("p", providerId).bind("pm", pmid).bind("now", Instant.now()).execute());
        JsonNode m = await(id, j -> j.get("status").asText().equals("delivered"));
        assertThat(m.get("events").findValuesAsText("detail")).contains("applied after the send settled: raced");
        int left = server.parley().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM pending_receipt WHERE provider_message_id = :pm").bind("pm", pmid).mapTo(Integer.class).one());
        assertThat(left).isZero();
    }

    /**
     * An engagement event for a message not yet known (its send not yet settled) is kept, not dropped; once the
     * message is known, the next sweep adds it to the message's history and, for an unsubscribe, suppresses the address.
     */
    @Test
    void anEngagementEventThatArrivesBeforeItsMessageIsKnownIsAppliedOnceItIs() {
        var jdbi = server.parley().database().jdbi();
        assertThat(server.parley().receipts().engagement(providerId, "sim-not-yet-engaged", "opened", "early")).isEmpty();
        List<String> kept = jdbi.withHandle(h -> h.createQuery("SELECT kind FROM pending_engagement WHERE provider_message_id = :pm")
                .bind("pm", "sim-not-yet-engaged").mapTo(String.class).list());
        assertThat(kept).containsExactly("opened");

        String to = "+447700900129";
        assertThat(http.get("/v1/suppressions?channel=sms").bearer(owner).send().json().get("data").findValuesAsText("address"))
                .doesNotContain(to);
        String id = send(Map.of("channel", "sms", "to", to, "content", Map.of("text", "early unsubscribe")));
        String pmid = await(id, j -> j.get("status").asText().equals("sent")).get("providerMessageId").asText();
        // What an unsubscribe that looked for its message before the send settled leaves behind.
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO pending_engagement (id, provider_id, provider_message_id, kind, detail, received_at)
                VALUES ('pen_early', :p, :pm, 'unsubscribed', 'early', :now)""")
                .bind("p", providerId).bind("pm", pmid).bind("now", Instant.now()).execute());
        JsonNode m = await(id, j -> j.get("events").findValuesAsText("type").contains("unsubscribed"));
        assertThat(m.get("events").findValuesAsText("detail")).contains("applied after the send settled: early");
        assertThat(http.get("/v1/suppressions?channel=sms").bearer(owner).send().json().get("data").findValuesAsText("address"))
                .contains(to);
        int left = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM pending_engagement WHERE provider_message_id = :pm")
                .bind("pm", pmid).mapTo(Integer.class).one());
        assertThat(left).isZero();

        // One that comes in time is recorded at once, its opt-out in the same transaction.
        String onTime = "+447700900130";
        String id2 = send(Map.of("channel", "sms", "to", onTime, "content", Map.of("text", "spam report")));
        String pmid2 = await(id2, j -> j.get("status").asText().equals("sent")).get("providerMessageId").asText();
        server.parley().callbacks().publish(providerId, List.of(new dev.parley.providers.ProviderEvent.Engagement(
                pmid2, "spamReport", "direct", Instant.now())));
        assertThat(http.get("/v1/messages/" + id2).bearer(owner).send().json().get("events").findValuesAsText("type")).contains("spamReport");
        assertThat(http.get("/v1/suppressions?channel=sms").bearer(owner).send().json().get("data").findValuesAsText("address"))
                .contains(onTime);
    }

    @Test
    void aMessageToAContactFromATemplateIsRenderedWithTheContactAndDataAndPriced() {
        Http.Response contact = http.post("/v1/contacts").bearer(owner)
                .json(Map.of("phone", "+447911123777", "firstName", "Grace", "attributes", Map.of("plan", "gold"))).send();
        assertThat(contact.status()).as(contact.body()).isEqualTo(201);
        String contactId = contact.json().get("id").asText();
        Http.Response template = http.post("/v1/templates").bearer(owner).json(Map.of("name", "code", "channel", "sms",
                "text", "Hi {{firstName | \"there\"}} ({{attributes.plan}}), your code is {{code}} – thanks")).send();
        assertThat(template.status()).as(template.body()).isEqualTo(201);
        String priced = http.post("/v1/providers").bearer(owner)
                .json(Map.of("name", "priced", "type", "simulator", "channel", "sms", "config", Map.of())).send().json().get("id").asText();
        assertThat(http.put("/v1/routing/sms").bearer(owner).json(Map.of("rules", List.of(
                Map.of("prefix", "+447911", "providerId", priced, "price", 0.04, "currency", "GBP")))).send().status()).isEqualTo(200);
        try {
            String id = send(Map.of("channel", "sms", "contactId", contactId, "templateId", template.json().get("id").asText(),
                    "data", Map.of("code", 4711)));
            JsonNode m = await(id, j -> j.get("status").asText().equals("sent"));
            assertThat(m.get("text").asText()).isEqualTo("Hi Grace (gold), your code is 4711 – thanks");
            assertThat(m.get("to").asText()).isEqualTo("+447911123777");
            assertThat(m.get("contactId").asText()).isEqualTo(contactId);
            assertThat(m.get("providerId").asText()).isEqualTo(priced);
            assertThat(m.get("cost").decimalValue()).as("one UCS-2 segment (the en dash) at 0.04").isEqualByComparingTo("0.04");

            String inline = send(Map.of("channel", "sms", "to", "+447911123778", "content", Map.of("text", "Code {{code}}"),
                    "data", Map.of("code", "A1")));
            assertThat(await(inline, j -> j.get("status").asText().equals("sent")).get("text").asText()).isEqualTo("Code A1");

            for (Map<String, Object> bad : List.<Map<String, Object>>of(
                    Map.of("channel", "sms", "contactId", "ctc_00000000000000000000000000", "content", Map.of("text", "x")),
                    Map.of("channel", "sms", "to", "+447911123779", "templateId", "tpl_00000000000000000000000000"),
                    Map.of("channel", "sms", "to", "+447911123779", "contactId", contactId, "content", Map.of("text", "x")),
                    Map.of("channel", "sms", "to", "+447911123779", "content", Map.of("text", "{{unclosed")),
                    Map.of("channel", "email", "contactId", contactId, "content", Map.of("subject", "s", "text", "x")))) {
                Http.Response r = http.post("/v1/messages").bearer(owner).json(bad).send();
                assertThat(r.status()).as(bad + " -> " + r.body()).isEqualTo(400);
            }
        } finally {
            assertThat(http.put("/v1/routing/sms").bearer(owner).json(Map.of("rules", List.of())).send().status()).isEqualTo(200);
        }
    }

    @Test
    void operatorsSeeEveryTenantsWaitingMessagesAndTenantsDoNot() {
        send(Map.of("channel", "sms", "to", "+447700900129", "content", Map.of("text", "later"),
                "sendAt", Instant.now().plusSeconds(3600).toString()));
        server.parley().users().createOperator("ops@queues.test", "operator-password");
        String ops = server.login("ops@queues.test", "operator-password");
        JsonNode board = http.get("/v1/operator/queues").bearer(ops).send().json();
        JsonNode mine = null;
        for (JsonNode t : board.get("tenants")) {
            if (t.get("name").asText().equals("Sender")) {
                mine = t;
            }
        }
        assertThat(mine).as(board.toString()).isNotNull();
        assertThat(mine.get("scheduled").asLong()).isPositive();
        assertThat(board.get("nodes")).isNotEmpty();
        assertThat(http.get("/v1/operator/queues").bearer(owner).send().status()).isEqualTo(403);
    }

    @Test
    void aSuppressedAddressIsNeverSentTo() {
        Http.Response sup = http.post("/v1/suppressions").bearer(owner)
                .json(Map.of("channel", "sms", "address", "+447911123456", "reason", "STOP")).send();
        assertThat(sup.status()).as(sup.body()).isIn(200, 201);
        String id = send(Map.of("channel", "sms", "to", "+447911123456", "content", Map.of("text", "no")));
        JsonNode m = await(id, j -> j.get("status").asText().equals("suppressed"));
        assertThat(m.get("events").findValuesAsText("type")).contains("suppressed").doesNotContain("sent");
        assertThat(m.get("attempt").asInt()).isZero();
        assertThat(m.get("providerMessageId").isNull()).isTrue();
    }

    @Test
    void badMessagesAreRefusedWithTheFieldNamed() {
        Http.Response r = http.post("/v1/messages").bearer(owner)
                .json(Map.of("channel", "sms", "to", "07700900123", "content", Map.of("text", "x"))).send();
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("errors").findValuesAsText("field")).contains("to");
        Http.Response email = http.post("/v1/messages").bearer(owner)
                .json(Map.of("channel", "email", "to", "a@b.test", "content", Map.of("subject", "s", "text", "x"))).send();
        assertThat(email.status()).isEqualTo(409);
        assertThat(email.json().get("currentState").asText()).isEqualTo("noProvider");
        Http.Response past = http.post("/v1/messages").bearer(owner).json(Map.of("channel", "sms", "to", "+447700900123",
                "content", Map.of("text", "x"), "validUntil", Instant.now().minusSeconds(5).toString())).send();
        assertThat(past.status()).isEqualTo(400);
    }

    @Test
    void agentsSeeRecipientsMasked() {
        String agent = server.userWithRole(owner, "agent@sender.test", "agent");
        String id = send(Map.of("channel", "sms", "to", "+447700900199", "content", Map.of("text", "m")));
        JsonNode m = http.get("/v1/messages/" + id).bearer(agent).send().json();
        assertThat(m.get("to").asText()).isEqualTo("+44********99");
        assertThat(http.get("/v1/messages?limit=200").bearer(agent).send().body()).doesNotContain("+447700900199");
    }

    @Test
    void queueBoardCountsTheTenantsMessagesAndShowsNodes() {
        send(Map.of("channel", "sms", "to", "+447700900128", "content", Map.of("text", "b")));
        JsonNode board = http.get("/v1/queues").bearer(owner).send().json();
        assertThat(board.get("byStatus").has("sent")).isTrue();
        assertThat(board.get("nodes").size()).isGreaterThanOrEqualTo(1);
        assertThat(board.get("byProvider").has(providerId)).isTrue();
        List<String> fields = List.of("byChannel", "inFlight", "oldestDueAgeSeconds", "sendRatePerSecond", "circuits", "recentFailures");
        fields.forEach(f -> assertThat(board.has(f)).as(f).isTrue());
        String metrics = http.get("/metrics").send().body();
        assertThat(metrics).contains("parley_sends_completed", "parley_sends_in_flight", "parley_queue_oldest_due_seconds",
                "parley_providers_circuits_open");
    }
}
