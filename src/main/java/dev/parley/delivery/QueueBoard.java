package dev.parley.delivery;

import dev.parley.db.TenantHandle;
import dev.parley.providers.ProviderRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code GET /v1/queues} shows a tenant: its messages by state, lag, rate, circuits and recent failures. */
public final class QueueBoard {
    private final Clock clock;
    private final Nodes nodes;
    private final ProviderRegistry providers;

    public QueueBoard(Clock clock, Nodes nodes, ProviderRegistry providers) {
        this.clock = clock;
        this.nodes = nodes;
        this.providers = providers;
    }

    public Map<String, Object> board(TenantHandle h) {
        Instant now = clock.instant();
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Long> byStatus = new LinkedHashMap<>();
        for (MessageStatus s : MessageStatus.values()) {
            byStatus.put(s.wire(), 0L);
        }
        Map<String, Map<String, Long>> byChannel = new LinkedHashMap<>();
        Map<String, Map<String, Long>> byProvider = new LinkedHashMap<>();
        h.query("SELECT status, channel, provider_id, COUNT(*) AS n FROM message WHERE tenant_id = :tenant GROUP BY status, channel, provider_id")
                .map((rs, c) -> new Object[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)})
                .forEach(r -> {
                    long n = (Long) r[3];
                    byStatus.merge((String) r[0], n, Long::sum);
                    byChannel.computeIfAbsent((String) r[1], k -> new LinkedHashMap<>()).merge((String) r[0], n, Long::sum);
                    byProvider.computeIfAbsent((String) r[2], k -> new LinkedHashMap<>()).merge((String) r[0], n, Long::sum);
                });
        out.put("byStatus", byStatus);
        out.put("byChannel", byChannel);
        out.put("byProvider", byProvider);
        out.put("inFlight", byStatus.get("sending"));
        Instant oldest = h.query("SELECT MIN(due_at) FROM message WHERE tenant_id = :tenant AND status = 'queued'")
                .map((rs, c) -> rs.getTimestamp(1) == null ? null : new Instant[] {rs.getTimestamp(1).toInstant()})
                .findOne().map(a -> a == null ? null : a[0]).orElse(null);
        out.put("oldestDueAgeSeconds", oldest == null ? 0 : Math.max(0, Duration.between(oldest, now).toMillis() / 1000.0));
        long lastMinute = h.query("SELECT COUNT(*) FROM message WHERE tenant_id = :tenant AND sent_at >= :since")
                .bind("since", now.minusSeconds(60)).mapTo(Long.class).one();
        out.put("sendRatePerSecond", lastMinute / 60.0);
        List<Map<String, Object>> circuits = new ArrayList<>();
        for (ProviderRegistry.Live live : providers.loaded()) {
            if (live.row().tenantId().equals(h.tenantId())) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("providerId", live.row().id());
                c.put("name", live.row().name());
                c.putAll(live.breaker().snapshot());
                circuits.add(c);
            }
        }
        out.put("circuits", circuits);
        out.put("recentFailures", h.query("""
                SELECT id, status, channel, provider_id, last_error, updated_at FROM message
                WHERE tenant_id = :tenant AND status IN ('failed', 'unknown', 'undelivered') ORDER BY updated_at DESC LIMIT 20""")
                .map((rs, c) -> {
                    Map<String, Object> f = new LinkedHashMap<>();
                    f.put("id", rs.getString("id"));
                    f.put("status", rs.getString("status"));
                    f.put("channel", rs.getString("channel"));
                    f.put("providerId", rs.getString("provider_id"));
                    f.put("reason", rs.getString("last_error"));
                    f.put("at", rs.getTimestamp("updated_at").toInstant());
                    return f;
                }).list());
        out.put("nodes", nodes.alive());
        return out;
    }

    /**
     * The operators' view ({@code GET /v1/operator/queues}): the waiting and in-flight messages of every
     * tenant by state, each tenant's oldest due age, and the live nodes. Only the active states are
     * counted, which the partial indexes of the claim, scheduler and reaper serve on PostgreSQL.
     */
    public Map<String, Object> platform(org.jdbi.v3.core.Handle h) {
        Instant now = clock.instant();
        Map<String, Map<String, Object>> byTenant = new LinkedHashMap<>();
        h.createQuery("""
                SELECT m.tenant_id, t.name, m.status, COUNT(*) AS n, MIN(m.due_at) AS oldest
                FROM message m JOIN tenant t ON t.id = m.tenant_id
                WHERE m.status IN ('scheduled', 'queued', 'sending')
                GROUP BY m.tenant_id, t.name, m.status ORDER BY m.tenant_id""")
                .map((rs, c) -> new Object[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getTimestamp(5)})
                .forEach(r -> {
                    Map<String, Object> t = byTenant.computeIfAbsent((String) r[0], id -> {
                        Map<String, Object> fresh = new LinkedHashMap<>();
                        fresh.put("tenantId", id);
                        fresh.put("name", r[1]);
                        fresh.put("scheduled", 0L);
                        fresh.put("queued", 0L);
                        fresh.put("sending", 0L);
                        fresh.put("oldestDueAgeSeconds", 0.0);
                        return fresh;
                    });
                    t.put((String) r[2], r[3]);
                    if ("queued".equals(r[2]) && r[4] != null) {
                        t.put("oldestDueAgeSeconds",
                                Math.max(0, Duration.between(((java.sql.Timestamp) r[4]).toInstant(), now).toMillis() / 1000.0));
                    }
                });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tenants", new ArrayList<>(byTenant.values()));
        out.put("nodes", nodes.alive());
        return out;
    }
}
