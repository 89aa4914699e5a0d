package dev.parley.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.parley.providers.HookRequest;
import dev.parley.providers.Provider;
import dev.parley.providers.ProviderContext;
import dev.parley.providers.ProviderEvent;
import dev.parley.providers.ProviderEvent.Engagement;
import dev.parley.providers.ProviderEvent.Inbound;
import dev.parley.providers.ProviderEvent.Receipt;
import dev.parley.providers.ProviderEvents;
import dev.parley.providers.ProviderTypes;
import dev.parley.providers.SendRequest;
import dev.parley.providers.SendResult;
import dev.parley.providers.SendResult.Accepted;
import dev.parley.providers.SendResult.ErrorClass;
import dev.parley.providers.SendResult.Rejected;
import dev.parley.providers.WebhookReceiver;
import dev.parley.testing.Http;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
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
 * The simulator's Twilio dialect, driven through Parley's own {@code twilio} adapter; its callbacks land
 * on a real local HTTP receiver and are verified and read by the adapter's {@link WebhookReceiver}.
 */
class TwilioDialectTest {
    private static final String ACCOUNT = "AC" + "0123456789abcdef".repeat(2);
    private static final String TOKEN = "sim-token";
    private static final String FROM = "+15005550006";

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final CallbackReceiver receiver = new CallbackReceiver();

    TwilioDialectTest() throws IOException {
        toClose.add(receiver);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private static SimulatorOptions options(double deliveredRate, double replyRate, String callbacksTo) {
        SimulatorOptions d = SimulatorOptions.defaults();
        return new SimulatorOptions(d.host(), 0, 0, 0, 0, 0, d.timeoutMs(), 0, 7, null, deliveredRate, replyRate, "STOP", callbacksTo);
    }

    private Simulator start(SimulatorOptions options, SimClock clock) {
        Simulator simulator = Simulator.start(options, clock);
        toClose.add(simulator);
        return simulator;
    }

    private Simulator start(SimulatorOptions options) {
        return start(options, SimClock.system());
    }

    private Provider provider(Simulator simulator, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(Map.of("accountSid", ACCOUNT, "authToken", TOKEN, "from", FROM,
                "baseUrl", "http://127.0.0.1:" + simulator.port()));
        config.putAll(extra);
        ProviderContext context = new ProviderContext("prv_sim", Clock.systemUTC(),
                URI.create(receiver.base() + "/hooks/twilio/prv_sim"), ProviderEvents.NONE);
        Provider provider = ProviderTypes.create(context, "twilio", config);
        toClose.add(provider);
        return provider;
    }

    private static SendRequest sms(String id, String to, String text) {
        return new SendRequest(id, "tnt_1", "sms", to, null, null, text, null, 1, Map.of());
    }

    /** Takes the next {@code n} callbacks and reads each with the adapter, as Parley's hook route would. */
    private List<ProviderEvent> readCallbacks(Provider provider, int n) throws InterruptedException {
        List<ProviderEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            HookRequest callback = receiver.received.poll(10, TimeUnit.SECONDS);
            assertThat(callback).as("callback %d of %d", i + 1, n).isNotNull();
            events.addAll(((WebhookReceiver) provider).receive(callback).events());
        }
        return events;
    }

    @Test
    void sendsAreAnsweredLikeTwilioRecordedAndFollowedBySignedReceiptsAndReplies() throws Exception {
        Simulator simulator = start(options(1.0, 1.0, null));
        Provider provider = provider(simulator, Map.of());
        List<String> sids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            SendResult result = provider.send(sms("msg_" + i, "+44770090012" + i, "Hello number " + i));
            assertThat(result).isInstanceOf(Accepted.class);
            sids.add(((Accepted) result).providerMessageId());
        }
        assertThat(sids).allMatch(sid -> sid.matches("SM[0-9a-f]{32}")).doesNotHaveDuplicates();
        assertThat(simulator.ledger().entries()).extracting(LedgerEntry::providerMessageId).containsExactlyInAnyOrderElementsOf(sids);
        assertThat(simulator.ledger().entries()).extracting(LedgerEntry::channel).containsOnly("sms");

        List<ProviderEvent> events = readCallbacks(provider, 9);
        for (String sid : sids) {
            assertThat(events).contains(new Engagement(sid, "progress", "sent", null), new Receipt(sid, true, "delivered", null));
        }
        List<Inbound> replies = events.stream().filter(Inbound.class::isInstance).map(Inbound.class::cast).toList();
        assertThat(replies).hasSize(3).allSatisfy(reply -> {
            assertThat(reply.to()).isEqualTo(FROM);
            assertThat(reply.text()).isEqualTo("STOP");
            assertThat(reply.channel()).isEqualTo("sms");
        });
        assertThat(replies).extracting(Inbound::from).containsExactlyInAnyOrder("+447700900121", "+447700900122", "+447700900123");
        assertThat(replies).extracting(Inbound::providerMessageId).doesNotHaveDuplicates().doesNotContainAnyElementsOf(sids);
        assertThat(receiver.paths()).containsOnly("/hooks/twilio/prv_sim/status", "/hooks/twilio/prv_sim/inbound");
    }

    @Test
    void atDeliveredRateZeroTheFinalStatusIsUndeliveredWithAnErrorCode() throws Exception {
        Simulator simulator = start(options(0.0, 0.0, null));
        Provider provider = provider(simulator, Map.of());
        String sid = ((Accepted) provider.send(sms("msg_1", "+447700900121", "Hi"))).providerMessageId();

        assertThat(readCallbacks(provider, 2)).containsExactly(new Engagement(sid, "progress", "sent", null),
                new Receipt(sid, false, "undelivered (Twilio error 30003)", null));
    }

    @Test
    void repliesGoToCallbacksToWhenItIsGiven() throws Exception {
        Simulator simulator = start(options(1.0, 1.0, receiver.base() + "/elsewhere/inbound"));
        Provider provider = provider(simulator, Map.of());
        provider.send(sms("msg_1", "+447700900121", "Hi"));
        for (int i = 0; i < 3; i++) {
            assertThat(receiver.received.poll(10, TimeUnit.SECONDS)).isNotNull();
        }
        assertThat(receiver.paths()).containsOnly("/hooks/twilio/prv_sim/status", "/elsewhere/inbound").hasSize(3);
    }

    @Test
    void requestsWithoutTheAccountsBasicAuthAre401WithTwilios20003() {
        Simulator simulator = start(options(1.0, 0, null));
        Http http = new Http("http://127.0.0.1:" + simulator.port());
        String path = "/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json";
        String form = "To=%2B447700900121&From=%2B15005550006&Body=Hi";

        Http.Response none = http.post(path).raw("application/x-www-form-urlencoded", form).send();
        assertThat(none.status()).isEqualTo(401);
        JsonNode error = none.json();
        assertThat(error.get("code").asInt()).isEqualTo(20003);
        assertThat(error.get("status").asInt()).isEqualTo(401);
        assertThat(error.get("more_info").asText()).isEqualTo("https://www.twilio.com/docs/errors/20003");
        String otherAccount = Base64.getEncoder().encodeToString(("AC" + "f".repeat(32) + ":" + TOKEN).getBytes(StandardCharsets.UTF_8));
        assertThat(http.post(path).header("Authorization", "Basic " + otherAccount)
                .raw("application/x-www-form-urlencoded", form).send().status()).isEqualTo(401);
        assertThat(simulator.ledger().summary().refused()).containsEntry("unauthorised", 2L);
        assertThat(simulator.ledger().entries()).isEmpty();
    }

    @Test
    void badRequestsAreAnsweredWithTwiliosCodesAndClassifiedByTheAdapter() throws Exception {
        Simulator simulator = start(options(1.0, 0, null));
        Provider provider = provider(simulator, Map.of());
        assertThat(provider.send(sms("m1", "07700 900121", "Hi"))).isEqualTo(new Rejected(ErrorClass.PERMANENT,
                "twilio-21211", "Twilio 21211: The 'To' number 07700 900121 is not a valid phone number.", null));
        assertThat(provider.send(sms("m2", "+447700900121", null)))
                .extracting(r -> ((Rejected) r).code()).isEqualTo("twilio-21602");
        assertThat(simulator.ledger().summary().refused()).containsEntry("invalid", 2L);
    }

    @Test
    void wrongCredentialsAreTheProvidersProblem() throws Exception {
        String required = "Basic " + Base64.getEncoder().encodeToString((ACCOUNT + ":right").getBytes(StandardCharsets.UTF_8));
        SimulatorOptions options = options(1.0, 0, null).withRequiredAuth(required);
        Simulator simulator = start(options);
        assertThat(provider(simulator, Map.of()).send(sms("m1", "+447700900121", "Hi")))
                .isEqualTo(new Rejected(ErrorClass.PROVIDER, "twilio-20003", "Twilio 20003: Authenticate", null));
        assertThat(provider(simulator, Map.of("authToken", "right")).send(sms("m1", "+447700900121", "Hi")))
                .isInstanceOf(Accepted.class);
    }

    @Test
    void failuresAreTransientAndNotRecorded() throws Exception {
        Simulator simulator = start(options(1.0, 0, null).withFailures(1.0, 0, 0));
        assertThat(provider(simulator, Map.of()).send(sms("m1", "+447700900121", "Hi"))).isEqualTo(
                new Rejected(ErrorClass.TRANSIENT, "twilio-20503", "Twilio 20503: Service Unavailable", null));
        assertThat(simulator.ledger().entries()).isEmpty();
    }

    @Test
    void theRateLimitAnswers429WithRetryAfterWhichTheAdapterHonours() throws Exception {
        StepClock clock = new StepClock(Instant.parse("2026-03-01T10:00:00.100Z").toEpochMilli() * 1_000_000L);
        Simulator simulator = start(options(1.0, 0, null).withRateLimit(2), clock);
        Provider provider = provider(simulator, Map.of());
        assertThat(provider.send(sms("m1", "+447700900121", "a"))).isInstanceOf(Accepted.class);
        assertThat(provider.send(sms("m2", "+447700900121", "b"))).isInstanceOf(Accepted.class);
        assertThat(provider.send(sms("m3", "+447700900121", "c"))).isEqualTo(
                new Rejected(ErrorClass.TRANSIENT, "twilio-20429", "Twilio 20429: Too Many Requests", Duration.ofSeconds(1)));
        clock.advanceMillis(1_000);
        assertThat(provider.send(sms("m3", "+447700900121", "c"))).isInstanceOf(Accepted.class);
        assertThat(simulator.ledger().summary().refused()).containsEntry("rateLimited", 1L);
    }

    @Test
    void aLateAnswerIsAmbiguousToTheAdapterButRecorded() throws Exception {
        Simulator simulator = start(options(1.0, 0, null).withFailures(0, 1.0, 1_500));
        SendResult result = provider(simulator, Map.of("timeoutMs", 200)).send(sms("m1", "+447700900121", "Hi"));
        assertThat(result).isInstanceOf(SendResult.Ambiguous.class);
        assertThat(simulator.ledger().entries()).singleElement().extracting(LedgerEntry::late).isEqualTo(true);
    }

    @Test
    void theSameTextToTheSamePersonTwiceIsCountedAsADuplicate() throws Exception {
        Simulator simulator = start(options(1.0, 0, null));
        Provider provider = provider(simulator, Map.of());
        provider.send(sms("m1", "+447700900121", "Your code is 1234"));
        provider.send(sms("m1", "+447700900121", "Your code is 1234"));
        provider.send(sms("m2", "+447700900122", "Your code is 1234"));
        LedgerSummary summary = simulator.ledger().summary();
        assertThat(summary.accepted()).isEqualTo(3);
        assertThat(summary.distinctIds()).isEqualTo(2);
        assertThat(summary.duplicateIds().count()).isEqualTo(1);
    }

    /** A local HTTP server standing in for Parley's {@code /hooks} routes: records each callback, answers 204. */
    static final class CallbackReceiver implements AutoCloseable {
        final BlockingQueue<HookRequest> received = new LinkedBlockingQueue<>();
        private final List<String> paths = java.util.Collections.synchronizedList(new ArrayList<>());
        private final HttpServer server;

        CallbackReceiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String path = exchange.getRequestURI().getPath();
                Map<String, List<String>> headers = new HashMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
                String kind = path.substring(path.lastIndexOf('/') + 1);
                paths.add(path);
                received.add(new HookRequest(kind, base() + exchange.getRequestURI().getRawPath(),
                        exchange.getRequestMethod(), headers, body));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
        }

        String base() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        List<String> paths() {
            return List.copyOf(paths);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
