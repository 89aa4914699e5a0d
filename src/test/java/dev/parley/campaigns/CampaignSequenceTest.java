package dev.parley.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.simulator.Simulator;
import dev.parley.simulator.SimulatorOptions;
import dev.parley.testing.Databases;
import dev.parley.testing.MovableClock;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestServer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * Sequences and reply counters, on H2 and PostgreSQL, through the real {@code twilio} adapter against the
 * simulator's Twilio dialect: it delivers about half the messages (signed status callbacks) and replies to
 * about half (signed inbound webhooks). The clock is moved, never waited for: a step's wait passes when the
 * test moves the clock past it.
 */
@ParameterizedClass
@ArgumentsSource(Databases.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CampaignSequenceTest {
    private static final String SID = "AC" + "0123456789abcdef".repeat(2);
    private static final String TOKEN = "twilio-auth-token-for-tests";

    @Parameter
    TestDatabase.Kind kind;

    TestServer server;
    Simulator simulator;
    MovableClock clock;
    CampaignFixture f;
    int serial;
    String twilio;

    @BeforeParameterizedClassInvocation
    void start(TestDatabase.Kind kind) {
        clock = new MovableClock();
        server = TestServer.start(kind, Map.of(), clock);
        f = new CampaignFixture(server, "Sequencer");
        SimulatorOptions d = SimulatorOptions.defaults();
        simulator = Simulator.start(new SimulatorOptions(d.host(), 0, 0, 0, 0, 0, d.timeoutMs(), 0, 7, null, 0.5, 0.5,
                "Tell me more", null));
        twilio = f.provider("twilio", "twilio", "sms", Map.of("accountSid", SID, "authToken", TOKEN, "from", "+15005550006",
                "baseUrl", "http://127.0.0.1:" + simulator.port()));
    }

    @AfterParameterizedClassInvocation
    void stop() {
        simulator.close();
        server.close();
    }

    private List<String> contacts(String listId, int n) {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(f.contact(Map.of("phone", "+4474009" + String.format("%05d", serial++))));
        }
        f.members(listId, ids);
        return ids;
    }

    /** Contact ids of the campaign's rows of {@code step} whose status is one of {@code statuses} (all when empty). */
    private Set<String> contactsAt(String campaignId, int step, String... statuses) {
        return new HashSet<>(server.parley().database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT contact_id, status FROM message WHERE campaign_id = :id AND step = :step").bind("id", campaignId)
                .bind("step", step).map((rs, c) -> new String[] {rs.getString(1), rs.getString(2)}).list().stream()
                .filter(r -> statuses.length == 0 || List.of(statuses).contains(r[1])).map(r -> r[0]).toList()));
    }

    private Set<String> repliers(List<String> contactIds) {
        return new HashSet<>(server.parley().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT DISTINCT contact_id FROM inbound_message WHERE contact_id IN (<ids>)").bindList("ids", contactIds)
                .mapTo(String.class).list()));
    }

    @Test
    void aStepForTheUndeliveredFiresOnlyAfterItsWaitAndOnlyForThem() {
        String l = f.list("Seq");
        List<String> audience = contacts(l, 30);
        String id = f.draft(l, Map.of("steps", List.of(Map.of("after", "P1D", "when", "notDelivered",
                "content", Map.of("text", "Did our message reach you?")))));
        assertThat(f.act(id, "launch").status()).isEqualTo(200);
        JsonNode settled = awaitReceipts(id);
        assertThat(contactsAt(id, 0, "undelivered")).as("the simulator delivers about half").isNotEmpty().hasSizeLessThan(30);
        server.parley().campaignRunner().runOnce();
        assertThat(contactsAt(id, 1)).as("nothing before the wait").isEmpty();
        assertThat(settled.get("status").asText()).as("waiting for the step, not complete").isEqualTo("running");

        clock.advance(Duration.ofDays(1).plusMinutes(1));
        f.relogin();
        JsonNode done = f.await(id, c -> c.get("status").asText().equals("completed"));
        Set<String> undelivered = contactsAt(id, 0, "undelivered", "failed", "expired", "unknown");
        assertThat(contactsAt(id, 1)).as("step 1 went to exactly the undelivered").isEqualTo(undelivered);
        JsonNode step1 = done.get("progress").get("steps").get(1);
        assertThat(step1.get("total").asLong()).isEqualTo(undelivered.size());
        assertThat(step1.get("skipped").asLong()).isEqualTo(30 - undelivered.size());
        assertThat(done.get("progress").get("total").asLong()).isEqualTo(30 + undelivered.size());
        assertThat(audience).hasSize(30);
    }

    @Test
    void aClickedStepGoesToExactlyThoseWhoClicked() {
        String l = f.list("Clicks");
        List<String> audience = contacts(l, 30);
        String id = f.draft(l, Map.of("steps", List.of(
                Map.of("after", "PT2H", "when", "clicked", "content", Map.of("text", "Thanks for looking")))));
        assertThat(f.act(id, "launch").status()).isEqualTo(200);
        awaitReceipts(id);
        // A click as the provider reports it (an engagement event on the message it sent), for the first eight contacts.
        Set<String> clickers = new HashSet<>(audience.subList(0, 8));
        List<String[]> sent = server.parley().database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT contact_id, provider_message_id FROM message WHERE campaign_id = :id AND step = 0")
                .bind("id", id).map((rs, c) -> new String[] {rs.getString(1), rs.getString(2)}).list());
        for (String[] row : sent) {
            if (clickers.contains(row[0]) && row[1] != null) {
                server.parley().callbacks().publish(twilio, List.of(new dev.parley.providers.ProviderEvent.Engagement(
                        row[1], "clicked", "https://example.com/offer", java.time.Instant.now())));
            }
        }
        Set<String> clicked = new HashSet<>(sent.stream().filter(r -> clickers.contains(r[0]) && r[1] != null).map(r -> r[0]).toList());
        assertThat(clicked).as("the clickers' first messages were accepted").isNotEmpty();

        clock.advance(Duration.ofHours(2).plusMinutes(1));
        f.relogin();
        f.await(id, c -> c.get("progress").get("steps").size() > 1 && c.get("progress").get("steps").get(1).get("total").asLong()
                + c.get("progress").get("steps").get(1).get("skipped").asLong() == 30);
        assertThat(contactsAt(id, 1)).as("the clicked step went to exactly those who clicked").isEqualTo(clicked);
        JsonNode done = f.await(id, c -> c.get("status").asText().equals("completed"));
        assertThat(done.get("progress").get("steps").get(0).get("clicked").asLong()).isEqualTo(clicked.size());
        assertThat(done.get("progress").get("steps").get(1).get("skipped").asLong()).isEqualTo(30 - clicked.size());
    }

    @Test
    void repliesAreCountedOncePerMessageAndAReplyStopsTheNextStep() {
        String l = f.list("Replies");
        List<String> audience = contacts(l, 30);
        String id = f.draft(l, Map.of("steps", List.of(Map.of("after", "PT6H", "when", "always", "stopOnReply", true,
                "content", Map.of("text", "Last chance")))));
        assertThat(f.act(id, "launch").status()).isEqualTo(200);
        awaitReceipts(id);
        Set<String> repliers = awaitReplies(audience);
        JsonNode counted = f.await(id, c -> c.get("progress").get("replied").asLong() == repliers.size());
        assertThat(counted.get("progress").get("steps").get(0).get("replied").asLong()).isEqualTo(repliers.size());

        String replier = repliers.iterator().next();
        String silent = audience.stream().filter(c -> !repliers.contains(c)).findFirst().orElseThrow();
        assertThat(reply(replier, "And another thing").status()).isLessThan(300);
        assertThat(reply(silent, "Hello?").status()).isLessThan(300);
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(20);
        while (stored("And another thing", "Hello?") < 2 && java.time.Instant.now().isBefore(deadline)) {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
        assertThat(stored("And another thing", "Hello?")).isEqualTo(2);
        assertThat(f.get(id).get("progress").get("replied").asLong())
                .as("a second reply to the same message counts nothing; a first one counts").isEqualTo(repliers.size() + 1);
        repliers.add(silent);

        clock.advance(Duration.ofHours(6).plusMinutes(1));
        f.relogin();
        JsonNode done = f.await(id, c -> c.get("status").asText().equals("completed"));
        Set<String> stepped = contactsAt(id, 1);
        Set<String> expected = new HashSet<>(audience);
        expected.removeAll(repliers);
        assertThat(stepped).as("everyone who did not reply, no one who did").isEqualTo(expected);
        assertThat(done.get("progress").get("steps").get(1).get("stopped").asLong()).isEqualTo(repliers.size());
    }

    /**
     * Waits until every first message was sent and, for up to 10 s more, until each has its delivery receipt:
     * the simulator posts each callback once and does not retry, so on a loaded machine one can be lost, and the
     * tests read the outcome from the ledger when it is decided rather than assume every receipt came.
     */
    private JsonNode awaitReceipts(String id) {
        JsonNode sent = f.await(id, c -> {
            JsonNode s0 = c.get("progress").get("steps").get(0);
            return s0.get("sent").asLong() + s0.get("delivered").asLong() + s0.get("undelivered").asLong() == 30;
        });
        try {
            return f.await(id, Duration.ofSeconds(10), c -> {
                JsonNode s0 = c.get("progress").get("steps").get(0);
                return s0.get("delivered").asLong() + s0.get("undelivered").asLong() == 30;
            });
        } catch (AssertionError receiptsMissing) {
            return sent;
        }
    }

    /** Inbound messages stored with these texts (each reply's counter moves in the transaction that stores it). */
    private long stored(String... texts) {
        return server.parley().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM inbound_message WHERE body_text IN (<texts>)").bindList("texts", List.of(texts))
                .mapTo(Long.class).one());
    }

    /** A signed Twilio inbound webhook from the contact's phone, as Twilio would post it. */
    private dev.parley.testing.Http.Response reply(String contactId, String text) {
        String phone = f.http.get("/v1/contacts/" + contactId).bearer(f.owner).send().json().get("phone").asText();
        Map<String, List<String>> params = new java.util.TreeMap<>(Map.of("AccountSid", List.of(SID), "From", List.of(phone),
                "To", List.of("+15005550006"), "Body", List.of(text), "MessageSid", List.of("SM" + java.util.UUID.randomUUID()
                        .toString().replace("-", ""))));
        String path = "/hooks/twilio/" + twilio + "/inbound";
        String signature = dev.parley.providers.TwilioSignature.sign(TOKEN, f.http.base() + path, params);
        StringBuilder form = new StringBuilder();
        params.forEach((k, v) -> form.append(form.isEmpty() ? "" : "&").append(k).append('=')
                .append(java.net.URLEncoder.encode(v.getFirst(), java.nio.charset.StandardCharsets.UTF_8)));
        return f.http.post(path).header(dev.parley.providers.TwilioSignature.HEADER, signature)
                .raw("application/x-www-form-urlencoded", form.toString()).send();
    }

    /** The contacts who replied, once the simulator's replies stop arriving (their number holds for a moment). */
    private Set<String> awaitReplies(List<String> audience) {
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(20);
        Set<String> last = repliers(audience);
        java.time.Instant stableSince = java.time.Instant.now();
        while (java.time.Instant.now().isBefore(deadline)) {
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            Set<String> now = repliers(audience);
            if (!now.equals(last)) {
                last = now;
                stableSince = java.time.Instant.now();
            } else if (!now.isEmpty() && java.time.Instant.now().isAfter(stableSince.plusMillis(500))) {
                return now;
            }
        }
        throw new AssertionError("replies did not settle: " + last);
    }
}
