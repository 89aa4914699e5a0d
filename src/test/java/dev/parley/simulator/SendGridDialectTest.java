package dev.parley.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.parley.providers.HookRequest;
import dev.parley.providers.Provider;
import dev.parley.providers.ProviderEvent;
import dev.parley.providers.ProviderEvent.Engagement;
import dev.parley.providers.ProviderEvent.Receipt;
import dev.parley.providers.ProviderTypes;
import dev.parley.providers.SendRequest;
import dev.parley.providers.SendResult;
import dev.parley.providers.SendResult.Accepted;
import dev.parley.providers.WebhookReceiver;
import dev.parley.testing.Http;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator's SendGrid dialect end to end: Parley's real sendgrid adapter sends to an in-process
 * simulator, which posts signed event webhooks to a small local receiver; the receiver's requests then
 * go through the adapter's own verification with the key from the simulator's settings API.
 */
class SendGridDialectTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final BlockingQueue<HookRequest> hooks = new LinkedBlockingQueue<>();
    private final HttpServer receiver;

    SendGridDialectTest() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/", exchange -> {
            Map<String, List<String>> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            hooks.add(new HookRequest("events", "http://127.0.0.1" + exchange.getRequestURI(), exchange.getRequestMethod(),
                    headers, exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        receiver.stop(0);
    }

    private Simulator simulator(SimulatorOptions options) {
        Simulator simulator = Simulator.start(options);
        toClose.add(simulator);
        return simulator;
    }

    private static Http http(Simulator simulator) {
        return new Http("http://127.0.0.1:" + simulator.port());
    }

    private String hookUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks/sendgrid/prv_sg/events";
    }

    /** Points the simulated account's webhook at the receiver and builds an adapter that trusts its key. */
    private Provider connect(Simulator simulator) {
        Http http = http(simulator);
        Http.Response patched = http.patch("/v3/user/webhooks/event/settings").bearer("SG.key")
                .json(Map.of("enabled", true, "url", hookUrl())).send();
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().get("url").asText()).isEqualTo(hookUrl());
        String key = http.get("/v3/user/webhooks/event/settings/signed").bearer("SG.key").send().json().get("public_key").asText();
        Provider provider = ProviderTypes.create("prv_sg", "sendgrid", Map.of("baseUrl", http.base(), "apiKey", "SG.key",
                "from", "news@parley.example", "webhookPublicKey", key, "timeoutMs", 5_000));
        toClose.add(provider);
        return provider;
    }

    private static SendRequest email(String id) {
        return new SendRequest(id, "tnt_1", "email", id + "@example.com", null, "Hi", "Hello", null, 1, Map.of());
    }

    /** Waits for {@code n} posted batches and returns their events, each verified by the adapter. */
    private List<ProviderEvent> verifiedEvents(Provider provider, int n) throws InterruptedException {
        List<ProviderEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            HookRequest hook = hooks.poll(10, TimeUnit.SECONDS);
            assertThat(hook).as("event batch %d of %d", i + 1, n).isNotNull();
            events.addAll(((WebhookReceiver) provider).receive(hook).events());
        }
        return events;
    }

    @Test
    void sentMailIsRecordedAndItsSignedEventsVerifyAndNameTheAcceptedIds() throws Exception {
        Simulator simulator = simulator(SimulatorOptions.defaults());
        Provider provider = connect(simulator);

        List<String> accepted = new ArrayList<>();
        for (String id : List.of("msg_a", "msg_b", "msg_c")) {
            SendResult result = provider.send(email(id));
            assertThat(result).isInstanceOf(Accepted.class);
            accepted.add(((Accepted) result).providerMessageId());
        }
        List<ProviderEvent> events = verifiedEvents(provider, 3);

        assertThat(simulator.ledger().entries()).extracting(LedgerEntry::id, LedgerEntry::channel, LedgerEntry::providerMessageId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("msg_a", "email", accepted.get(0)),
                        org.assertj.core.groups.Tuple.tuple("msg_b", "email", accepted.get(1)),
                        org.assertj.core.groups.Tuple.tuple("msg_c", "email", accepted.get(2)));
        for (String id : accepted) {
            assertThat(events).filteredOn(e -> e instanceof Engagement g && g.providerMessageId().equals(id)
                    && g.kind().equals("progress") && g.detail().equals("processed")).hasSize(1);
            assertThat(events).filteredOn(e -> e instanceof Receipt r && r.providerMessageId().equals(id))
                    .singleElement().isInstanceOfSatisfying(Receipt.class, r -> assertThat(r.delivered()).isTrue());
        }
    }

    @Test
    void atADeliveredRateOfZeroEveryMessageBounces() throws Exception {
        SimulatorOptions options = new SimulatorOptions("127.0.0.1", 0, 0, 0, 0, 0, 30_000, 0, 1, null, 0.0, 0, "STOP", null);
        Provider provider = connect(simulator(options));

        String id = ((Accepted) provider.send(email("msg_bounce"))).providerMessageId();

        assertThat(verifiedEvents(provider, 1)).filteredOn(e -> e instanceof Receipt).singleElement()
                .isInstanceOfSatisfying(Receipt.class, r -> {
                    assertThat(r.providerMessageId()).isEqualTo(id);
                    assertThat(r.delivered()).isFalse();
                    assertThat(r.detail()).contains("5.1.1");
                });
    }

    @Test
    void withoutABearerKeyTheDialectAnswers401AndRecordsNothing() {
        Simulator simulator = simulator(SimulatorOptions.defaults());
        Http http = http(simulator);
        Map<String, Object> mail = Map.of("personalizations", List.of(Map.of("to", List.of(Map.of("email", "a@example.com")))),
                "from", Map.of("email", "news@parley.example"), "subject", "s",
                "content", List.of(Map.of("type", "text/plain", "value", "v")));

        Http.Response anonymous = http.post("/v3/mail/send").json(mail).send();
        Http.Response keyed = http.post("/v3/mail/send").bearer("SG.any").json(mail).send();

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().at("/errors/0/message").asText()).contains("authorization");
        assertThat(http.get("/v3/user/webhooks/event/settings/signed").send().status()).isEqualTo(401);
        assertThat(keyed.status()).isEqualTo(202);
        assertThat(keyed.header("X-Message-Id")).startsWith("sim-");
        assertThat(simulator.ledger().entries()).hasSize(1);
        JsonNode summary = http.get("/ledger/summary").send().json();
        assertThat(summary.get("refused").get("unauthorised").asLong()).isEqualTo(1);
    }

    @Test
    void malformedMailAnswers400TheSendGridWay() {
        Http http = http(simulator(SimulatorOptions.defaults()));
        Http.Response noRecipient = http.post("/v3/mail/send").bearer("SG.k").json(Map.of("from", Map.of("email", "a@b.c"))).send();
        assertThat(noRecipient.status()).isEqualTo(400);
        assertThat(noRecipient.json().at("/errors/0/field").asText()).isEqualTo("personalizations.0.to");
        assertThat(http.post("/v3/mail/send").bearer("SG.k").raw("application/json", "{").send().status()).isEqualTo(400);
        assertThat(http.patch("/v3/user/webhooks/event/settings").bearer("SG.k").json(Map.of("url", "ftp://x")).send().status())
                .isEqualTo(400);
    }

    @Test
    void aResentMessageShowsAsADuplicateInTheLedger() throws Exception {
        Simulator simulator = simulator(SimulatorOptions.defaults());
        Provider provider = connect(simulator);

        provider.send(email("msg_twice"));
        provider.send(email("msg_twice"));

        JsonNode summary = http(simulator).get("/ledger/summary").send().json();
        assertThat(summary.get("accepted").asLong()).isEqualTo(2);
        assertThat(summary.get("distinctIds").asLong()).isEqualTo(1);
    }

    @Test
    void failuresAndTheRateLimitReachTheAdapterAsTransientRejections() throws Exception {
        Provider failing = connect(simulator(SimulatorOptions.defaults().withFailures(1.0, 0, 0)));
        assertThat(failing.send(email("msg_f"))).isInstanceOfSatisfying(SendResult.Rejected.class, r -> {
            assertThat(r.errorClass()).isEqualTo(SendResult.ErrorClass.TRANSIENT);
            assertThat(r.code()).isEqualTo("http-503");
        });

        Simulator limited = simulator(SimulatorOptions.defaults().withRateLimit(1));
        Provider provider = connect(limited);
        List<SendResult> results = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            results.add(provider.send(email("msg_r" + i)));
        }
        assertThat(results).filteredOn(r -> r instanceof SendResult.Rejected).isNotEmpty()
                .allSatisfy(r -> assertThat(((SendResult.Rejected) r).code()).isEqualTo("http-429"))
                .allSatisfy(r -> assertThat(((SendResult.Rejected) r).retryAfter()).isNotNull());
        assertThat(limited.ledger().entries()).hasSize((int) results.stream().filter(r -> r instanceof Accepted).count());
    }

    @Test
    void theSigningKeyFollowsTheSeed() {
        String one = http(simulator(SimulatorOptions.defaults().withSeed(7))).get("/v3/user/webhooks/event/settings/signed")
                .bearer("SG.k").send().json().get("public_key").asText();
        String again = http(simulator(SimulatorOptions.defaults().withSeed(7))).get("/v3/user/webhooks/event/settings/signed")
                .bearer("SG.k").send().json().get("public_key").asText();
        String other = http(simulator(SimulatorOptions.defaults().withSeed(8))).get("/v3/user/webhooks/event/settings/signed")
                .bearer("SG.k").send().json().get("public_key").asText();
        assertThat(again).isEqualTo(one);
        assertThat(other).isNotEqualTo(one);
    }
}
