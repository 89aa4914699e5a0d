package dev.parley.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Each campaign's own send rate limit ({@code ratePerSecond}), on top of its provider's and tenant's,
 * read at most every few seconds per campaign.
 */
final class CampaignRates {
    private static final Duration RECHECK = Duration.ofSeconds(2);
    private final Jdbi jdbi;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    CampaignRates(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    private record Cached(Double rate, Instant at) {}

    /** Messages per second, or null for no campaign limit (and for transactional messages). */
    Double rateOf(String campaignId) {
        if (campaignId == null) {
            return null;
        }
        Instant now = clock.instant();
        Cached c = cache.get(campaignId);
        if (c != null && c.at().plus(RECHECK).isAfter(now)) {
            return c.rate();
        }
        Double rate = jdbi.withHandle(h -> h.createQuery("SELECT rate_per_second FROM campaign WHERE id = :id")
                .bind("id", campaignId).map((rs, ctx) -> {
                    double v = rs.getDouble(1);
                    return new Double[] {rs.wasNull() ? null : v};
                }).findOne().map(a -> a[0]).orElse(null));
        cache.put(campaignId, new Cached(rate, now));
        return rate;
    }
}
