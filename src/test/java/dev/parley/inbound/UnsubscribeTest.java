package dev.parley.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.parley.testing.Databases;
import dev.parley.testing.Http;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestServer;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
 * One-click unsubscribe end to end: a campaign email goes out through the real {@code smtp} adapter to
 * GreenMail carrying {@code List-Unsubscribe} and {@code List-Unsubscribe-Post}; the link's page changes
 * nothing on GET; the RFC 8058 POST suppresses the address, opts the contact out and is recorded; a
 * tampered token is refused.
 */
@ParameterizedClass
@ArgumentsSource(Databases.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnsubscribeTest {
    @Parameter
    TestDatabase.Kind kind;

    TestServer server;
    GreenMail mail;
    Http http;
    String owner;
    final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeParameterizedClassInvocation
    void start(TestDatabase.Kind kind) {
        server = TestServer.start(kind);
        http = server.http();
        server.tenant("News", "owner@news.test", "news-password");
        owner = server.login("owner@news.test", "news-password");
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort()).withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        mail.start();
        Http.Response p = http.post("/v1/providers").bearer(owner).json(Map.of("name", "smtp", "type", "smtp", "channel", "email",
                "config", Map.of("host", "127.0.0.1", "port", mail.getSmtp().getPort(), "security", "none",
                        "from", "news@news.test"))).send();
        assertThat(p.status()).as(p.body()).isEqualTo(201);
    }

    @AfterParameterizedClassInvocation
    void stop() {
        mail.stop();
        server.close();
    }

    @Test
    void theOneClickLinkOfACampaignEmailUnsubscribesOnPostOnly() throws Exception {
        String contact = http.post("/v1/contacts").bearer(owner).json(Map.of("email", "reader@example.org", "firstName", "Rea"))
                .send().json().get("id").asText();
        String list = http.post("/v1/lists").bearer(owner).json(Map.of("name", "Readers")).send().json().get("id").asText();
        http.post("/v1/lists/" + list + "/members").bearer(owner).json(Map.of("contactIds", List.of(contact))).send();
        Http.Response campaign = http.post("/v1/campaigns").bearer(owner).json(Map.of("name", "Letter", "channel", "email",
                "audience", Map.of("listIds", List.of(list)),
                "content", Map.of("subject", "News for {{firstName}}", "text", "Hello {{firstName}}"))).send();
        assertThat(campaign.status()).as(campaign.body()).isEqualTo(201);
        assertThat(http.post("/v1/campaigns/" + campaign.json().get("id").asText() + "/launch").bearer(owner).send().status())
                .isLessThan(300);

        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (mail.getReceivedMessages().length == 0 && Instant.now().isBefore(deadline)) {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
        MimeMessage received = mail.getReceivedMessages()[0];
        assertThat(received.getSubject()).isEqualTo("News for Rea");
        assertThat(received.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
        String header = received.getHeader("List-Unsubscribe", null);
        assertThat(header).startsWith("<" + http.base() + "/u/msg_").endsWith(">");
        String link = header.substring(1, header.length() - 1);

        HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(link)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<form method=\"post\">").doesNotContain("reader@example.org");
        assertThat(suppressed()).as("a GET (a mail scanner following the link) changes nothing").doesNotContain("reader@example.org");

        HttpResponse<String> forged = client.send(HttpRequest.newBuilder(URI.create(link.substring(0, link.length() - 3) + "AAA"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(404);
        assertThat(suppressed()).doesNotContain("reader@example.org");

        for (int i = 0; i < 2; i++) {
            HttpResponse<String> done = client.send(HttpRequest.newBuilder(URI.create(link))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(done.statusCode()).isEqualTo(200);
            assertThat(done.body()).contains("You are unsubscribed");
        }
        assertThat(suppressed()).containsOnlyOnce("reader@example.org");
        JsonNode consent = http.get("/v1/contacts/" + contact).bearer(owner).send().json().get("consent").get("email");
        assertThat(consent.get("status").asText()).isEqualTo("optedOut");
        String messageId = link.substring(link.indexOf("/u/") + 3, link.indexOf('.', link.indexOf("/u/")));
        JsonNode message = http.get("/v1/messages/" + messageId).bearer(owner).send().json();
        assertThat(message.get("events").findValuesAsText("type")).containsOnlyOnce("optedOut");
    }

    private List<String> suppressed() {
        return http.get("/v1/suppressions?channel=email").bearer(owner).send().json().get("data").findValuesAsText("address");
    }
}
