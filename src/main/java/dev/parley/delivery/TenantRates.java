package dev.parley.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/** Each tenant's send rate limit (set by an operator), read at most every few seconds per tenant. */
public final class TenantRates {
    private static final Duration RECHECK = Duration.ofSeconds(2);
    private final Jdbi jdbi;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public TenantRates(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    private record Cached(Double rate, Instant at) {}

    /** Messages per second, or null for no tenant limit. */
    public Double rateOf(String tenantId) {
        Instant now = clock.instant();
        Cached c = cache.get(tenantId);
        if (c != null && c.at().plus(RECHECK).isAfter(now)) {
            return c.rate();
        }
        Double rate = jdbi.withHandle(h -> h.createQuery("SELECT send_rate_per_second FROM tenant WHERE id = :id")
                .bind("id", tenantId).map((rs, ctx) -> {
                    double v = rs.getDouble(1);
                    return new Double[] {rs.wasNull() ? null : v};
                }).findOne().map(a -> a[0]).orElse(null));
        cache.put(tenantId, new Cached(rate, now));
        return rate;
    }
}
