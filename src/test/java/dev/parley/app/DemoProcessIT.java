package dev.parley.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Http;
import dev.parley.testing.ParleyProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parley demo} as a newcomer runs it, against the packaged jar in its own OS process: a fresh data
 * directory is set up through the API (providers, 1,000 contacts, templates), an SMS sent with the printed
 * key comes back {@code delivered} through the simulator's signed Twilio callback, SIGTERM exits 0, and a
 * second run in the same directory reuses everything (one tenant, the same key, still 1,000 contacts).
 * Start-to-ready times are printed, never asserted.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DemoProcessIT {
    private static final Duration DEMO_READY = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void demoSetsUpATenantThatDeliversAndARerunReusesItWithoutDuplicates() throws IOException {
        Path data = dir.resolve("parley-demo");
        String[] args = {"demo", "--port", "0", "--simulator-port", "0", "--data-dir", data.toString()};

        String apiKey;
        String tenantId;
        try (ParleyProcess demo = ParleyProcess.start(Map.of(), args)) {
            demo.awaitReady(DEMO_READY);
            System.out.printf("parley demo, fresh data dir: ready in %d ms%n", (demo.readyNanos() - demo.startedNanos()) / 1_000_000);
            apiKey = printed(demo, "API key");
            assertThat(apiKey).startsWith("pk_");
            assertThat(printed(demo, "Log in as")).startsWith(DemoSetup.ADMIN_EMAIL + "  password: ");
            JsonNode saved = ParleyProcess.parse(String.join("", Files.readAllLines(data.resolve("demo.json"))));
            assertThat(saved.get("apiKey").asText()).isEqualTo(apiKey);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("demo.json")))).isEqualTo("rw-------");

            Http http = demo.http();
            tenantId = http.get("/v1/auth/me").bearer(apiKey).send().json().at("/tenant/id").asText();
            assertThat(tenantId).isEqualTo(saved.get("tenantId").asText());
            assertDemoData(demo, http, apiKey);

            Http.Response sent = http.post("/v1/messages").bearer(apiKey).json(Map.of("channel", "sms",
                    "to", DemoContacts.exampleNumber(), "content", Map.of("text", "Hello from the demo test"))).send();
            assertThat(sent.status()).as(sent.toString()).isEqualTo(202);
            String messageId = sent.json().get("id").asText();
            JsonNode message = eventually(() -> http.get("/v1/messages/" + messageId).bearer(apiKey).send().json(),
                    m -> m.path("status").asText().equals("delivered"));
            assertThat(message.get("providerId").asText()).isEqualTo(saved.at("/ids/smsProvider").asText());
            // Delivered by a receipt: the simulator's signed status callback, verified at /hooks/twilio/{providerId}/status.
            assertThat(message.get("events")).anyMatch(e -> e.get("type").asText().equals("receipt")
                    && e.get("toStatus").asText().equals("delivered"));

            Http simulator = new Http(printed(demo, "Simulator").split(" ")[0]);
            JsonNode ledger = simulator.get("/ledger/summary").send().json();
            assertThat(ledger.get("accepted").asInt()).isEqualTo(1);

            ParleyProcess.Result stopped = demo.stop(ParleyProcess.STOP_DEADLINE);
            assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
        }

        try (ParleyProcess demo = ParleyProcess.start(Map.of(), args)) {
            demo.awaitReady(DEMO_READY);
            System.out.printf("parley demo, re-run: ready in %d ms%n", (demo.readyNanos() - demo.startedNanos()) / 1_000_000);
            assertThat(printed(demo, "API key")).isEqualTo(apiKey);
            Http http = demo.http();
            assertThat(http.get("/v1/auth/me").bearer(apiKey).send().json().at("/tenant/id").asText()).isEqualTo(tenantId);
            assertDemoData(demo, http, apiKey);
            assertThat(http.get("/v1/messages").bearer(apiKey).send().json().get("data")).hasSize(1);

            // One tenant in the whole database, seen by an operator made beside the running demo.
            ParleyProcess.Result operator = ParleyProcess.run(Map.of("PARLEY_DATA_DIR", data.toString()), "operator", "create",
                    "--email", "ops@demo.test", "--password", "operator-password-1");
            assertThat(operator.exitCode()).as(operator.toString()).isZero();
            String ops = http.post("/v1/auth/login").json(Map.of("email", "ops@demo.test", "password", "operator-password-1"))
                    .send().json().get("token").asText();
            JsonNode tenants = http.get("/v1/operator/tenants").bearer(ops).send().json().get("data");
            assertThat(tenants).hasSize(1);
            assertThat(tenants.get(0).get("id").asText()).isEqualTo(tenantId);

            ParleyProcess.Result stopped = demo.stop(ParleyProcess.STOP_DEADLINE);
            assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
        }
    }

    /**
     * Two simulated providers, one list of exactly 1,000 distinct contacts, an SMS and an email template, and
     * one draft campaign where this build has campaigns (where it has not, the demo says so).
     */
    private static void assertDemoData(ParleyProcess demo, Http http, String key) {
        List<JsonNode> providers = all(http, key, "/v1/providers");
        assertThat(providers).extracting(p -> p.get("type").asText() + "/" + p.get("channel").asText())
                .containsExactlyInAnyOrder("twilio/sms", "sendgrid/email");

        List<JsonNode> lists = all(http, key, "/v1/lists");
        assertThat(lists).hasSize(1);
        assertThat(lists.getFirst().get("name").asText()).isEqualTo(DemoSetup.LIST_NAME);
        assertThat(lists.getFirst().get("memberCount").asLong()).isEqualTo(1000);

        List<JsonNode> contacts = all(http, key, "/v1/contacts");
        assertThat(contacts).hasSize(1000);
        Set<String> emails = new HashSet<>();
        contacts.forEach(c -> emails.add(c.get("email").asText()));
        assertThat(emails).hasSize(1000).allMatch(e -> e.endsWith("@example.com") || e.endsWith("@example.org"));
        assertThat(contacts).filteredOn(c -> !c.get("phone").isNull()).hasSize(950)
                .allMatch(c -> c.get("phone").asText().startsWith("+44") || c.get("phone").asText().startsWith("+1"));

        assertThat(all(http, key, "/v1/templates")).extracting(t -> t.get("channel").asText())
                .containsExactlyInAnyOrder("sms", "email");

        Http.Response campaigns = http.get("/v1/campaigns?limit=200").bearer(key).send();
        if (campaigns.status() == 404) {
            assertThat(demo.stdoutLines()).anyMatch(l -> l.contains("campaigns are not available in this build"));
        } else {
            assertThat(campaigns.status()).as(campaigns.toString()).isEqualTo(200);
            assertThat(campaigns.json().get("data")).singleElement()
                    .satisfies(c -> assertThat(c.get("name").asText()).isEqualTo("Spring offer"))
                    .satisfies(c -> assertThat(c.get("status").asText()).isEqualTo("draft"))
                    .satisfies(c -> assertThat(c.get("variants").findValuesAsText("name")).containsExactly("A", "B"))
                    .satisfies(c -> assertThat(c.get("sendWindow").get("from").asText()).isEqualTo("09:00"));
        }
    }

    /** Every item of a paginated collection. */
    private static List<JsonNode> all(Http http, String key, String path) {
        List<JsonNode> items = new ArrayList<>();
        String cursor = null;
        do {
            Http.Response page = http.get(path + "?limit=200" + (cursor == null ? "" : "&cursor=" + cursor)).bearer(key).send();
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            page.json().get("data").forEach(items::add);
            cursor = page.json().get("nextCursor").isNull() ? null : page.json().get("nextCursor").asText();
        } while (cursor != null);
        return items;
    }

    /** The value printed after {@code label} in the demo's banner. */
    private static String printed(ParleyProcess demo, String label) {
        return demo.stdoutLines().stream().map(String::strip).filter(l -> l.startsWith(label + " "))
                .map(l -> l.substring(label.length()).strip()).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + label + "' line in\n" + String.join("\n", demo.stdoutLines())));
    }

    private static <T> T eventually(Supplier<T> read, Predicate<T> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        T value;
        do {
            value = read.get();
            if (done.test(value)) {
                return value;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("not reached within 30 s: " + value);
    }
}
