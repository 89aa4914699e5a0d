package dev.parley.providers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.parley.core.Failure.FieldError;
import dev.parley.core.Json;
import dev.parley.providers.SendResult.Accepted;
import dev.parley.providers.SendResult.Ambiguous;
import dev.parley.providers.SendResult.ErrorClass;
import dev.parley.providers.SendResult.Rejected;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sendgrid adapter against a local HTTP endpoint that holds SendGrid's documented Mail Send
 * contract: Bearer key or 401, 202 with {@code X-Message-Id}, errors as {@code {"errors":[…]}}, 429 with
 * {@code X-RateLimit-Reset}. Each test sets the answer the endpoint gives.
 */
class SendGridProviderTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    record Answer(int status, Map<String, String> headers, String body) {}

    record Received(String method, String path, String authorization, String contentType, JsonNode body) {}

    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Answer answer = new Answer(202, Map.of("X-Message-Id", "W6A7Bl4gR2aGl5Xq9pXhNw"), "");
    private volatile boolean hold;
    private final HttpServer server;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    SendGridProviderTest() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestHeaders().getFirst("Content-Type"),
                Json.mapper().readTree(body)));
        if (hold) {
            try {
                released.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Answer a = answer;
        a.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @AfterEach
    void stop() throws Exception {
        released.countDown();
        for (AutoCloseable c : toClose) {
            c.close();
        }
        server.stop(0);
    }

    private Provider provider(String baseUrl, Object... pairs) {
        Map<String, Object> config = new HashMap<>(Map.of("baseUrl", baseUrl, "apiKey", "SG.test-key",
                "from", "Parley News <news@parley.example>", "timeoutMs", 2_000));
        for (int i = 0; i < pairs.length; i += 2) {
            config.put((String) pairs[i], pairs[i + 1]);
        }
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        Provider provider = ProviderTypes.create(new ProviderContext("prv_sg", clock, URI.create("http://127.0.0.1/hooks/sendgrid/prv_sg"),
                ProviderEvents.NONE), "sendgrid", config);
        toClose.add(provider);
        return provider;
    }

    private Provider provider() {
        return provider("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static SendRequest email(String unsubscribeUrl) {
        return new SendRequest("msg_01HX", "tnt_7", "email", "Ada Lovelace <ada@example.com>", null, "Spring news",
                "Hello in text", "<p>Hello</p>", 1, Map.of(), unsubscribeUrl);
    }

    private SendResult answering(int status, Map<String, String> headers, String body) throws InterruptedException {
        answer = new Answer(status, headers, body);
        return provider().send(email(null));
    }

    @Test
    void postsTheDocumentedMailSendBodyWithTheBearerKeyAndReturnsTheMessageId() throws Exception {
        SendResult result = provider().send(email("https://parley.example/u/tok"));

        assertThat(result).isEqualTo(new Accepted("W6A7Bl4gR2aGl5Xq9pXhNw"));
        Received r = received.remove();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/v3/mail/send");
        assertThat(r.authorization()).isEqualTo("Bearer SG.test-key");
        assertThat(r.contentType()).isEqualTo("application/json");
        JsonNode mail = r.body();
        assertThat(mail.at("/personalizations/0/to/0/email").asText()).isEqualTo("ada@example.com");
        assertThat(mail.at("/personalizations/0/to/0/name").asText()).isEqualTo("Ada Lovelace");
        assertThat(mail.at("/from/email").asText()).isEqualTo("news@parley.example");
        assertThat(mail.at("/from/name").asText()).isEqualTo("Parley News");
        assertThat(mail.get("subject").asText()).isEqualTo("Spring news");
        assertThat(mail.at("/content/0/type").asText()).isEqualTo("text/plain");
        assertThat(mail.at("/content/0/value").asText()).isEqualTo("Hello in text");
        assertThat(mail.at("/content/1/type").asText()).isEqualTo("text/html");
        assertThat(mail.at("/custom_args/parley_message_id").asText()).isEqualTo("msg_01HX");
        assertThat(mail.at("/custom_args/parley_tenant_id").asText()).isEqualTo("tnt_7");
        assertThat(mail.at("/headers/List-Unsubscribe").asText()).isEqualTo("<https://parley.example/u/tok>");
        assertThat(mail.at("/headers/List-Unsubscribe-Post").asText()).isEqualTo("List-Unsubscribe=One-Click");
    }

    @Test
    void withoutAnUnsubscribeUrlThereAreNoHeaders() throws Exception {
        provider().send(email(null));
        assertThat(received.remove().body().has("headers")).isFalse();
    }

    @Test
    void statusesMapToTheirErrorClasses() throws Exception {
        String errors = "{\"errors\":[{\"message\":\"The to array is required\",\"field\":\"personalizations.0.to\"}]}";
        Map<Integer, ErrorClass> expected = Map.of(400, ErrorClass.PERMANENT, 401, ErrorClass.PROVIDER, 403, ErrorClass.PROVIDER,
                413, ErrorClass.PERMANENT, 500, ErrorClass.TRANSIENT, 503, ErrorClass.TRANSIENT, 404, ErrorClass.PROVIDER);
        for (Map.Entry<Integer, ErrorClass> e : expected.entrySet()) {
            assertThat(answering(e.getKey(), Map.of(), errors)).as("HTTP %d", e.getKey())
                    .isInstanceOfSatisfying(Rejected.class, r -> {
                        assertThat(r.errorClass()).isEqualTo(e.getValue());
                        assertThat(r.code()).isEqualTo("http-" + e.getKey());
                    });
        }
        assertThat(answering(400, Map.of(), errors)).isInstanceOfSatisfying(Rejected.class,
                r -> assertThat(r.reason()).contains("The to array is required"));
    }

    @Test
    void rateLimitedSendsWaitForRetryAfterOrElseTheRateLimitReset() throws Exception {
        String tooMany = "{\"errors\":[{\"field\":null,\"message\":\"too many requests\"}]}";
        long reset = NOW.plusSeconds(30).getEpochSecond();

        SendResult withRetryAfter = answering(429, Map.of("Retry-After", "7", "X-RateLimit-Reset", String.valueOf(reset)), tooMany);
        SendResult withReset = answering(429, Map.of("X-RateLimit-Reset", String.valueOf(reset)), tooMany);
        SendResult withNeither = answering(429, Map.of(), tooMany);

        assertThat(withRetryAfter).isEqualTo(new Rejected(ErrorClass.TRANSIENT, "http-429", "HTTP 429: " + tooMany, Duration.ofSeconds(7)));
        assertThat(withReset).isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(30)));
        assertThat(withNeither).isInstanceOfSatisfying(Rejected.class, r -> {
            assertThat(r.errorClass()).isEqualTo(ErrorClass.TRANSIENT);
            assertThat(r.retryAfter()).isNull();
        });
    }

    @Test
    void anAcceptanceWithoutAMessageIdStandsOnParleysId() throws Exception {
        assertThat(answering(202, Map.of(), "")).isEqualTo(new Accepted("msg_01HX"));
        assertThat(answering(200, Map.of("X-Message-Id", "sandbox1"), "")).isEqualTo(new Accepted("sandbox1"));
    }

    @Test
    void noAnswerAfterTheRequestWasWrittenIsAmbiguous() throws Exception {
        hold = true;
        Provider provider = provider("http://127.0.0.1:" + server.getAddress().getPort(), "timeoutMs", 300);

        assertThat(provider.send(email(null))).isInstanceOf(Ambiguous.class);
        assertThat(received).hasSize(1);
    }

    @Test
    void aConnectionClosedBeforeTheAnswerIsAmbiguous() throws Exception {
        try (ServerSocket raw = StubEndpoint.raw("")) {
            assertThat(provider("http://127.0.0.1:" + raw.getLocalPort()).send(email(null))).isInstanceOf(Ambiguous.class);
        }
    }

    @Test
    void aRefusedConnectionIsTransient() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        assertThat(provider("http://127.0.0.1:" + closedPort).send(email(null))).isInstanceOfSatisfying(Rejected.class,
                r -> assertThat(r.errorClass()).isEqualTo(ErrorClass.TRANSIENT));
    }

    @Test
    void aMessageWithoutAUsableAddressIsPermanentAndNeverSent() throws Exception {
        SendRequest bad = new SendRequest("msg_1", "tnt_1", "email", "not an address", null, "s", "t", null, 1, Map.of());
        assertThat(provider().send(bad)).isInstanceOfSatisfying(Rejected.class,
                r -> assertThat(r.code()).isEqualTo("invalid-address"));
        assertThat(received).isEmpty();
    }

    @Test
    void configNeedsAnApiKeyAndAReadableVerificationKey() {
        assertThat(ProviderTypes.validate("sendgrid", "email", Map.of("apiKey", "SG.x"))).isEmpty();
        assertThat(ProviderTypes.validate("sendgrid", "email", Map.of())).extracting(FieldError::field).containsExactly("config.apiKey");
        assertThat(ProviderTypes.validate("sendgrid", "email", Map.of("apiKey", "SG.x", "webhookPublicKey", "bm90IGEga2V5")))
                .extracting(FieldError::field).containsExactly("config.webhookPublicKey");
        assertThat(ProviderTypes.validate("sendgrid", "email", Map.of("apiKey", "SG.x", "webhookPublicKey", "%%%")))
                .extracting(FieldError::field).containsExactly("config.webhookPublicKey");
        assertThat(ProviderTypes.validate("sendgrid", "email", Map.of("apiKey", "SG.x", "baseUrl", "ftp://x")))
                .extracting(FieldError::field).containsExactly("config.baseUrl");
        assertThat(ProviderTypes.secretFields("sendgrid")).containsExactly("apiKey");
    }
}
