package dev.parley.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.parley.testing.Databases;
import dev.parley.testing.Http;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestServer;
import jakarta.mail.internet.MimeMessage;
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
 * The one-click unsubscribe link of a campaign email moves the campaign's {@code optedOut} counter (for the
 * message's variant too), once: on H2 and PostgreSQL, through the real smtp adapter and GreenMail, the link
 * taken from the {@code List-Unsubscribe} header the recipient got.
 */
@ParameterizedClass
@ArgumentsSource(Databases.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CampaignOptOutTest {
    @Parameter
    TestDatabase.Kind kind;

    TestServer server;
    GreenMail greenMail;
    CampaignFixture f;

    @BeforeParameterizedClassInvocation
    void start(TestDatabase.Kind kind) {
        greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort())
                .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        greenMail.start();
        server = TestServer.start(kind);
        f = new CampaignFixture(server, "OptOuts");
        f.provider("smtp", "smtp", "email", Map.of("host", "127.0.0.1", "port", greenMail.getSmtp().getPort(),
                "security", "none", "from", "News <news@parley.example>", "timeoutMs", 2_000, "connectTimeoutMs", 2_000));
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
        greenMail.stop();
    }

    @Test
    void theUnsubscribeLinkCountsAnOptOutForItsCampaignOnce() throws Exception {
        String l = f.list("Mail");
        f.members(l, List.of(f.contact(Map.of("email", "ada@example.com")), f.contact(Map.of("email", "bo@example.com"))));
        Map<String, Object> content = Map.of("subject", "Spring news", "text", "Hello");
        String id = f.draft(l, Map.of("channel", "email", "variants", List.of(
                Map.of("name", "A", "weight", 50, "content", content), Map.of("name", "B", "weight", 50, "content", content))));
        assertThat(f.act(id, "launch").status()).isEqualTo(200);
        f.await(id, c -> c.get("status").asText().equals("completed"));
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(2);
        String header = received[0].getHeader("List-Unsubscribe", null);
        String path = header.substring(header.indexOf("/u/"), header.length() - 1);

        for (int i = 0; i < 2; i++) {
            Http.Response r = f.http.post(path).send();
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
        var progress = f.get(id).get("progress");
        assertThat(progress.get("optedOut").asLong()).as("once, however often the link is followed").isEqualTo(1);
        long byVariant = 0;
        for (var v : progress.get("variants")) {
            byVariant += v.get("optedOut").asLong();
        }
        assertThat(byVariant).isEqualTo(1);
    }
}
