package dev.parley.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.Json;
import dev.parley.simulator.LedgerSummary;
import dev.parley.simulator.Simulator;
import dev.parley.simulator.SimulatorOptions;
import dev.parley.testing.Databases;
import dev.parley.testing.Http;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestServer;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * A campaign's rate, its progress stream and its actual cost, on H2 and PostgreSQL, judged by a stand-alone
 * simulator behind the {@code http} provider: 200 recipients at {@code ratePerSecond} 20 never arrive more
 * than 24 in any second and take about ten seconds by the simulator's own clock, the SSE stream sends
 * progress while they go and ends at completion, and the actual cost is what the accepted messages cost.
 */
@ParameterizedClass
@ArgumentsSource(Databases.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CampaignPaceTest {
    @Parameter
    TestDatabase.Kind kind;

    TestServer server;
    Simulator simulator;
    CampaignFixture f;
    Http http;

    @BeforeParameterizedClassInvocation
    void start(TestDatabase.Kind kind) {
        server = TestServer.start(kind);
        f = new CampaignFixture(server, "Pacer");
        http = f.http;
        simulator = Simulator.start(SimulatorOptions.defaults().withPort(0));
        String provider = f.provider("http-sim", "http", "sms", Map.of("url", "http://127.0.0.1:" + simulator.port() + "/send"));
        Http.Response put = http.put("/v1/routing/sms").bearer(f.owner).json(Map.of("stickySender", false, "rules", List.of(
                Map.of("prefix", "+44", "providerId", provider, "price", 0.0125, "currency", "USD", "priority", 0)))).send();
        assertThat(put.status()).as(put.body()).isEqualTo(200);
    }

    @AfterParameterizedClassInvocation
    void stop() {
        simulator.close();
        server.close();
    }

    @Test
    void twentyPerSecondHoldsAtTheProviderWhileTheStreamReportsProgressUntilCompletion() throws Exception {
        String l = f.list("Paced");
        f.bulkContacts(l, 200, "+4474013", null);
        String id = f.draft(l, Map.of("ratePerSecond", 20));
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest stream = HttpRequest.newBuilder(URI.create(http.base() + "/v1/campaigns/" + id + "/stream"))
                .header("Authorization", "Bearer " + f.owner).header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(60)).GET().build();

        assertThat(f.act(id, "launch").status()).isEqualTo(200);
        CompletableFuture<HttpResponse<Stream<String>>> opened = client.sendAsync(stream, HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> response = opened.get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<JsonNode> events = new ArrayList<>();
        CompletableFuture<Void> read = CompletableFuture.runAsync(() -> response.body()
                .filter(line -> line.startsWith("data: "))
                .forEach(line -> events.add(parse(line.substring(6)))));
        read.get(60, TimeUnit.SECONDS);

        assertThat(events.size()).as("a progress event at once and every second while it runs").isGreaterThanOrEqualTo(2);
        JsonNode last = events.getLast();
        assertThat(last.get("status").asText()).as("the stream ends when the campaign completes").isEqualTo("completed");
        assertThat(events.stream().map(e -> e.get("progress").get("sent").asLong()).distinct().count())
                .as("progress moved while streaming").isGreaterThanOrEqualTo(2);

        LedgerSummary s = simulator.ledger().summary();
        assertThat(s.distinctIds()).isEqualTo(200);
        assertThat(s.maxInAnySlidingSecond()).as("20 a second, with a small burst at most").isLessThanOrEqualTo(24);
        assertThat(Duration.between(s.firstAt(), s.lastAt())).as("200 at 20 a second take about 10 s at the provider")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(8));

        JsonNode progress = f.get(id).get("progress");
        assertThat(new BigDecimal(progress.get("costActual").asText())).as("200 accepted × 0.0125")
                .isEqualByComparingTo("2.5");
        assertThat(new BigDecimal(progress.get("costEstimate").asText())).isEqualByComparingTo("2.5");
    }

    private static JsonNode parse(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
