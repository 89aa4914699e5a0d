package dev.parley.db;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.Update;

/**
 * A Jdbi handle fixed to one tenant: every statement it makes has {@code :tenant} already bound.
 * Jdbi rejects a statement with an unused binding, so SQL that forgets {@code tenant_id = :tenant}
 * fails on its first run instead of reading another tenant's rows. Code that works on tenant-owned
 * tables takes one of these, never a bare {@link Handle}.
 */
public final class TenantHandle {
    private final Handle handle;
    private final String tenantId;

    public TenantHandle(Handle handle, String tenantId) {
        if (tenantId == null || tenantId.isBlank()) {
            throw new IllegalArgumentException("a tenant handle needs a tenant");
        }
        this.handle = handle;
        this.tenantId = tenantId;
    }

    public Query query(String sql) {
        return handle.createQuery(sql).bind("tenant", tenantId);
    }

    public Update update(String sql) {
        return handle.createUpdate(sql).bind("tenant", tenantId);
    }

    public String tenantId() {
        return tenantId;
    }

    /** The raw handle, for statements on tables no tenant owns. */
    public Handle raw() {
        return handle;
    }
}
