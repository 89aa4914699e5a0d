package dev.parley.tenancy;

import dev.parley.db.TenantHandle;
import java.time.Instant;

/**
 * One kind of data a tenant's retention settings age out (imports, audit events; later messages and
 * inbound). The {@link RetentionJob} calls every registered expiry for every tenant.
 */
public interface Expiry {
    /** Deletes or anonymises rows older than the tenant's setting for this kind; returns the rows touched. */
    int purge(TenantHandle th, TenantSettings.Retention retention, Instant now);
}
