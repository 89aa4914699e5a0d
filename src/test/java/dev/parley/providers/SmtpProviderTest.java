package dev.parley.providers;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.parley.core.Failure.FieldError;
import dev.parley.providers.SendResult.Accepted;
import dev.parley.providers.SendResult.Ambiguous;
import dev.parley.providers.SendResult.ErrorClass;
import dev.parley.providers.SendResult.Rejected;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The smtp adapter against real SMTP servers: GreenMail, and {@link SmtpPeer} for the failures GreenMail will not produce. */
class SmtpProviderTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private Provider provider(int port, Object... pairs) {
        Map<String, Object> config = new HashMap<>(Map.of("host", "127.0.0.1", "port", port, "security", "none",
                "from", "News <news@parley.example>", "timeoutMs", 2_000, "connectTimeoutMs", 2_000));
        for (int i = 0; i < pairs.length; i += 2) {
            config.put((String) pairs[i], pairs[i + 1]);
        }
        Provider provider = ProviderTypes.create("prv_smtp", "smtp", config);
        toClose.add(provider);
        return provider;
    }

    private static SendRequest email(String messageId, String to, int attempt) {
        return new SendRequest(messageId, "tnt_1", "email", to, null, "Spring news", "Hello in text",
                "<p>Hello in <b>HTML</b></p>", attempt, Map.of(), "https://parley.example/u/tok123");
    }

    private GreenMail greenMail(GreenMailConfiguration configuration) {
        GreenMail greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort()).withConfiguration(configuration);
        greenMail.start();
        toClose.add(greenMail::stop);
        return greenMail;
    }

    private SmtpPeer peer() throws Exception {
        SmtpPeer peer = new SmtpPeer();
        toClose.add(peer);
        return peer;
    }

    @Test
    void aMessageArrivesAsTextAndHtmlWithOneClickUnsubscribeAndTheSameMessageIdOnEveryAttempt() throws Exception {
        GreenMail greenMail = greenMail(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        Provider provider = provider(greenMail.getSmtp().getPort());

        SendResult first = provider.send(email("msg_01HX", "ada@example.com", 1));
        SendResult retry = provider.send(email("msg_01HX", "ada@example.com", 2));

        assertThat(first).isEqualTo(new Accepted("msg_01HX@parley.example"));
        assertThat(retry).isEqualTo(first);
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(2);
        for (MimeMessage message : received) {
            assertThat(message.getMessageID()).isEqualTo("<msg_01HX@parley.example>");
            assertThat(message.getHeader("List-Unsubscribe", null)).isEqualTo("<https://parley.example/u/tok123>");
            assertThat(message.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
            assertThat(message.getFrom()[0].toString()).isEqualTo("News <news@parley.example>");
            assertThat(message.getSubject()).isEqualTo("Spring news");
            assertThat(message.getContentType()).startsWith("multipart/alternative");
            MimeMultipart parts = (MimeMultipart) message.getContent();
            assertThat(parts.getCount()).isEqualTo(2);
            assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
            assertThat(((String) parts.getBodyPart(0).getContent()).strip()).isEqualTo("Hello in text");
            assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
            assertThat(((String) parts.getBodyPart(1).getContent()).strip()).isEqualTo("<p>Hello in <b>HTML</b></p>");
        }
    }

    @Test
    void credentialsTheServerRefusesAreAProviderError() throws Exception {
        GreenMail greenMail = greenMail(GreenMailConfiguration.aConfig().withUser("parley@example.com", "parley", "right"));
        int port = greenMail.getSmtp().getPort();

        SendResult refused = provider(port, "username", "parley", "password", "wrong").send(email("msg_a", "ada@example.com", 1));
        SendResult accepted = provider(port, "username", "parley", "password", "right").send(email("msg_b", "ada@example.com", 1));

        assertThat(refused).isInstanceOfSatisfying(Rejected.class, r -> {
            assertThat(r.errorClass()).isEqualTo(ErrorClass.PROVIDER);
            assertThat(r.code()).isEqualTo("auth-failed");
        });
        assertThat(accepted).isInstanceOf(Accepted.class);
        assertThat(greenMail.getReceivedMessages()).hasSize(1);
    }

    @Test
    void aRefusedMailboxIsPermanentAndABusyOneTransientAndNeitherCostsTheConnection() throws Exception {
        SmtpPeer peer = peer();
        Provider provider = provider(peer.port());

        SendResult bad = provider.send(email("msg_1", "bad-mailbox@example.com", 1));
        SendResult busy = provider.send(email("msg_2", "busy@example.com", 1));
        SendResult good = provider.send(email("msg_3", "ada@example.com", 1));

        assertThat(bad).isInstanceOfSatisfying(Rejected.class, r -> {
            assertThat(r.errorClass()).isEqualTo(ErrorClass.PERMANENT);
            assertThat(r.code()).isEqualTo("smtp-550");
            assertThat(r.reason()).contains("User unknown");
        });
        assertThat(busy).isInstanceOfSatisfying(Rejected.class, r -> {
            assertThat(r.errorClass()).isEqualTo(ErrorClass.TRANSIENT);
            assertThat(r.code()).isEqualTo("smtp-451");
        });
        assertThat(good).isInstanceOf(Accepted.class);
        assertThat(peer.messages).hasSize(1);
        assertThat(peer.connections.get()).isEqualTo(1);
    }

    @Test
    void aConnectionLostAfterTheMessageWasWrittenIsAmbiguous() throws Exception {
        SmtpPeer peer = peer();
        peer.afterData = SmtpPeer.AfterData.DROP;

        SendResult result = provider(peer.port()).send(email("msg_1", "ada@example.com", 1));

        assertThat(result).isInstanceOfSatisfying(Ambiguous.class, a -> assertThat(a.reason()).contains("may have been accepted"));
    }

    @Test
    void noReplyToTheEndOfTheMessageWithinTheTimeoutIsAmbiguous() throws Exception {
        SmtpPeer peer = peer();
        peer.afterData = SmtpPeer.AfterData.SILENT;

        SendResult result = provider(peer.port(), "timeoutMs", 300).send(email("msg_1", "ada@example.com", 1));

        assertThat(result).isInstanceOf(Ambiguous.class);
    }

    @Test
    void aConnectionLostBeforeAnyDataIsTransient() throws Exception {
        SmtpPeer peer = peer();
        peer.dropOnMail = true;

        SendResult result = provider(peer.port()).send(email("msg_1", "ada@example.com", 1));

        assertThat(result).isInstanceOfSatisfying(Rejected.class, r -> {
            assertThat(r.errorClass()).isEqualTo(ErrorClass.TRANSIENT);
            assertThat(r.code()).isEqualTo("connection-lost");
        });
    }

    @Test
    void aRefusedConnectionIsTransient() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        SendResult result = provider(closedPort).send(email("msg_1", "ada@example.com", 1));

        assertThat(result).isInstanceOfSatisfying(Rejected.class, r -> {
            assertThat(r.errorClass()).isEqualTo(ErrorClass.TRANSIENT);
            assertThat(r.code()).isEqualTo("connect-failed");
        });
    }

    @Test
    void requiredStartTlsThatTheServerDoesNotOfferIsAProviderErrorAndNothingIsSent() throws Exception {
        SmtpPeer peer = peer();

        SendResult result = provider(peer.port(), "security", "starttls").send(email("msg_1", "ada@example.com", 1));

        assertThat(result).isInstanceOfSatisfying(Rejected.class, r -> {
            assertThat(r.errorClass()).isEqualTo(ErrorClass.PROVIDER);
            assertThat(r.code()).isEqualTo("starttls-unavailable");
        });
        assertThat(peer.messages).isEmpty();
    }

    @Test
    void messagesShareOnePooledConnection() throws Exception {
        SmtpPeer peer = peer();
        Provider provider = provider(peer.port(), "poolSize", 2);

        for (int i = 0; i < 5; i++) {
            assertThat(provider.send(email("msg_" + i, "ada@example.com", 1))).isInstanceOf(Accepted.class);
        }

        assertThat(peer.messages).hasSize(5);
        assertThat(peer.connections.get()).isEqualTo(1);
    }

    @Test
    void aPooledConnectionTheServerClosedIsReplacedWithoutLosingTheMessage() throws Exception {
        SmtpPeer peer = peer();
        peer.afterData = SmtpPeer.AfterData.ACCEPT_AND_HANG_UP;
        Provider provider = provider(peer.port());

        SendResult first = provider.send(email("msg_1", "ada@example.com", 1));
        SendResult second = provider.send(email("msg_2", "ada@example.com", 1));

        assertThat(first).isInstanceOf(Accepted.class);
        assertThat(second).isEqualTo(new Accepted("msg_2@parley.example"));
        assertThat(peer.messages).hasSize(2);
        assertThat(peer.connections.get()).isEqualTo(2);
    }

    @Test
    void anUnusableAddressIsPermanentAndNeverReachesTheServer() throws Exception {
        SmtpPeer peer = peer();

        SendResult result = provider(peer.port()).send(email("msg_1", "not an address", 1));

        assertThat(result).isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.code()).isEqualTo("invalid-address"));
        assertThat(peer.connections.get()).isZero();
    }

    @Test
    void configProblemsAreNamedFieldByField() {
        assertThat(ProviderTypes.validate("smtp", "email", Map.of("host", "mail.example.com"))).isEmpty();
        assertThat(ProviderTypes.validate("smtp", "sms", Map.of("host", "mail.example.com")))
                .extracting(FieldError::field).containsExactly("channel");
        assertThat(ProviderTypes.validate("smtp", "email", Map.of())).extracting(FieldError::field).containsExactly("config.host");
        assertThat(ProviderTypes.validate("smtp", "email", Map.of("host", "mail.example.com", "security", "ssl")))
                .extracting(FieldError::field).containsExactly("config.security");
        assertThat(ProviderTypes.validate("smtp", "email", Map.of("host", "mail.example.com", "username", "u")))
                .extracting(FieldError::field).containsExactly("config.password");
        assertThat(ProviderTypes.validate("smtp", "email", Map.of("host", "mail.example.com", "from", "nobody")))
                .extracting(FieldError::field).containsExactly("config.from");
        assertThat(ProviderTypes.validate("smtp", "email", Map.of("host", "mail.example.com", "port", 70_000)))
                .extracting(FieldError::field).containsExactly("config.port");
        assertThat(ProviderTypes.secretFields("smtp")).containsExactly("password");
    }
}
