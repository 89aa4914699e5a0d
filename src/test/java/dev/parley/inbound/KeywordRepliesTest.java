package dev.parley.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.providers.ProviderEvent;
import dev.parley.testing.Databases;
import dev.parley.testing.Http;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestServer;
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
 * Inbound SMS keywords as an adapter hands them over (after verifying its provider's callback): HELP is
 * answered with the tenant's help text, STOP suppresses and confirms, START lifts the suppression, and a
 * provider's repeat of the same inbound message changes nothing.
 */
@ParameterizedClass
@ArgumentsSource(Databases.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeywordRepliesTest {
    static final String PHONE = "+447911123444";
    static final String NUMBER = "+15005550006";

    @Parameter
    TestDatabase.Kind kind;

    TestServer server;
    Http http;
    String owner;
    String providerId;
    String contactId;

    @BeforeParameterizedClassInvocation
    void start(TestDatabase.Kind kind) {
        server = TestServer.start(kind);
        http = server.http();
        server.tenant("Keywords", "owner@keywords.test", "keywords-password");
        owner = server.login("owner@keywords.test", "keywords-password");
        providerId = http.post("/v1/providers").bearer(owner)
                .json(Map.of("name", "sim", "type", "simulator", "channel", "sms", "config", Map.of())).send().json().get("id").asText();
        contactId = http.post("/v1/contacts").bearer(owner).json(Map.of("phone", PHONE)).send().json().get("id").asText();
        assertThat(http.patch("/v1/settings").bearer(owner).json(Map.of("helpText", "Keywords Ltd: call 0800 000 000. STOP to end."))
                .send().status()).isEqualTo(200);
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
    }

    private void inbound(String id, String text) {
        server.parley().callbacks().publish(providerId, List.of(new ProviderEvent.Inbound("sms", id, PHONE, NUMBER, text, Instant.now())));
    }

    private List<JsonNode> repliesTo() {
        List<JsonNode> out = new java.util.ArrayList<>();
        http.get("/v1/messages?contactId=" + contactId).bearer(owner).send().json().get("data").forEach(out::add);
        return out;
    }

    private List<String> suppressed() {
        return http.get("/v1/suppressions?channel=sms").bearer(owner).send().json().get("data").findValuesAsText("address");
    }

    @Test
    void helpStopAndStartDoWhatCarriersRequire() {
        inbound("SM-help", "help");
        assertThat(repliesTo()).hasSize(1);
        JsonNode help = repliesTo().getFirst();
        assertThat(help.get("text").asText()).isEqualTo("Keywords Ltd: call 0800 000 000. STOP to end.");
        assertThat(help.get("from").asText()).isEqualTo(NUMBER);
        assertThat(help.get("tags").toString()).contains("compliance");

        inbound("SM-stop", "Stop");
        inbound("SM-stop", "Stop");
        assertThat(suppressed()).containsOnlyOnce(PHONE);
        assertThat(repliesTo()).as("HELP answer and one STOP confirmation").hasSize(2);
        assertThat(http.get("/v1/contacts/" + contactId).bearer(owner).send().json().at("/consent/sms/status").asText()).isEqualTo("optedOut");
        assertThat(http.get("/v1/inbound?contactId=" + contactId).bearer(owner).send().json().get("data"))
                .as("the provider's repeat of SM-stop is stored once").hasSize(2);

        inbound("SM-start", "START");
        assertThat(suppressed()).doesNotContain(PHONE);
        assertThat(http.get("/v1/contacts/" + contactId).bearer(owner).send().json().at("/consent/sms/status").asText()).isEqualTo("optedIn");
        assertThat(repliesTo()).as("START is not answered").hasSize(2);

        inbound("SM-chat", "stop sending me the Tuesday deals please");
        assertThat(suppressed()).as("a sentence is a conversation, not a command").doesNotContain(PHONE);
        assertThat(http.get("/v1/inbound?contactId=" + contactId).bearer(owner).send().json().get("data").findValuesAsText("keyword"))
                .as("newest first; the conversation has no keyword").containsExactly("null", "START", "STOP", "HELP");
    }
}
