package dev.parley.tenancy;

import dev.parley.core.Ids;
import dev.parley.core.Json;
import dev.parley.http.Pages;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The audit trail (SPEC §2): who did what, when and from where. Events are written in the same
 * transaction as the change they describe when there is one; a failed login has none.
 */
public final class AuditLog {
    private final Jdbi jdbi;
    private final Clock clock;

    public AuditLog(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Who acted and from where. {@code actorLabel} is an email or key name, for readers of the log. */
    public record Actor(String actorId, String actorLabel, String address, String requestId) {
        public static Actor system(String what) {
            return new Actor(null, what, null, null);
        }
    }

    public record Event(String id, String tenantId, Instant at, String actorId, String actorLabel, String action,
                        String targetType, String targetId, String address, String requestId, Map<String, Object> detail) {}

    public void record(Handle h, String tenantId, Actor actor, String action, String targetType, String targetId,
                       Map<String, ?> detail) {
        h.createUpdate("""
                INSERT INTO audit_event (id, tenant_id, at, actor_id, actor_label, action, target_type, target_id,
                                         address, request_id, detail_json)
                VALUES (:id, :tenant, :at, :actorId, :actorLabel, :action, :targetType, :targetId, :address,
                        :requestId, :detail)""")
                .bind("id", Ids.next("aud", clock))
                .bind("tenant", tenantId)
                .bind("at", clock.instant())
                .bind("actorId", actor.actorId())
                .bind("actorLabel", truncate(actor.actorLabel(), 320))
                .bind("action", action)
                .bind("targetType", targetType)
                .bind("targetId", targetId)
                .bind("address", actor.address())
                .bind("requestId", actor.requestId())
                .bind("detail", truncate(Json.write(detail), 4000))
                .execute();
    }

    public void record(String tenantId, Actor actor, String action, String targetType, String targetId, Map<String, ?> detail) {
        jdbi.useHandle(h -> record(h, tenantId, actor, action, targetType, targetId, detail));
    }

    @SuppressWarnings("unchecked")
    public List<Event> list(String tenantId, Pages.Request page) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT id, tenant_id, at, actor_id, actor_label, action, target_type, target_id, address, request_id, detail_json
                FROM audit_event
                WHERE tenant_id = :tenant AND (CAST(:before AS VARCHAR) IS NULL OR id < :before)
                ORDER BY id DESC LIMIT :limit""")
                .bind("tenant", tenantId)
                .bind("before", page.before())
                .bind("limit", page.limit() + 1)
                .map((rs, ctx) -> {
                    Map<String, Object> detail;
                    try {
                        detail = Json.mapper().readValue(rs.getString("detail_json"), Map.class);
                    } catch (Exception e) {
                        detail = Map.of();
                    }
                    return new Event(rs.getString("id"), rs.getString("tenant_id"), rs.getTimestamp("at").toInstant(),
                            rs.getString("actor_id"), rs.getString("actor_label"), rs.getString("action"),
                            rs.getString("target_type"), rs.getString("target_id"), rs.getString("address"),
                            rs.getString("request_id"), detail);
                })
                .list());
    }

    /** Ages out the tenant's audit events older than {@code auditDays}. */
    public Expiry expiry() {
        return (th, retention, now) -> retention.auditDays() == null ? 0
                : th.update("DELETE FROM audit_event WHERE tenant_id = :tenant AND at < :cutoff")
                        .bind("cutoff", now.minus(java.time.Duration.ofDays(retention.auditDays()))).execute();
    }

    /**
     * Scrubs a person's addresses out of the tenant's audit details and labels (erasure): every
     * occurrence of each value becomes {@code [erased]}. Matching is on the stored JSON text.
     */
    public PersonalData personalData() {
        return new PersonalData() {
            @Override
            public String section() {
                return "auditEvents";
            }

            @Override
            public Object export(dev.parley.db.TenantHandle th, Subject subject) {
                return List.of();
            }

            @Override
            public int erase(dev.parley.db.TenantHandle th, Subject subject) {
                int n = 0;
                for (String value : java.util.Arrays.asList(subject.phone(), subject.email())) {
                    if (value == null) {
                        continue;
                    }
                    String jsonValue = Json.write(value);
                    String inner = jsonValue.substring(1, jsonValue.length() - 1);
                    n += th.update("""
                            UPDATE audit_event SET detail_json = REPLACE(detail_json, :value, '[erased]'),
                                   actor_label = REPLACE(actor_label, :plain, '[erased]')
                            WHERE tenant_id = :tenant AND (detail_json LIKE :pattern ESCAPE '!' OR actor_label = :plain)""")
                            .bind("value", inner).bind("plain", value)
                            .bind("pattern", "%" + dev.parley.db.LikePatterns.escape(inner) + "%")
                            .execute();
                }
                return n;
            }
        };
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
