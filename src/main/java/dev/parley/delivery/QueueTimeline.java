package dev.parley.delivery;

import dev.parley.core.Failure;
import dev.parley.core.Ids;
import dev.parley.core.Principal;
import dev.parley.core.Role;
import dev.parley.db.TenantHandle;
import dev.parley.http.Access;
import dev.parley.http.Api;
import dev.parley.http.Queries;
import dev.parley.http.Replies;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET /v1/queues/timeline}: the tenant's messages created since a moment (at most a day back),
 * counted by their status now, in total and per minute of creation — what the dashboard's overview
 * draws. A reader could get wrong that a bucket counts messages by the minute they were <em>created</em>
 * and the status they are in <em>now</em>, not status changes in that minute; minutes without messages
 * are left out. The scan is bounded by the time-ordered message id on the {@code (tenant_id, id)} index.
 */
public final class QueueTimeline {
    static final Duration DEFAULT_SPAN = Duration.ofHours(1);
    static final Duration LONGEST_SPAN = Duration.ofHours(24);

    private final Jdbi jdbi;
    private final Clock clock;

    public QueueTimeline(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public void register(Api api) {
        api.get("/v1/queues/timeline", Access.role(Role.SUPERVISOR), this::timeline);
    }

    private void timeline(Context ctx, Principal who) {
        Instant now = clock.instant();
        Instant asked = Queries.instant(ctx, "since");
        Instant since = asked == null ? now.minus(DEFAULT_SPAN) : asked;
        if (since.isAfter(now)) {
            throw new Failure.Invalid("since", "invalid", "since must not be in the future");
        }
        if (since.isBefore(now.minus(LONGEST_SPAN))) {
            throw new Failure.Invalid("since", "invalid", "since must be within the last 24 hours");
        }
        Replies.json(ctx, 200, jdbi.withHandle(h -> count(new TenantHandle(h, who.tenantId()), since, now)));
    }

    Map<String, Object> count(TenantHandle h, Instant since, Instant until) {
        Map<String, Long> totals = new LinkedHashMap<>();
        for (MessageStatus s : MessageStatus.values()) {
            totals.put(s.wire(), 0L);
        }
        Map<Instant, Map<String, Long>> minutes = new TreeMap<>();
        h.query("""
                SELECT DATE_TRUNC('minute', created_at) AS bucket, status, COUNT(*) AS n FROM message
                WHERE tenant_id = :tenant AND id >= :fromId AND created_at >= :since AND created_at < :until
                GROUP BY DATE_TRUNC('minute', created_at), status""")
                .bind("fromId", lowestId(since))
                .bind("since", since)
                .bind("until", until)
                .map((rs, c) -> new Row(rs.getTimestamp("bucket").toInstant(), rs.getString("status"), rs.getLong("n")))
                .forEach(r -> {
                    totals.merge(r.status(), r.n(), Long::sum);
                    minutes.computeIfAbsent(r.minute().truncatedTo(ChronoUnit.MINUTES), k -> new LinkedHashMap<>())
                            .merge(r.status(), r.n(), Long::sum);
                });
        List<Map<String, Object>> buckets = new ArrayList<>();
        minutes.forEach((at, byStatus) -> {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("at", at);
            b.put("byStatus", byStatus);
            buckets.add(b);
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("since", since);
        out.put("until", until);
        out.put("bucketSeconds", 60);
        out.put("totals", totals);
        out.put("buckets", buckets);
        return out;
    }

    private record Row(Instant minute, String status, long n) {}

    /** The smallest message id that could have been made at {@code at}: its time part, then all zeros. */
    static String lowestId(Instant at) {
        String any = Ids.next("msg", Clock.fixed(at, java.time.ZoneOffset.UTC));
        int timeEnd = "msg_".length() + 10;
        return any.substring(0, timeEnd) + "0".repeat(any.length() - timeEnd);
    }
}
