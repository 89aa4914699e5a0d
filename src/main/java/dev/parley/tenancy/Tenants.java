package dev.parley.tenancy;

import dev.parley.core.Failure;
import dev.parley.core.Ids;
import dev.parley.core.Role;
import dev.parley.db.TenantHandle;
import dev.parley.http.Pages;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * Tenants: creating one makes its first owner and an owner API key in the same transaction, so a
 * tenant never exists without someone who can use it.
 */
public final class Tenants {
    private final Jdbi jdbi;
    private final Clock clock;
    private final Users users;
    private final ApiKeys apiKeys;
    private final AuditLog audit;

    public Tenants(Jdbi jdbi, Clock clock, Users users, ApiKeys apiKeys, AuditLog audit) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.users = users;
        this.apiKeys = apiKeys;
        this.audit = audit;
    }

    /** What creating a tenant hands back, once: {@code adminPassword} only when Parley generated it. */
    public record Created(String tenantId, String name, String adminUserId, String adminEmail, String apiKey,
                          String adminPassword) {}

    public Created create(String name, String adminEmail, String adminPassword, AuditLog.Actor actor) {
        String password = adminPassword == null ? PasswordHasher.generate() : adminPassword;
        return jdbi.inTransaction(h -> {
            String tenantId = Ids.next("tnt", clock);
            Instant now = clock.instant();
            h.createUpdate("INSERT INTO tenant (id, name, created_at, updated_at) VALUES (:id, :name, :now, :now)")
                    .bind("id", tenantId).bind("name", name).bind("now", now).execute();
            User owner = users.insert(h, tenantId, adminEmail, null, Role.OWNER.wire(), password);
            TenantHandle th = new TenantHandle(h, tenantId);
            ApiKeys.Created key = apiKeys.create(th, "initial owner key", Role.OWNER, owner.id(), actor);
            audit.record(h, tenantId, actor, "tenant.created", "tenant", tenantId, Map.of("name", name, "adminEmail", owner.email()));
            return new Created(tenantId, name, owner.id(), owner.email(), key.key(), adminPassword == null ? password : null);
        });
    }

    public Tenant get(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, name, status, created_at, updated_at FROM tenant WHERE id = :id")
                .bind("id", id).map((rs, c) -> map(rs)).findOne())
                .orElseThrow(() -> new Failure.NotFound("tenant"));
    }

    public List<Tenant> list(Pages.Request page) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT id, name, status, created_at, updated_at FROM tenant
                WHERE CAST(:before AS VARCHAR) IS NULL OR id < :before ORDER BY id DESC LIMIT :limit""")
                .bind("before", page.before()).bind("limit", page.limit() + 1)
                .map((rs, c) -> map(rs)).list());
    }

    /** Renames or suspends/reactivates a tenant. A suspended tenant's credentials are refused. */
    public Tenant update(String id, String name, String status, AuditLog.Actor actor) {
        return jdbi.inTransaction(h -> {
            Tenant current = h.createQuery("SELECT id, name, status, created_at, updated_at FROM tenant WHERE id = :id FOR UPDATE")
                    .bind("id", id).map((rs, c) -> map(rs)).findOne()
                    .orElseThrow(() -> new Failure.NotFound("tenant"));
            Map<String, Object> changed = new LinkedHashMap<>();
            if (name != null && !name.equals(current.name())) {
                changed.put("name", name);
            }
            if (status != null && !status.equals(current.status())) {
                changed.put("status", status);
            }
            if (changed.isEmpty()) {
                return current;
            }
            h.createUpdate("UPDATE tenant SET name = :name, status = :status, updated_at = :now WHERE id = :id")
                    .bind("name", name == null ? current.name() : name)
                    .bind("status", status == null ? current.status() : status)
                    .bind("now", clock.instant()).bind("id", id).execute();
            String action = !changed.containsKey("status") ? "tenant.updated"
                    : "suspended".equals(status) ? "tenant.suspended" : "tenant.reactivated";
            audit.record(h, id, actor, action, "tenant", id, changed);
            return h.createQuery("SELECT id, name, status, created_at, updated_at FROM tenant WHERE id = :id")
                    .bind("id", id).map((rs, c) -> map(rs)).one();
        });
    }

    private static Tenant map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Tenant(rs.getString("id"), rs.getString("name"), rs.getString("status"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
