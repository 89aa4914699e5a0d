package dev.parley.delivery;

import dev.parley.db.Dialect;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * The claim (SPEC §4): one statement takes up to {@code n} queued rows of a lane under this node's lease
 * ({@code FOR UPDATE SKIP LOCKED}, so nodes never wait on each other or take the same row), and one more
 * records their events. Transactional rows (priority 0) come before campaign rows, oldest first.
 */
final class Claims {
    private final Jdbi jdbi;
    private final Dialect dialect;

    Claims(Jdbi jdbi, Dialect dialect) {
        this.jdbi = jdbi;
        this.dialect = dialect;
    }

    /** Lanes with queued work. */
    List<Lane> lanes() {
        return jdbi.withHandle(h -> h.createQuery(dialect.distinctPairs("message", "provider_id", "tenant_id", "status = 'queued'"))
                .map((rs, c) -> new Lane(rs.getString(1), rs.getString(2))).list());
    }

    List<Claimed> claim(Lane lane, int n, int maxPriority, String node, Instant now, Duration lease) {
        if (n <= 0) {
            return List.of();
        }
        String update = """
                UPDATE message t SET status = 'sending', lease_owner = :node, lease_until = :until, attempt = attempt + 1,
                       updated_at = :now
                WHERE id IN (SELECT id FROM message
                             WHERE status = 'queued' AND provider_id = :provider AND tenant_id = :tenant AND priority <= :prio
                             ORDER BY priority, due_at LIMIT :n FOR UPDATE SKIP LOCKED)""";
        return jdbi.inTransaction(h -> {
            List<Claimed> claimed = h.createQuery(dialect.updateReturning(update, Claimed.COLUMNS))
                    .bind("node", node).bind("until", now.plus(lease)).bind("now", now)
                    .bind("provider", lane.providerId()).bind("tenant", lane.tenantId()).bind("prio", maxPriority)
                    .bind("n", n)
                    .map((rs, c) -> Claimed.map(rs)).list();
            List<EventRow> events = new ArrayList<>(claimed.size());
            for (Claimed c : claimed) {
                events.add(new EventRow(c.id(), c.tenantId(), now, "claimed", "queued", "sending", c.attempt(),
                        c.providerId(), node));
            }
            Events.insert(h, dialect, events);
            return claimed;
        });
    }
}
