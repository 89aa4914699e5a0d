package dev.parley.providers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.Json;
import dev.parley.providers.SendResult.Accepted;
import dev.parley.providers.SendResult.Ambiguous;
import dev.parley.providers.SendResult.ErrorClass;
import dev.parley.providers.SendResult.Rejected;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpProviderTest {
    private final StubEndpoint stub = new StubEndpoint();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    HttpProviderTest() throws Exception {}

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        stub.close();
    }

    private SendResult send(String url, Map<String, Object> extra) throws InterruptedException {
        Map<String, Object> config = new HashMap<>(extra);
        config.put("url", url);
        Provider provider = ProviderTypes.create("prv_test", "http", config);
        toClose.add(provider);
        return provider.send(new SendRequest("msg_1", "tnt_1", "sms", "+447700900123", "Parley", null,
                "hello", null, 2, Map.of("campaign", "spring")));
    }

    private SendResult send(String url) throws InterruptedException {
        return send(url, Map.of());
    }

    private String withBody(String json) {
        return stub.url("/ok?body=" + URLEncoder.encode(json, StandardCharsets.UTF_8));
    }

    @Test
    void postsTheMessageAsJsonWithTheCredentialHeader() throws Exception {
        send(withBody("{\"providerMessageId\":\"p-1\"}"), Map.of("authHeader", "X-Api-Key", "authValue", "s3cret"));

        StubEndpoint.Received request = stub.received.peek();
        assertThat(request.headers().get("X-api-key")).containsExactly("s3cret");
        assertThat(request.headers().get("Idempotency-key")).containsExactly("msg_1");
        JsonNode body = Json.mapper().readTree(request.body());
        assertThat(body.get("id").asText()).isEqualTo("msg_1");
        assertThat(body.get("tenantId").asText()).isEqualTo("tnt_1");
        assertThat(body.get("to").asText()).isEqualTo("+447700900123");
        assertThat(body.get("text").asText()).isEqualTo("hello");
        assertThat(body.get("attempt").asInt()).isEqualTo(2);
        assertThat(body.get("metadata").get("campaign").asText()).isEqualTo("spring");
    }

    @Test
    void a2xxIsAcceptedWithTheIdFromTheAnswer() throws Exception {
        assertThat(send(withBody("{\"providerMessageId\":\"p-1\",\"id\":\"other\"}"))).isEqualTo(new Accepted("p-1"));
        assertThat(send(withBody("{\"id\":\"p-2\"}"))).isEqualTo(new Accepted("p-2"));
        assertThat(send(withBody("{\"messageId\":12345}"))).isEqualTo(new Accepted("12345"));
    }

    @Test
    void a2xxWithoutAnIdIsAcceptedUnderParleysOwnId() throws Exception {
        assertThat(send(withBody("{\"status\":\"queued\"}"))).isEqualTo(new Accepted("msg_1"));
        assertThat(send(withBody("not json"))).isEqualTo(new Accepted("msg_1"));
        assertThat(send(stub.url("/ok"))).isEqualTo(new Accepted("msg_1"));
    }

    @Test
    void tooManyRequestsIsTransientAndCarriesRetryAfter() throws Exception {
        SendResult seconds = send(stub.url("/status/429?retryAfter=42"));
        assertThat(seconds).isEqualTo(new Rejected(ErrorClass.TRANSIENT, "http-429", "HTTP 429: nope", Duration.ofSeconds(42)));

        SendResult noHint = send(stub.url("/status/429"));
        assertThat(((Rejected) noHint).retryAfter()).isNull();
    }

    @Test
    void serverErrorsAreTransient() throws Exception {
        assertThat(send(stub.url("/status/500"))).isEqualTo(new Rejected(ErrorClass.TRANSIENT, "http-500", "HTTP 500: nope", null));
        assertThat(send(stub.url("/status/503?retryAfter=7"))).extracting(r -> ((Rejected) r).retryAfter())
                .isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void refusedCredentialsAndMissingFundsAreTheProvidersProblem() throws Exception {
        assertThat(send(stub.url("/status/401"))).extracting(r -> ((Rejected) r).errorClass()).isEqualTo(ErrorClass.PROVIDER);
        assertThat(send(stub.url("/status/403"))).extracting(r -> ((Rejected) r).errorClass()).isEqualTo(ErrorClass.PROVIDER);
        assertThat(send(stub.url("/status/402"))).extracting(r -> ((Rejected) r).code()).isEqualTo("http-402");
        assertThat(send(stub.url("/status/402"))).extracting(r -> ((Rejected) r).errorClass()).isEqualTo(ErrorClass.PROVIDER);
    }

    @Test
    void otherClientErrorsArePermanentWithTheBodyAsReason() throws Exception {
        assertThat(send(stub.url("/status/400"))).isEqualTo(new Rejected(ErrorClass.PERMANENT, "http-400", "HTTP 400: nope", null));
        assertThat(send(stub.url("/status/422"))).extracting(r -> ((Rejected) r).errorClass()).isEqualTo(ErrorClass.PERMANENT);
    }

    @Test
    void aRefusedConnectionIsTransient() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        SendResult result = send("http://127.0.0.1:" + port + "/send");
        assertThat(result).isInstanceOf(Rejected.class);
        assertThat(((Rejected) result).errorClass()).isEqualTo(ErrorClass.TRANSIENT);
        assertThat(((Rejected) result).code()).isEqualTo("connect-failed");
    }

    @Test
    void anUnknownHostIsTransient() throws Exception {
        SendResult result = send("http://no-such-host.invalid/send");
        assertThat(result).isEqualTo(new Rejected(ErrorClass.TRANSIENT, "unknown-host", "the URL's host name does not resolve", null));
    }

    @Test
    void aConnectTimeoutIsTransientBecauseNothingWasWritten() throws Exception {
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> backlog = fillBacklog(full);
            SendResult result = send("http://127.0.0.1:" + full.getLocalPort() + "/send", Map.of("connectTimeoutMs", 300));
            assertThat(result).isInstanceOf(Rejected.class);
            assertThat(((Rejected) result).code()).isEqualTo("connect-timeout");
            assertThat(((Rejected) result).errorClass()).isEqualTo(ErrorClass.TRANSIENT);
            for (Socket s : backlog) {
                s.close();
            }
        }
    }

    /** Connects until the listener, which never accepts, stops completing handshakes. */
    private static List<Socket> fillBacklog(ServerSocket listener) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 200);
                sockets.add(s);
            } catch (SocketTimeoutException full) {
                s.close();
                return sockets;
            }
        }
        throw new AssertionError("the listener's backlog never filled");
    }

    @Test
    void noAnswerWithinTheTimeoutIsAmbiguous() throws Exception {
        SendResult result = send(stub.url("/slow"), Map.of("timeoutMs", 300));
        assertThat(result).isEqualTo(new Ambiguous("no answer within 300 ms"));
        assertThat(stub.received).hasSize(1);
    }

    @Test
    void aConnectionClosedBeforeTheAnswerIsAmbiguous() throws Exception {
        try (ServerSocket raw = StubEndpoint.raw("")) {
            SendResult result = send("http://127.0.0.1:" + raw.getLocalPort() + "/send");
            assertThat(result).isInstanceOf(Ambiguous.class);
            assertThat(((Ambiguous) result).reason()).startsWith("connection lost before a complete answer");
        }
    }

    @Test
    void aConnectionClosedInTheMiddleOfA2xxBodyIsAmbiguous() throws Exception {
        try (ServerSocket raw = StubEndpoint.raw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"providerMess")) {
            SendResult result = send("http://127.0.0.1:" + raw.getLocalPort() + "/send");
            assertThat(result).isEqualTo(new Ambiguous("connection lost while reading the HTTP 200 answer"));
        }
    }

    @Test
    void aRejectionStaysARejectionWhenItsBodyIsCutOff() throws Exception {
        try (ServerSocket raw = StubEndpoint.raw("HTTP/1.1 400 Bad Request\r\nContent-Length: 100\r\n\r\nbad to")) {
            SendResult result = send("http://127.0.0.1:" + raw.getLocalPort() + "/send");
            assertThat(result).isEqualTo(new Rejected(ErrorClass.PERMANENT, "http-400", "HTTP 400: bad to", null));
        }
    }

    @Test
    void longReasonsAreTruncated() throws Exception {
        String body = "x".repeat(5000);
        try (ServerSocket raw = StubEndpoint.raw("HTTP/1.1 400 Bad Request\r\nContent-Length: 5000\r\n\r\n" + body)) {
            Rejected result = (Rejected) send("http://127.0.0.1:" + raw.getLocalPort() + "/send");
            assertThat(result.reason()).hasSize(HttpAnswers.MAX_REASON).endsWith("…");
        }
    }
}
