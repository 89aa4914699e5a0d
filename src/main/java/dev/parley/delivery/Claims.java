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

    /** Lanes with queued work whose campaign, if any, is running. */
    List<Lane> lanes() {
        return jdbi.withHandle(h -> {
            List<Lane> all = h.createQuery(dialect.distinct("message",
                            List.of("provider_id", "tenant_id", "COALESCE(campaign_id, '-')"), "status = 'queued'"))
                    .map((rs, c) -> new Lane(rs.getString(1), rs.getString(2),
                            Lane.TRANSACTIONAL.equals(rs.getString(3)) ? null : rs.getString(3)))
                    .list();
            List<String> campaigns = all.stream().map(Lane::campaignId).filter(c -> c != null).distinct().toList();
            if (campaigns.isEmpty()) {
                return all;
            }
            java.util.Set<String> running = new java.util.HashSet<>(h.createQuery(
                            "SELECT id FROM campaign WHERE status = 'running' AND id IN (<ids>)")
                    .bindList("ids", campaigns).mapTo(String.class).list());
            return all.stream().filter(l -> l.campaignId() == null || running.contains(l.campaignId())).toList();
        });
    }

    /**
     * The claimed rows whose address is suppressed on their channel for the lane's tenant. Compliance
     * answers (the confirmation of a STOP) are exempt: they go to an address suppressed a moment before.
     */
    java.util.Set<String> suppressed(Lane lane, List<Claimed> claimed) {
        if (claimed.isEmpty()) {
            return java.util.Set.of();
        }
        java.util.Map<String, List<String>> byHash = new java.util.HashMap<>();
        for (Claimed c : claimed) {
            if (c.compliance()) {
                continue;
            }
            byHash.computeIfAbsent(dev.parley.core.Tokens.addressHash(c.channel(), c.to()), k -> new java.util.ArrayList<>()).add(c.id());
        }
        if (byHash.isEmpty()) {
            return java.util.Set.of();
        }
        List<String> hits = jdbi.withHandle(h -> h.createQuery(
                        "SELECT address_hash FROM suppression WHERE tenant_id = :tenant AND address_hash IN (<hashes>)")
                .bind("tenant", lane.tenantId()).bindList("hashes", List.copyOf(byHash.keySet()))
                .mapTo(String.class).list());
        java.util.Set<String> ids = new java.util.HashSet<>();
        hits.forEach(h -> ids.addAll(byHash.getOrDefault(h, List.of())));
        return ids;
    }

    List<Claimed> claim(Lane lane, int n, int maxPriority, String node, Instant now, Duration lease) {
        return claim(lane, n, maxPriority, node, now, lease, false);
    }

    /**
     * @param onlyWithFallbacks take only rows that have a provider to fail over to: the claim that moves
     *                          rows away from a provider whose circuit is open or which was disabled
     */
    List<Claimed> claim(Lane lane, int n, int maxPriority, String node, Instant now, Duration lease,
                        boolean onlyWithFallbacks) {
        if (n <= 0) {
            return List.of();
        }
        // Two statements: lock the lane's next rows (skipping rows other nodes hold), then lease exactly those.
        // H2 evaluates an `id IN (SELECT … LIMIT n)` inside an UPDATE row by row, so the one-statement form
        // costs it a scan per claimed row; PostgreSQL pays one more round trip per batch.
        String pick = """
                SELECT id FROM message
                WHERE status = 'queued' AND provider_id = :provider AND tenant_id = :tenant
                  AND COALESCE(campaign_id, '-') = :campaign AND priority <= :prio <routable>
                  AND (window_closes_at IS NULL OR window_closes_at > :now)
                  AND (campaign_id IS NULL
                       OR EXISTS (SELECT 1 FROM campaign c WHERE c.id = message.campaign_id AND c.status = 'running'))
                ORDER BY priority, due_at LIMIT :n FOR UPDATE SKIP LOCKED""";
        String take = """
                UPDATE message t SET status = 'sending', lease_owner = :node, lease_until = :until, attempt = attempt + 1,
                       updated_at = :now
                WHERE id IN (<ids>) AND status = 'queued'""";
        return jdbi.inTransaction(h -> {
            List<String> ids = h.createQuery(pick)
                    .bind("provider", lane.providerId()).bind("tenant", lane.tenantId()).bind("campaign", lane.campaignKey())
                    .bind("prio", maxPriority).bind("n", n).bind("now", now)
                    .define("routable", onlyWithFallbacks ? "AND fallbacks IS NOT NULL" : "")
                    .mapTo(String.class).list();
            if (ids.isEmpty()) {
                return List.<Claimed>of();
            }
            List<Claimed> claimed = h.createQuery(dialect.updateReturning(take, Claimed.COLUMNS))
                    .bind("node", node).bind("until", now.plus(lease)).bind("now", now)
                    .bindList("ids", ids)
                    .map((rs, c) -> Claimed.map(rs)).list();
            List<EventRow> events = new ArrayList<>(claimed.size());
            for (Claimed c : claimed) {
                events.add(new EventRow(c.id(), c.tenantId(), now, "claimed", "queued", "sending", c.attempt(),
                        c.providerId(), node, c.campaignId()));
            }
            Events.insert(h, dialect, events);
            return claimed;
        });
    }
}
