package dev.parley.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.parley.core.Failure;
import dev.parley.providers.SendResult.Accepted;
import dev.parley.providers.SendResult.Ambiguous;
import dev.parley.providers.SendResult.ErrorClass;
import dev.parley.providers.SendResult.Rejected;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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
 * The {@code twilio} adapter against a local endpoint that keeps Twilio's documented contract for
 * {@code POST /2010-04-01/Accounts/{sid}/Messages.json}: Basic auth, form fields, a 201 message resource,
 * and errors as {@code {code, message, more_info, status}}.
 */
class TwilioProviderTest {
    static final String SID = "AC" + "0123456789abcdef".repeat(2);
    static final String TOKEN = "auth-token-1";
    static final String SERVICE = "MG" + "fedcba9876543210".repeat(2);

    private final TwilioStub stub = new TwilioStub();
    private final List<Provider> toClose = new ArrayList<>();

    TwilioProviderTest() throws IOException {}

    @AfterEach
    void stop() {
        toClose.forEach(Provider::close);
        stub.close();
    }

    private Provider provider(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(Map.of("accountSid", SID, "authToken", TOKEN, "from", "+15005550006",
                "baseUrl", stub.base()));
        config.putAll(extra);
        ProviderContext context = new ProviderContext("prv_tw", Clock.systemUTC(),
                URI.create("https://parley.example/hooks/twilio/prv_tw"), ProviderEvents.NONE);
        Provider provider = ProviderTypes.create(context, "twilio", config);
        toClose.add(provider);
        return provider;
    }

    private static SendRequest sms(String from) {
        return new SendRequest("msg_1", "tnt_1", "sms", "+447700900123", from, null, "Hello & welcome, 50% off!",
                null, 1, Map.of());
    }

    private SendResult answeredWith(int status, String json, String... headers) throws InterruptedException {
        stub.next(status, json, headers);
        return provider(Map.of()).send(sms(null));
    }

    private static String error(int code, String message, int status) {
        return "{\"code\": " + code + ", \"message\": \"" + message + "\", \"more_info\": \"https://www.twilio.com/docs/errors/"
                + code + "\", \"status\": " + status + "}";
    }

    @Test
    void postsTheFormWithBasicAuthAndTheStatusCallbackAndIsAcceptedUnderTheSid() throws Exception {
        SendResult result = provider(Map.of()).send(sms("+15005550001"));

        assertThat(result).isEqualTo(new Accepted("SM" + "a".repeat(32)));
        TwilioStub.Received request = stub.received.peek();
        assertThat(request.path()).isEqualTo("/2010-04-01/Accounts/" + SID + "/Messages.json");
        assertThat(request.authorization()).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString((SID + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)));
        assertThat(request.contentType()).startsWith("application/x-www-form-urlencoded");
        assertThat(request.form()).containsEntry("To", List.of("+447700900123"))
                .containsEntry("From", List.of("+15005550001"))
                .containsEntry("Body", List.of("Hello & welcome, 50% off!"))
                .containsEntry("StatusCallback", List.of("https://parley.example/hooks/twilio/prv_tw/status"))
                .doesNotContainKey("MessagingServiceSid");
    }

    @Test
    void theConfiguredFromStandsInAndAMessagingServiceIsSentWhenConfigured() throws Exception {
        provider(Map.of()).send(sms(null));
        assertThat(stub.received.poll().form()).containsEntry("From", List.of("+15005550006"));

        Map<String, Object> serviceOnly = new HashMap<>(Map.of("messagingServiceSid", SERVICE));
        serviceOnly.put("from", null);
        provider(serviceOnly).send(sms(null));
        assertThat(stub.received.poll().form()).containsEntry("MessagingServiceSid", List.of(SERVICE)).doesNotContainKey("From");
    }

    @Test
    void configNeedsTwilioShapedSidsAndASender() {
        assertThat(ProviderTypes.validate("twilio", "sms", Map.of("accountSid", SID, "authToken", "t", "from", "+1500"))).isEmpty();
        assertThat(ProviderTypes.validate("twilio", "email", Map.of("accountSid", SID, "authToken", "t", "from", "x")))
                .extracting(Failure.FieldError::field).containsExactly("channel");
        assertThat(ProviderTypes.validate("twilio", "sms", Map.of("accountSid", "AC/../x", "authToken", "t")))
                .extracting(Failure.FieldError::field).containsExactly("config.accountSid", "config.from");
        assertThat(ProviderTypes.validate("twilio", "sms", Map.of("accountSid", SID, "from", "x")))
                .extracting(Failure.FieldError::field).containsExactly("config.authToken");
        assertThat(ProviderTypes.validate("twilio", "sms", Map.of("accountSid", SID, "authToken", "t", "messagingServiceSid", "MG1")))
                .extracting(Failure.FieldError::field).containsExactly("config.messagingServiceSid");
        assertThat(ProviderTypes.secretFields("twilio")).containsExactly("authToken");
        assertThatThrownBy(() -> ProviderTypes.create("prv", "twilio", Map.of("accountSid", SID)))
                .isInstanceOf(Failure.Invalid.class);
    }

    @Test
    void badRecipientsAndContentArePermanent() throws Exception {
        assertThat(answeredWith(400, error(21211, "The 'To' number 5551234567 is not a valid phone number.", 400)))
                .isEqualTo(new Rejected(ErrorClass.PERMANENT, "twilio-21211",
                        "Twilio 21211: The 'To' number 5551234567 is not a valid phone number.", null));
        for (int code : List.of(21614, 21610, 21612, 21408, 21602, 21617, 21999)) {
            assertThat(answeredWith(400, error(code, "no", 400))).as("%d", code)
                    .extracting(r -> ((Rejected) r).errorClass()).isEqualTo(ErrorClass.PERMANENT);
        }
    }

    @Test
    void credentialsAccountAndSenderProblemsAreTheProviders() throws Exception {
        assertThat(answeredWith(401, error(20003, "Authenticate", 401)))
                .isEqualTo(new Rejected(ErrorClass.PROVIDER, "twilio-20003", "Twilio 20003: Authenticate", null));
        assertThat(answeredWith(401, error(20005, "Account not active", 401)))
                .extracting(r -> ((Rejected) r).errorClass()).isEqualTo(ErrorClass.PROVIDER);
        assertThat(answeredWith(404, error(20404, "The requested resource was not found", 404)))
                .extracting(r -> ((Rejected) r).errorClass()).isEqualTo(ErrorClass.PROVIDER);
        for (int code : List.of(21606, 21212, 21603)) {
            assertThat(answeredWith(400, error(code, "bad From", 400))).as("%d", code)
                    .extracting(r -> ((Rejected) r).errorClass()).isEqualTo(ErrorClass.PROVIDER);
        }
        assertThat(answeredWith(402, "")).isEqualTo(new Rejected(ErrorClass.PROVIDER, "http-402", "payment required: HTTP 402", null));
    }

    @Test
    void tooManyRequestsIsTransientAndHonoursRetryAfter() throws Exception {
        assertThat(answeredWith(429, error(20429, "Too Many Requests", 429), "Retry-After", "7"))
                .isEqualTo(new Rejected(ErrorClass.TRANSIENT, "twilio-20429", "Twilio 20429: Too Many Requests", Duration.ofSeconds(7)));
        assertThat(answeredWith(429, error(20429, "Too Many Requests", 429)))
                .extracting(r -> ((Rejected) r).retryAfter()).isNull();
    }

    @Test
    void serverErrorsAreTransientWithOrWithoutTwiliosBody() throws Exception {
        assertThat(answeredWith(500, error(20500, "Internal Server Error", 500)))
                .isEqualTo(new Rejected(ErrorClass.TRANSIENT, "twilio-20500", "Twilio 20500: Internal Server Error", null));
        assertThat(answeredWith(503, "<html>gateway</html>", "Retry-After", "3"))
                .isEqualTo(new Rejected(ErrorClass.TRANSIENT, "http-503", "HTTP 503: <html>gateway</html>", Duration.ofSeconds(3)));
    }

    @Test
    void aRefusedConnectionIsTransient() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        SendResult result = provider(Map.of("baseUrl", "http://127.0.0.1:" + port)).send(sms(null));
        assertThat(result).isEqualTo(new Rejected(ErrorClass.TRANSIENT, "connect-failed", "connection refused or host unreachable", null));
    }

    @Test
    void noAnswerAfterTheRequestWasWrittenIsAmbiguous() throws Exception {
        stub.holdAnswers();
        SendResult result = provider(Map.of("timeoutMs", 300)).send(sms(null));
        assertThat(result).isInstanceOf(Ambiguous.class);
        assertThat(stub.received).hasSize(1);
    }

    @Test
    void aConnectionCutInTheMiddleOfThe201IsAmbiguous() throws Exception {
        try (ServerSocket raw = StubEndpoint.raw("HTTP/1.1 201 Created\r\nContent-Length: 400\r\n\r\n{\"sid\": \"SM1")) {
            SendResult result = provider(Map.of("baseUrl", "http://127.0.0.1:" + raw.getLocalPort())).send(sms(null));
            // Whether the JDK hands over the status line before it sees the EOF is a race; either way it is ambiguous.
            assertThat(result).isInstanceOf(Ambiguous.class);
            assertThat(((Ambiguous) result).reason()).startsWith("connection lost");
        }
    }

    @Test
    void aConnectionClosedBeforeAnyAnswerIsAmbiguous() throws Exception {
        try (ServerSocket raw = StubEndpoint.raw("")) {
            SendResult result = provider(Map.of("baseUrl", "http://127.0.0.1:" + raw.getLocalPort())).send(sms(null));
            assertThat(result).isInstanceOf(Ambiguous.class);
        }
    }

    /** Twilio's Messages endpoint as documented; answers a 201 message resource unless told otherwise. */
    static final class TwilioStub implements AutoCloseable {
        record Received(String path, String authorization, String contentType, Map<String, List<String>> form) {}

        record Answer(int status, String json, String[] headers) {}

        final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
        private final CountDownLatch released = new CountDownLatch(1);
        private volatile Answer next;
        private volatile boolean hold;
        private final HttpServer server;

        TwilioStub() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", this::handle);
            server.start();
        }

        String base() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        void next(int status, String json, String... headers) {
            next = new Answer(status, json, headers);
        }

        void holdAnswers() {
            hold = true;
        }

        private void handle(HttpExchange exchange) throws IOException {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, List<String>> form = TwilioForm.decode(body);
            received.add(new Received(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), form));
            if (hold) {
                try {
                    released.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Answer answer = next;
            if (answer == null) {
                answer = new Answer(201, "{\"sid\": \"SM" + "a".repeat(32) + "\", \"status\": \"queued\", \"to\": \""
                        + TwilioForm.first(form, "To") + "\", \"num_segments\": \"1\"}", new String[0]);
            }
            for (int i = 0; i + 1 < answer.headers().length; i += 2) {
                exchange.getResponseHeaders().set(answer.headers()[i], answer.headers()[i + 1]);
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            byte[] bytes = answer.json().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }

        @Override
        public void close() {
            released.countDown();
            server.stop(0);
        }
    }
}
