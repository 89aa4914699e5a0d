package dev.parley.tenancy;

import dev.parley.core.Failure;
import dev.parley.core.Ids;
import dev.parley.core.Role;
import dev.parley.core.Tokens;
import dev.parley.db.TenantHandle;
import dev.parley.http.Pages;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * API keys: {@code pk_} and 43 random characters, shown once at creation and stored as SHA-256. A key
 * carries a role no higher than its creator's. {@code lastUsedAt} is written at most once a minute per
 * key, so authenticating a busy key does not turn every request into a write.
 */
public final class ApiKeys {
    public static final String PREFIX = "pk_";
    private static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);

    private final Jdbi jdbi;
    private final Clock clock;
    private final AuditLog audit;

    public ApiKeys(Jdbi jdbi, Clock clock, AuditLog audit) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.audit = audit;
    }

    /** A key as listed: never its secret. */
    public record ApiKey(String id, String name, String role, String prefix, String createdBy, Instant createdAt,
                         Instant lastUsedAt) {}

    /** The create answer: the only time {@code key} is shown. */
    public record Created(String id, String name, String role, String prefix, String key, Instant createdAt) {}

    /** A live key found by its secret. */
    public record Live(String id, String tenantId, String name, Role role, String createdBy, String tenantStatus) {}

    public Created create(TenantHandle h, String name, Role role, String createdBy, AuditLog.Actor actor) {
        String id = Ids.next("key", clock);
        String secret = Tokens.random(PREFIX, 32);
        String prefix = secret.substring(0, 11);
        Instant now = clock.instant();
        h.update("""
                INSERT INTO api_key (id, tenant_id, name, role, prefix, secret_hash, created_by, created_at)
                VALUES (:id, :tenant, :name, :role, :prefix, :hash, :createdBy, :now)""")
                .bind("id", id).bind("name", name).bind("role", role.wire()).bind("prefix", prefix)
                .bind("hash", Tokens.sha256(secret)).bind("createdBy", createdBy).bind("now", now)
                .execute();
        audit.record(h.raw(), h.tenantId(), actor, "api_key.created", "api_key", id, Map.of("name", name, "role", role.wire()));
        return new Created(id, name, role.wire(), prefix, secret, now);
    }

    public List<ApiKey> list(TenantHandle h, Pages.Request page) {
        return h.query("""
                SELECT id, name, role, prefix, created_by, created_at, last_used_at FROM api_key
                WHERE tenant_id = :tenant AND revoked_at IS NULL AND (CAST(:before AS VARCHAR) IS NULL OR id < :before)
                ORDER BY id DESC LIMIT :limit""")
                .bind("before", page.before()).bind("limit", page.limit() + 1)
                .map((rs, ctx) -> {
                    java.sql.Timestamp used = rs.getTimestamp("last_used_at");
                    return new ApiKey(rs.getString("id"), rs.getString("name"), rs.getString("role"), rs.getString("prefix"),
                            rs.getString("created_by"), rs.getTimestamp("created_at").toInstant(),
                            used == null ? null : used.toInstant());
                })
                .list();
    }

    /** Revokes a key; {@code editorRole} must rank at least as high as the key's role. */
    public void revoke(TenantHandle h, String id, Role editorRole, AuditLog.Actor actor) {
        String keyRole = h.query("SELECT role FROM api_key WHERE tenant_id = :tenant AND id = :id AND revoked_at IS NULL")
                .bind("id", id).mapTo(String.class).findOne()
                .orElseThrow(() -> new Failure.NotFound("API key"));
        if (!editorRole.atLeast(Role.parse(keyRole).orElseThrow())) {
            throw new Failure.Forbidden("you cannot revoke a key whose role is above your own");
        }
        int n = h.update("UPDATE api_key SET revoked_at = :now WHERE tenant_id = :tenant AND id = :id AND revoked_at IS NULL")
                .bind("now", clock.instant()).bind("id", id).execute();
        if (n == 0) {
            throw new Failure.NotFound("API key");
        }
        audit.record(h.raw(), h.tenantId(), actor, "api_key.revoked", "api_key", id, Map.of());
    }

    public Optional<Live> find(String secret) {
        Instant now = clock.instant();
        Instant stale = now.minus(LAST_USED_GRANULARITY);
        record Found(Live key, Instant lastUsedAt) {}
        Optional<Found> found = jdbi.withHandle(h -> h.createQuery("""
                SELECT k.id, k.tenant_id, k.name, k.role, k.created_by, k.last_used_at, t.status
                FROM api_key k JOIN tenant t ON t.id = k.tenant_id
                WHERE k.secret_hash = :hash AND k.revoked_at IS NULL""")
                .bind("hash", Tokens.sha256(secret))
                .map((rs, ctx) -> {
                    java.sql.Timestamp used = rs.getTimestamp("last_used_at");
                    return new Found(new Live(rs.getString("id"), rs.getString("tenant_id"), rs.getString("name"),
                            Role.parse(rs.getString("role")).orElseThrow(), rs.getString("created_by"), rs.getString("status")),
                            used == null ? null : used.toInstant());
                })
                .findOne());
        found.filter(f -> f.lastUsedAt() == null || f.lastUsedAt().isBefore(stale))
                .ifPresent(f -> jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE api_key SET last_used_at = :now
                        WHERE id = :id AND (last_used_at IS NULL OR last_used_at < :stale)""")
                        .bind("now", now).bind("id", f.key().id()).bind("stale", stale).execute()));
        return found.map(Found::key);
    }
}
