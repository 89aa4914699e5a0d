package dev.parley.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Databases;
import dev.parley.testing.Http;
import dev.parley.testing.MovableClock;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * {@code GET /v1/queues/timeline} on H2 and PostgreSQL: messages counted by creation minute and current
 * status, bounded by {@code since}, tenant-scoped, and bad {@code since} values answered with a 400.
 */
@ParameterizedClass
@ArgumentsSource(Databases.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueueTimelineTest {
    @Parameter
    TestDatabase.Kind kind;

    final MovableClock clock = new MovableClock();
    TestServer server;
    Http http;
    String owner;
    final List<JsonNode> failed = new ArrayList<>();

    @BeforeParameterizedClassInvocation
    void start(TestDatabase.Kind kind) {
        failed.clear();
        server = TestServer.start(kind, Map.of(), clock);
        http = server.http();
        server.tenant("Timeline", "owner@timeline.test", "timeline-password");
        owner = server.login("owner@timeline.test", "timeline-password");
        Http.Response p = http.post("/v1/providers").bearer(owner).json(Map.of("name", "always fails", "type", "simulator",
                "channel", "sms", "config", Map.of("permanentFailRate", 1.0))).send();
        assertThat(p.status()).as(p.body()).isEqualTo(201);
        List<String> ids = new ArrayList<>();
        ids.add(send("+447700900001"));
        ids.add(send("+447700900002"));
        clock.advance(Duration.ofMinutes(3));
        ids.add(send("+447700900003"));
        for (String id : ids) {
            failed.add(awaitFailed(id));
        }
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
    }

    String send(String to) {
        Http.Response r = http.post("/v1/messages").bearer(owner)
                .json(Map.of("channel", "sms", "to", to, "content", Map.of("text", "timeline"))).send();
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("id").asText();
    }

    JsonNode awaitFailed(String id) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        JsonNode m;
        do {
            m = http.get("/v1/messages/" + id).bearer(owner).send().json();
            if ("failed".equals(m.path("status").asText())) {
                return m;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("message never failed: " + m);
    }

    Http.Response timeline(String query) {
        return http.get("/v1/queues/timeline" + query).bearer(owner).send();
    }

    static String at(Instant instant) {
        return URLEncoder.encode(instant.toString(), StandardCharsets.UTF_8);
    }

    @Test
    void theLastHourCountsEachMessageInItsCreationMinuteByItsStatusNow() {
        Map<String, Long> expected = new TreeMap<>();
        for (JsonNode m : failed) {
            expected.merge(Instant.parse(m.get("createdAt").asText()).truncatedTo(ChronoUnit.MINUTES).toString(), 1L, Long::sum);
        }
        Http.Response r = timeline("");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("bucketSeconds").asInt()).isEqualTo(60);
        assertThat(body.get("totals").get("failed").asLong()).isEqualTo(3);
        assertThat(body.get("totals").get("delivered").asLong()).isZero();
        Map<String, Long> actual = new TreeMap<>();
        for (JsonNode b : body.get("buckets")) {
            assertThat(b.get("byStatus").size()).as(b.toString()).isEqualTo(1);
            actual.put(Instant.parse(b.get("at").asText()).toString(), b.get("byStatus").get("failed").asLong());
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(actual).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void sinceLeavesOutMessagesCreatedBefore() {
        Instant last = Instant.parse(failed.get(2).get("createdAt").asText());
        JsonNode body = timeline("?since=" + at(last.minusSeconds(60))).json();
        assertThat(body.get("totals").get("failed").asLong()).isEqualTo(1);
        JsonNode none = timeline("?since=" + at(clock.instant().minusMillis(1))).json();
        assertThat(none.get("totals").get("failed").asLong()).isZero();
        assertThat(none.get("buckets").size()).isZero();
    }

    @Test
    void anotherTenantSeesNoneOfThem() {
        server.tenant("Other", "owner@other-timeline.test", "other-password");
        String other = server.login("owner@other-timeline.test", "other-password");
        JsonNode body = http.get("/v1/queues/timeline").bearer(other).send().json();
        assertThat(body.get("totals").get("failed").asLong()).isZero();
        assertThat(body.get("buckets").size()).isZero();
    }

    @Test
    void badSinceValuesAreA400NamingTheParameter() {
        for (String query : List.of("?since=yesterday", "?since=" + at(clock.instant().plusSeconds(3600)),
                "?since=" + at(clock.instant().minus(Duration.ofHours(25))))) {
            Http.Response r = timeline(query);
            assertThat(r.status()).as(query + " " + r.body()).isEqualTo(400);
            assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("since");
        }
    }

    @Test
    void agentsMayNotReadIt() {
        String agent = server.userWithRole(owner, "agent@timeline.test", "agent");
        assertThat(http.get("/v1/queues/timeline").bearer(agent).send().status()).isEqualTo(403);
    }

    @Test
    void theLowestIdSortsBeforeEveryIdMadeFromThatMillisecondOn() {
        Instant t = Instant.parse("2026-03-01T10:15:30.123Z");
        String floor = QueueTimeline.lowestId(t);
        assertThat(dev.parley.core.Ids.looksLike("msg", floor)).isTrue();
        String same = dev.parley.core.Ids.next("msg", java.time.Clock.fixed(t, java.time.ZoneOffset.UTC));
        String before = dev.parley.core.Ids.next("msg", java.time.Clock.fixed(t.minusMillis(1), java.time.ZoneOffset.UTC));
        assertThat(floor.compareTo(same)).isLessThanOrEqualTo(0);
        assertThat(before.compareTo(floor)).isLessThan(0);
    }
}
