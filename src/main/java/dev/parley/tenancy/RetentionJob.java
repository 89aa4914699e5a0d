package dev.parley.tenancy;

import dev.parley.db.TenantHandle;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clean-up job of SPEC §3 retention settings: for each tenant, every registered {@link Expiry}
 * deletes or anonymises what is older than the tenant allows. Runs from housekeeping; tests call
 * {@link #runOnce()} after moving the clock. Each tenant is its own transaction, so one failing tenant
 * does not hold back the others.
 */
public final class RetentionJob {
    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

    private final Jdbi jdbi;
    private final Clock clock;
    private final TenantSettings settings;
    private final List<Expiry> expiries;

    public RetentionJob(Jdbi jdbi, Clock clock, TenantSettings settings, List<Expiry> expiries) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.settings = settings;
        this.expiries = List.copyOf(expiries);
    }

    /** One pass over every tenant; returns the rows touched. */
    public int runOnce() {
        Instant now = clock.instant();
        List<String> tenants = jdbi.withHandle(h -> h.createQuery("SELECT id FROM tenant ORDER BY id").mapTo(String.class).list());
        int touched = 0;
        for (String tenantId : tenants) {
            try {
                touched += jdbi.inTransaction(h -> {
                    TenantHandle th = new TenantHandle(h, tenantId);
                    TenantSettings.Retention retention = settings.get(th).retention();
                    int n = 0;
                    for (Expiry expiry : expiries) {
                        n += expiry.purge(th, retention, now);
                    }
                    return n;
                });
            } catch (RuntimeException e) {
                log.warn("Retention clean-up failed for tenant {}; will try again", tenantId, e);
            }
        }
        return touched;
    }
}
