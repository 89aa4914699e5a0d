package dev.parley.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Databases;
import dev.parley.testing.MovableClock;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * Send windows end to end with a moved clock, on H2 and PostgreSQL: a 09:00–20:00 window in Europe/London,
 * America/New_York and Asia/Kolkata across the night the UK moves its clocks forward (28 March 2027,
 * 01:00 UTC), and a row still queued when its window closes, which waits for the next opening instead of
 * going out late. Observed on the ledger's rows and events, never on internal calls.
 */
@ParameterizedClass
@ArgumentsSource(Databases.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CampaignWindowTest {
    /** Saturday 27 March 2027, 21:00 UTC: 21:00 in London (GMT), 17:00 in New York (EDT), 02:30 Sunday in Kolkata. */
    private static final Instant SATURDAY_EVENING = Instant.parse("2027-03-27T21:00:00Z");

    @Parameter
    TestDatabase.Kind kind;

    TestServer server;
    MovableClock clock;
    CampaignFixture f;
    int serial;

    @BeforeParameterizedClassInvocation
    void start(TestDatabase.Kind kind) {
        clock = new MovableClock();
        server = TestServer.start(kind, Map.of(), clock);
        f = new CampaignFixture(server, "Windows");
        f.provider("sim", "sms", Map.of());
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
    }

    private void moveTo(Instant when) {
        Duration by = Duration.between(clock.instant(), when);
        if (!by.isNegative()) {
            clock.advance(by);
        }
        f.relogin();
    }

    private String contactIn(String zone) {
        return f.contact(Map.of("phone", "+4474011" + String.format("%05d", serial++), "timezone", zone));
    }

    private record Row(String status, Instant due) {}

    private Map<String, Row> rows(String campaignId) {
        Map<String, Row> rows = new HashMap<>();
        server.parley().database().jdbi().useHandle(h -> h.createQuery(
                        "SELECT contact_id, status, due_at FROM message WHERE campaign_id = :id").bind("id", campaignId)
                .map((rs, c) -> Map.entry(rs.getString(1), new Row(rs.getString(2), rs.getTimestamp(3).toInstant())))
                .forEach(e -> rows.put(e.getKey(), e.getValue())));
        return rows;
    }

    private Map<String, Row> awaitRows(String campaignId, java.util.function.Predicate<Map<String, Row>> condition) {
        Instant deadline = Instant.now().plusSeconds(20);
        Map<String, Row> r;
        do {
            r = rows(campaignId);
            if (condition.test(r)) {
                return r;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("rows never matched: " + r);
    }

    @Test
    void rowsWaitForNineInTheRecipientsOwnZoneAcrossTheUkClockChange() {
        moveTo(SATURDAY_EVENING);
        String london = contactIn("Europe/London");
        String newYork = contactIn("America/New_York");
        String kolkata = contactIn("Asia/Kolkata");
        String l = f.list("Zones");
        f.members(l, List.of(london, newYork, kolkata));
        String id = f.draft(l, Map.of("sendWindow", Map.of("days", List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"),
                "from", "09:00", "to", "20:00", "fallbackTimezone", "UTC")));
        assertThat(f.act(id, "launch").status()).isEqualTo(200);

        Map<String, Row> r = awaitRows(id, rows -> rows.size() == 3 && rows.get(newYork).status().equals("sent"));
        assertThat(r.get(london)).as("09:00 BST on Sunday is 08:00 UTC: the clocks went forward overnight")
                .isEqualTo(new Row("scheduled", Instant.parse("2027-03-28T08:00:00Z")));
        assertThat(r.get(kolkata)).isEqualTo(new Row("scheduled", Instant.parse("2027-03-28T03:30:00Z")));

        moveTo(Instant.parse("2027-03-28T03:31:00Z"));
        r = awaitRows(id, rows -> rows.get(kolkata).status().equals("sent"));
        assertThat(r.get(london).status()).as("still before 09:00 in London").isEqualTo("scheduled");

        moveTo(Instant.parse("2027-03-28T08:01:00Z"));
        JsonNode done = f.await(id, c -> c.get("status").asText().equals("completed"));
        assertThat(done.get("progress").get("sent").asLong()).isEqualTo(3);
    }

    @Test
    void aRowStillQueuedWhenItsWindowClosesWaitsForTheNextOpeningInsteadOfGoingOutLate() {
        moveTo(Instant.parse("2027-04-05T06:00:00Z"));
        String london = contactIn("Europe/London");
        String l = f.list("Late");
        f.members(l, List.of(london));
        String id = f.draft(l, Map.of("sendWindow", Map.of("days", List.of("MON", "TUE", "WED", "THU", "FRI"),
                "from", "09:00", "to", "20:00")));
        assertThat(f.act(id, "launch").status()).isEqualTo(200);
        awaitRows(id, rows -> rows.size() == 1);
        assertThat(f.act(id, "pause").status()).isEqualTo(200);

        moveTo(Instant.parse("2027-04-05T12:00:00Z"));
        awaitRows(id, rows -> rows.get(london).status().equals("queued"));
        moveTo(Instant.parse("2027-04-05T19:30:00Z"));
        assertThat(f.act(id, "resume").status()).isEqualTo(200);
        Map<String, Row> r = awaitRows(id, rows -> rows.get(london).status().equals("scheduled"));
        assertThat(r.get(london).due()).as("Tuesday 09:00 BST").isEqualTo(Instant.parse("2027-04-06T08:00:00Z"));
        List<String> events = server.parley().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT type FROM message_event WHERE message_id = (SELECT id FROM message WHERE campaign_id = :id) ORDER BY id")
                .bind("id", id).mapTo(String.class).list());
        assertThat(events).contains("window_closed").doesNotContain("sent");

        moveTo(Instant.parse("2027-04-06T08:01:00Z"));
        assertThat(f.await(id, c -> c.get("status").asText().equals("completed")).get("progress").get("sent").asLong())
                .isEqualTo(1);
    }
}
