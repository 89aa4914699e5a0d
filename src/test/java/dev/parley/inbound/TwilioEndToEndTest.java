package dev.parley.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.simulator.LedgerEntry;
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
 * Parley with the real {@code twilio} adapter against {@code parley simulator}'s Twilio dialect: the
 * simulator's signed status callbacks move messages to delivered, its signed inbound STOP suppresses the
 * sender and is confirmed once, and a forged callback is refused with nothing stored.
 */
@ParameterizedClass
@ArgumentsSource(Databases.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwilioEndToEndTest {
    private static final String SID = "AC" + "0123456789abcdef".repeat(2);
    private static final String TOKEN = "twilio-auth-token-for-tests";

    @Parameter
    TestDatabase.Kind kind;

    TestServer server;
    Simulator simulator;
    Http http;
    String owner;
    String providerId;

    @BeforeParameterizedClassInvocation
    void start(TestDatabase.Kind kind) {
        server = TestServer.start(kind);
        http = server.http();
        server.tenant("Replies", "owner@replies.test", "replies-password");
        owner = server.login("owner@replies.test", "replies-password");
        SimulatorOptions d = SimulatorOptions.defaults();
        simulator = Simulator.start(new SimulatorOptions(d.host(), 0, 0, 0, 0, 0, d.timeoutMs(), 0, 3, null, 1.0, 1.0, "stop", null));
        Http.Response p = http.post("/v1/providers").bearer(owner).json(Map.of("name", "twilio", "type", "twilio", "channel", "sms",
                "config", Map.of("accountSid", SID, "authToken", TOKEN, "from", "+15005550006",
                        "baseUrl", "http://127.0.0.1:" + simulator.port()))).send();
        assertThat(p.status()).as(p.body()).isEqualTo(201);
        providerId = p.json().get("id").asText();
        assertThat(http.patch("/v1/settings").bearer(owner).json(Map.of("stopConfirmation", "Replies: you are out. Text START to rejoin."))
                .send().status()).isEqualTo(200);
    }

    @AfterParameterizedClassInvocation
    void stop() {
        simulator.close();
        server.close();
    }

    @Test
    void aReplyStopSuppressesTheSenderConfirmsOnceAndBlocksLaterSends() {
        String phone = "+447911123555";
        Http.Response contact = http.post("/v1/contacts").bearer(owner).json(Map.of("phone", phone, "firstName", "Ada")).send();
        assertThat(contact.status()).as(contact.body()).isEqualTo(201);
        String contactId = contact.json().get("id").asText();

        Http.Response sent = http.post("/v1/messages").bearer(owner)
                .json(Map.of("channel", "sms", "to", phone, "content", Map.of("text", "Your table is ready"))).send();
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        String id = sent.json().get("id").asText();

        JsonNode delivered = Eventually.until(() -> http.get("/v1/messages/" + id).bearer(owner).send().json(),
                m -> m.get("status").asText().equals("delivered"));
        assertThat(delivered.get("providerMessageId").asText()).startsWith("SM");
        assertThat(delivered.get("events").findValuesAsText("type")).contains("sent", "receipt");

        JsonNode inbound = Eventually.until(() -> http.get("/v1/inbound?contactId=" + contactId).bearer(owner).send().json().get("data"),
                d -> d.size() >= 1);
        assertThat(inbound.get(0).get("keyword").asText()).isEqualTo("STOP");
        assertThat(inbound.get(0).get("from").asText()).isEqualTo(phone);
        assertThat(inbound.get(0).get("to").asText()).isEqualTo("+15005550006");

        JsonNode suppressions = http.get("/v1/suppressions?channel=sms").bearer(owner).send().json().get("data");
        assertThat(suppressions.findValuesAsText("address")).contains(phone);
        JsonNode consent = http.get("/v1/contacts/" + contactId).bearer(owner).send().json().get("consent").get("sms");
        assertThat(consent.get("status").asText()).isEqualTo("optedOut");

        // The confirmation goes out once, through Twilio, to the suppressed number; the simulator answers it with
        // another "stop", which is stored but not confirmed again.
        List<LedgerEntry> toPhone = Eventually.until(() -> simulator.ledger().entries().stream().filter(e -> e.to().equals(phone)).toList(),
                l -> l.size() >= 2);
        Eventually.until(() -> http.get("/v1/inbound?contactId=" + contactId).bearer(owner).send().json().get("data"), d -> d.size() >= 2);
        assertThat(simulator.ledger().entries().stream().filter(e -> e.to().equals(phone)).count()).isEqualTo(2);
        assertThat(toPhone).hasSize(2);

        Http.Response later = http.post("/v1/messages").bearer(owner)
                .json(Map.of("channel", "sms", "to", phone, "content", Map.of("text", "One more offer"))).send();
        String laterId = later.json().get("id").asText();
        JsonNode blocked = Eventually.until(() -> http.get("/v1/messages/" + laterId).bearer(owner).send().json(),
                m -> !List.of("queued", "sending").contains(m.get("status").asText()));
        assertThat(blocked.get("status").asText()).isEqualTo("suppressed");
        assertThat(simulator.ledger().entries().stream().filter(e -> e.to().equals(phone)).count()).isEqualTo(2);
    }

    @Test
    void aForgedOrUnsignedCallbackIsRefusedAndNothingIsStored() throws Exception {
        int before = http.get("/v1/inbound").bearer(owner).send().json().get("data").size();
        String form = "MessageSid=SM" + "f".repeat(32) + "&AccountSid=" + SID + "&From=%2B447700900999&To=%2B15005550006&Body=STOP";
        HttpClient client = HttpClient.newHttpClient();
        for (String signature : new String[] {null, "bm90IGEgc2lnbmF0dXJl", ""}) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + "/hooks/twilio/" + providerId + "/inbound"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form));
            if (signature != null) {
                b.header("X-Twilio-Signature", signature);
            }
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        }
        HttpResponse<String> wrongType = client.send(HttpRequest.newBuilder(URI.create(http.base() + "/hooks/sendgrid/" + providerId + "/events"))
                .POST(HttpRequest.BodyPublishers.ofString("[]")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrongType.statusCode()).isEqualTo(404);
        assertThat(http.get("/v1/inbound").bearer(owner).send().json().get("data").size()).isEqualTo(before);
        assertThat(http.get("/v1/suppressions?channel=sms").bearer(owner).send().json().get("data").findValuesAsText("address"))
                .doesNotContain("+447700900999");
    }
}
