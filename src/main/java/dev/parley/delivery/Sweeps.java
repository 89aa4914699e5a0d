package dev.parley.delivery;

import dev.parley.db.Dialect;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The set-based sweeps that move rows no send is working on: due {@code scheduled} rows to {@code queued}
 * (or {@code expired}), rows whose lease ran out by their guarantee, and waiting rows past {@code validUntil}.
 */
final class Sweeps {
    private final Jdbi jdbi;
    private final Dialect dialect;

    Sweeps(Jdbi jdbi, Dialect dialect) {
        this.jdbi = jdbi;
        this.dialect = dialect;
    }

    private record Moved(String id, String tenantId, String status, Integer attempt, String providerId, String campaignId) {}

    /** What a promotion did: how many rows moved, and the lanes that now have queued work. */
    record Promoted(int moved, java.util.Set<Lane> lanes) {}

    /** Queues up to {@code limit} due scheduled rows (expires those past validUntil). */
    Promoted promoteDue(Instant now, int limit) {
        String update = """
                UPDATE message t SET status = CASE WHEN valid_until IS NOT NULL AND valid_until <= :now THEN 'expired'
                                                   ELSE 'queued' END, updated_at = :now
                WHERE id IN (SELECT id FROM message WHERE status = 'scheduled' AND due_at <= :now
                             ORDER BY due_at LIMIT :n FOR UPDATE SKIP LOCKED)""";
        java.util.Set<Lane> lanes = new java.util.HashSet<>();
        int moved = move(update, "scheduled", "due", now, limit, lanes);
        return new Promoted(moved, lanes);
    }

    /** Settles up to {@code limit} rows whose lease expired: at-most-once → unknown, at-least-once → queued. */
    int reapExpiredLeases(Instant now, int limit) {
        String update = """
                UPDATE message t SET status = CASE WHEN guarantee = 'atMostOnce' THEN 'unknown'
                                                   WHEN attempt >= max_attempts THEN 'failed' ELSE 'queued' END,
                       last_error = 'the lease of the node sending it expired; the attempt may or may not have reached the provider',
                       lease_owner = NULL, lease_until = NULL, updated_at = :now
                WHERE id IN (SELECT id FROM message WHERE status = 'sending' AND lease_until < :now
                             ORDER BY lease_until LIMIT :n FOR UPDATE SKIP LOCKED)""";
        return move(update, "sending", "lease_expired", now, limit, new java.util.HashSet<>());
    }

    /** Expires up to {@code limit} queued rows whose validUntil passed while they waited. */
    int expireWaiting(Instant now, int limit) {
        String update = """
                UPDATE message t SET status = 'expired', updated_at = :now
                WHERE id IN (SELECT id FROM message WHERE status = 'queued' AND valid_until IS NOT NULL AND valid_until <= :now
                             LIMIT :n FOR UPDATE SKIP LOCKED)""";
        return move(update, "queued", "expired", now, limit, new java.util.HashSet<>());
    }

    private int move(String update, String from, String eventType, Instant now, int limit, java.util.Set<Lane> queuedLanes) {
        return jdbi.inTransaction(h -> {
            List<Moved> moved = h.createQuery(dialect.updateReturning(update,
                            "t.id, t.tenant_id, t.status, t.attempt, t.provider_id, t.campaign_id"))
                    .bind("now", now).bind("n", limit)
                    .map((rs, c) -> new Moved(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                            rs.getString(6)))
                    .list();
            List<EventRow> events = new ArrayList<>(moved.size());
            for (Moved m : moved) {
                if (m.status().equals("queued")) {
                    queuedLanes.add(new Lane(m.providerId(), m.tenantId(), m.campaignId()));
                }
                String type = eventType.equals("due") ? (m.status().equals("expired") ? "expired" : "due") : eventType;
                events.add(new EventRow(m.id(), m.tenantId(), now, type, from, m.status(), m.attempt(), m.providerId(), null,
                        m.campaignId()));
            }
            Events.insert(h, dialect, events);
            return moved.size();
        });
    }

    /** The earliest due time among scheduled rows, if any. */
    Optional<Instant> nextDue() {
        return jdbi.withHandle(h -> h.createQuery("SELECT MIN(due_at) FROM message WHERE status = 'scheduled'")
                .map((rs, c) -> {
                    java.sql.Timestamp t = rs.getTimestamp(1);
                    return t == null ? null : t.toInstant();
                }).findOne());
    }

    /**
     * Pushes the lease deadline of this node's rows still being worked on to {@code now + lease}, for those
     * whose lease ends within {@code renewWithin} (rows claimed or renewed a moment ago are left alone).
     */
    int extendLeases(String node, Instant now, Duration lease, Duration renewWithin) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE message SET lease_until = :until WHERE "
                        + dialect.unlockedRows("message", "status = 'sending' AND lease_owner = :node AND lease_until < :soon"))
                .bind("until", now.plus(lease)).bind("node", node).bind("soon", now.plus(renewWithin)).execute());
    }
}
