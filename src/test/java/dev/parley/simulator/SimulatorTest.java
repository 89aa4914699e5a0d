package dev.parley.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.Json;
import dev.parley.testing.Http;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulator over HTTP, one server per test on port 0; the time-dependent ones on a {@link StepClock}. */
class SimulatorTest {
    private final List<Simulator> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(Simulator::close);
    }

    @Test
    void acceptedSendAnswersAProviderMessageIdAndIsRecorded() {
        Http http = start(SimulatorOptions.defaults());
        Http.Response r = http.post("/send").json(Map.of("id", "msg-1", "channel", "sms", "to", "+447700900001",
                "from", "Parley", "text", "Hello", "campaign", "ignored")).send();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("providerMessageId").asText()).startsWith("sim-");

        JsonNode summary = http.get("/ledger/summary").send().json();
        assertThat(summary.get("accepted").asLong()).isEqualTo(1);
        assertThat(summary.get("distinctIds").asLong()).isEqualTo(1);
        assertThat(summary.get("firstAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(http.get("/health").send().status()).isEqualTo(200);
    }

    @Test
    void malformedSendsAnswer400AndAreNotRecorded() {
        Http http = start(SimulatorOptions.defaults());
        assertThat(http.post("/send").raw("application/json", "{\"id\": ").send().status()).isEqualTo(400);
        assertThat(http.post("/send").raw("application/json", "").send().status()).isEqualTo(400);
        assertThat(http.post("/send").raw("application/json", "[1]").send().status()).isEqualTo(400);
        assertThat(http.post("/send").json(Map.of("channel", "sms")).send().status()).isEqualTo(400);
        assertThat(http.post("/send").json(Map.of("id", 12)).send().status()).isEqualTo(400);
        Http.Response wrongType = http.post("/send").json(Map.of("id", "m", "to", 447700900001L)).send();
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.json().get("error").asText()).contains("to");

        JsonNode summary = http.get("/ledger/summary").send().json();
        assertThat(summary.get("accepted").asLong()).isZero();
        assertThat(summary.get("refused").get("invalid").asLong()).isEqualTo(6);
    }

    @Test
    void requiredAuthorizationTurnsAwayEveryOtherHeaderWith401() {
        Http http = start(SimulatorOptions.defaults().withRequiredAuth("Bearer sim-key"));
        assertThat(http.post("/send").json(Map.of("id", "a")).send().status()).isEqualTo(401);
        assertThat(http.post("/send").bearer("other").json(Map.of("id", "b")).send().status()).isEqualTo(401);
        assertThat(http.post("/send").bearer("sim-key").json(Map.of("id", "c")).send().status()).isEqualTo(200);
        assertThat(ids(http)).containsExactly("c");
    }

    @Test
    void failuresAnswer503AndAreNotRecorded() {
        Http http = start(SimulatorOptions.defaults().withFailures(1.0, 0, 0));
        Http.Response r = http.post("/send").json(Map.of("id", "m1")).send();
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.json().get("error").asText()).isEqualTo("simulated failure");
        JsonNode summary = http.get("/ledger/summary").send().json();
        assertThat(summary.get("accepted").asLong()).isZero();
        assertThat(summary.get("refused").get("failed").asLong()).isEqualTo(1);
    }

    @Test
    void theSeedMakesPartialFailuresReproducibleAndOnlySuccessesAreRecorded() {
        SimulatorOptions options = SimulatorOptions.defaults().withFailures(0.5, 0, 0).withSeed(42);
        List<Integer> first = statuses(start(options), 40);
        List<Integer> second = statuses(start(options), 40);
        assertThat(first).isEqualTo(second).contains(200, 503);

        Http http = new Http("http://127.0.0.1:" + started.getFirst().port());
        long successes = first.stream().filter(s -> s == 200).count();
        assertThat(http.get("/ledger/summary").send().json().get("accepted").asLong()).isEqualTo(successes);
    }

    @Test
    void timedOutRequestIsRecordedButAnsweredOnlyAfterTheTimeout() throws Exception {
        Http http = start(SimulatorOptions.defaults().withFailures(0, 1.0, 1_500));
        var client = java.net.http.HttpClient.newHttpClient();
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(http.base() + "/send"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"id\":\"slow-1\",\"channel\":\"sms\"}"));

        var impatient = client.sendAsync(request.copy().timeout(java.time.Duration.ofMillis(200)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(impatient).failsWithin(java.time.Duration.ofSeconds(10))
                .withThrowableThat().havingRootCause().isInstanceOf(java.net.http.HttpTimeoutException.class);
        JsonNode summary = http.get("/ledger/summary").send().json();
        assertThat(summary.get("accepted").asLong()).isEqualTo(1);
        assertThat(summary.get("answeredLate").asLong()).isEqualTo(1);
        assertThat(ledgerLines(http).getFirst().get("late").asBoolean()).isTrue();

        var patient = client.send(request.copy().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(patient.statusCode()).isEqualTo(200);
        assertThat(patient.body()).contains("sim-");
    }

    @Test
    void rateLimitAnswers429BeyondNAcceptedInTheSameSecond() {
        StepClock clock = new StepClock(Instant.parse("2026-03-01T10:00:00.100Z").toEpochMilli() * 1_000_000L);
        Http http = start(SimulatorOptions.defaults().withRateLimit(3), clock);
        List<Integer> firstSecond = statuses(http, 5);
        assertThat(firstSecond).containsExactly(200, 200, 200, 429, 429);
        Http.Response limited = http.post("/send").json(Map.of("id", "x")).send();
        assertThat(limited.header("Retry-After")).isEqualTo("1");

        clock.advanceMillis(1_000);
        assertThat(statuses(http, 4)).containsExactly(200, 200, 200, 429);
        JsonNode summary = http.get("/ledger/summary").send().json();
        assertThat(summary.get("accepted").asLong()).isEqualTo(6);
        assertThat(summary.get("refused").get("rateLimited").asLong()).isEqualTo(4);
    }

    @Test
    void duplicatesAreCountedInTheSummary() {
        Http http = start(SimulatorOptions.defaults());
        for (String id : List.of("a", "b", "a", "c", "a", "b")) {
            assertThat(http.post("/send").json(Map.of("id", id)).send().status()).isEqualTo(200);
        }
        JsonNode summary = http.get("/ledger/summary").send().json();
        assertThat(summary.get("accepted").asLong()).isEqualTo(6);
        assertThat(summary.get("distinctIds").asLong()).isEqualTo(3);
        assertThat(summary.get("duplicateIds").get("count").asLong()).isEqualTo(2);
        assertThat(summary.get("duplicateIds").get("first")).extracting(JsonNode::asText).containsExactly("a", "b");
    }

    @Test
    void ledgerIsOneJsonObjectPerLineAndResetEmptiesIt() {
        StepClock clock = new StepClock(Instant.parse("2026-03-01T10:00:00Z").toEpochMilli() * 1_000_000L);
        Http http = start(SimulatorOptions.defaults(), clock);
        http.post("/send").json(Map.of("id", "m1", "channel", "sms", "to", "+447700900001")).send();
        clock.advanceMillis(250);
        http.post("/send").json(Map.of("id", "m2", "channel", "email", "to", "ada@example.test")).send();

        Http.Response raw = http.get("/ledger").send();
        assertThat(raw.header("Content-Type")).startsWith("application/x-ndjson");
        List<JsonNode> lines = ledgerLines(http);
        assertThat(lines).extracting(l -> l.get("id").asText()).containsExactly("m1", "m2");
        assertThat(lines.get(1).get("channel").asText()).isEqualTo("email");
        assertThat(lines.get(1).get("to").asText()).isEqualTo("ada@example.test");
        assertThat(lines.get(1).get("receivedAt").asText()).isEqualTo("2026-03-01T10:00:00.250Z");
        assertThat(lines.get(1).get("receivedNanos").asLong() - lines.get(0).get("receivedNanos").asLong()).isEqualTo(250_000_000L);

        assertThat(http.post("/ledger/reset").send().status()).isEqualTo(204);
        assertThat(http.get("/ledger").send().body()).isEmpty();
        assertThat(http.get("/ledger/summary").send().json().get("accepted").asLong()).isZero();
    }

    private Http start(SimulatorOptions options) {
        return start(options, SimClock.system());
    }

    private Http start(SimulatorOptions options, SimClock clock) {
        Simulator simulator = Simulator.start(options.withPort(0), clock);
        started.add(simulator);
        return new Http("http://127.0.0.1:" + simulator.port());
    }

    private static List<Integer> statuses(Http http, int n) {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            statuses.add(http.post("/send").json(Map.of("id", "m" + i)).send().status());
        }
        return statuses;
    }

    private static List<String> ids(Http http) {
        return ledgerLines(http).stream().map(l -> l.get("id").asText()).toList();
    }

    private static List<JsonNode> ledgerLines(Http http) {
        List<JsonNode> lines = new ArrayList<>();
        Consumer<String> parse = line -> {
            try {
                lines.add(Json.mapper().readTree(line));
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + line, e);
            }
        };
        http.get("/ledger").send().body().lines().forEach(parse);
        return lines;
    }
}
