package dev.parley.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.simulator.Simulator;
import dev.parley.simulator.SimulatorOptions;
import dev.parley.testing.Databases;
import dev.parley.testing.Eventually;
import dev.parley.testing.Http;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * Parley with the real {@code sendgrid} adapter against {@code parley simulator}'s SendGrid dialect, set up
 * as a user would set up SendGrid: the event webhook URL and the verification key exchanged through
 * SendGrid's settings API. Signed events come back through {@code /hooks/sendgrid/...}: delivered moves
 * the message, bounces do too, and a forged batch is refused with nothing stored.
 */
@ParameterizedClass
@ArgumentsSource(Databases.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SendGridEndToEndTest {
    private static final String KEY = "SG.test-key";

    @Parameter
    TestDatabase.Kind kind;

    TestServer server;
    Simulator simulator;
    Http http;
    String owner;
    String providerId;
    final HttpClient client = HttpClient.newHttpClient();

    @BeforeParameterizedClassInvocation
    void start(TestDatabase.Kind kind) throws Exception {
        server = TestServer.start(kind);
        http = server.http();
        server.tenant("Mail", "owner@mail.test", "mail-password");
        owner = server.login("owner@mail.test", "mail-password");
        SimulatorOptions d = SimulatorOptions.defaults();
        simulator = Simulator.start(new SimulatorOptions(d.host(), 0, 0, 0, 0, 0, d.timeoutMs(), 0, 5, null, 0.5, 0, "STOP", null));
        String sim = "http://127.0.0.1:" + simulator.port();
        String publicKey = sendGrid("GET", sim + "/v3/user/webhooks/event/settings/signed", null).get("public_key").asText();
        Http.Response p = http.post("/v1/providers").bearer(owner).json(Map.of("name", "sendgrid", "type", "sendgrid", "channel", "email",
                "config", Map.of("apiKey", KEY, "from", "news@mail.test", "baseUrl", sim, "webhookPublicKey", publicKey))).send();
        assertThat(p.status()).as(p.body()).isEqualTo(201);
        providerId = p.json().get("id").asText();
        sendGrid("PATCH", sim + "/v3/user/webhooks/event/settings",
                "{\"enabled\":true,\"url\":\"" + http.base() + "/hooks/sendgrid/" + providerId + "/events\"}");
    }

    private JsonNode sendGrid(String method, String url, String body) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return dev.parley.core.Json.mapper().readTree(r.body());
    }

    @AfterParameterizedClassInvocation
    void stop() {
        simulator.close();
        server.close();
    }

    @Test
    void signedEventsDeliverOrBounceEachMessageExactlyOnce() {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Http.Response r = http.post("/v1/messages").bearer(owner).json(Map.of("channel", "email", "to", "reader" + i + "@example.com",
                    "content", Map.of("subject", "Hello", "text", "Plain", "html", "<p>Rich</p>"))).send();
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            ids.add(r.json().get("id").asText());
        }
        List<JsonNode> done = ids.stream().map(id -> Eventually.until(() -> http.get("/v1/messages/" + id).bearer(owner).send().json(),
                m -> List.of("delivered", "undelivered").contains(m.get("status").asText()))).toList();
        long delivered = done.stream().filter(m -> m.get("status").asText().equals("delivered")).count();
        assertThat(delivered).as("about half delivered at --delivered-rate 0.5").isBetween(3L, 17L);
        assertThat(done).allMatch(m -> m.get("events").findValuesAsText("type").contains("receipt"));
        assertThat(simulator.ledger().summary().duplicateIds().count()).isZero();
        assertThat(simulator.ledger().entries().stream().filter(e -> ids.contains(e.id())).count()).isEqualTo(20);
    }

    @Test
    void aForgedEventBatchIsRefusedAndChangesNothing() throws Exception {
        Http.Response r = http.post("/v1/messages").bearer(owner).json(Map.of("channel", "email", "to", "forged@example.com",
                "content", Map.of("subject", "Hi", "text", "x"))).send();
        String id = r.json().get("id").asText();
        JsonNode m = Eventually.until(() -> http.get("/v1/messages/" + id).bearer(owner).send().json(),
                j -> List.of("delivered", "undelivered").contains(j.get("status").asText()));
        String pmid = m.get("providerMessageId").asText();
        String body = "[{\"event\":\"bounce\",\"sg_message_id\":\"" + pmid + ".filter0001\",\"email\":\"forged@example.com\",\"timestamp\":"
                + Instant.now().getEpochSecond() + "}]";
        HttpResponse<String> forged = client.send(HttpRequest.newBuilder(URI.create(http.base() + "/hooks/sendgrid/" + providerId + "/events"))
                .header("Content-Type", "application/json")
                .header("X-Twilio-Email-Event-Webhook-Signature", "MEUCIQDforgedforgedforgedforgedforgedforgedforgedforgedAiAforged==")
                .header("X-Twilio-Email-Event-Webhook-Timestamp", Long.toString(Instant.now().getEpochSecond()))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).as(forged.body()).isEqualTo(401);
        JsonNode after = http.get("/v1/messages/" + id).bearer(owner).send().json();
        assertThat(after.get("status").asText()).isEqualTo(m.get("status").asText());
        assertThat(after.get("events").size()).isEqualTo(m.get("events").size());
    }
}
