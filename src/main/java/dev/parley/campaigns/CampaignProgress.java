package dev.parley.campaigns;

import dev.parley.delivery.CampaignCounters;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Reads a campaign's progress from its counters: one grouped sum over at most a few hundred counter rows and
 * one over its last minute's pace, whatever the campaign's size (the point: no scan of its messages).
 */
final class CampaignProgress {
    private static final String[] MESSAGE_STATES = {"scheduled", "queued", "sending", "sent", "delivered", "undelivered",
            "failed", "unknown", "expired", "canceled", "suppressed"};
    static final Duration PACE_WINDOW = Duration.ofSeconds(60);

    private CampaignProgress() {}

    /** The summed counters of a campaign, by status (message states, engagements and {@code $cost}). */
    static Map<String, Long> counters(Handle h, String campaignId) {
        Map<String, Long> sums = new HashMap<>();
        h.createQuery("SELECT status, SUM(n) FROM campaign_counter WHERE campaign_id = :id GROUP BY status")
                .bind("id", campaignId).map((rs, c) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .forEach(e -> sums.put(e.getKey(), e.getValue()));
        return sums;
    }

    /** How many rows the counters count: the sum of the message states. */
    static long rows(Map<String, Long> c) {
        long rows = 0;
        for (String s : MESSAGE_STATES) {
            rows += c.getOrDefault(s, 0L);
        }
        return rows;
    }

    static Progress read(Handle h, CampaignStore.Row row, Instant now) {
        Map<String, Map<String, Long>> byVariant = new TreeMap<>();
        Map<Integer, Map<String, Long>> byStep = new TreeMap<>();
        Map<String, Long> c = new HashMap<>();
        h.createQuery("SELECT variant, step, status, SUM(n) FROM campaign_counter WHERE campaign_id = :id GROUP BY variant, step, status")
                .bind("id", row.id()).map((rs, x) -> new Object[] {rs.getString(1), rs.getInt(2), rs.getString(3), rs.getLong(4)})
                .forEach(r -> {
                    String status = (String) r[2];
                    long n = (Long) r[3];
                    c.merge(status, n, Long::sum);
                    if (!r[0].equals(CampaignCounters.NO_VARIANT)) {
                        byVariant.computeIfAbsent((String) r[0], k -> new HashMap<>()).merge(status, n, Long::sum);
                    }
                    byStep.computeIfAbsent((Integer) r[1], k -> new HashMap<>()).merge(status, n, Long::sum);
                });
        long expanded = rows(c);
        long accepted = h.createQuery("SELECT COALESCE(SUM(n), 0) FROM campaign_pace WHERE campaign_id = :id AND bucket >= :since")
                .bind("id", row.id()).bind("since", now.minus(PACE_WINDOW)).mapTo(Long.class).one();
        double rate = accepted / (double) PACE_WINDOW.toSeconds();
        long total = row.expanded() ? expanded : Math.max(expanded, row.audienceEstimate() == null ? 0 : row.audienceEstimate());
        long open = c.getOrDefault("scheduled", 0L) + c.getOrDefault("queued", 0L) + c.getOrDefault("sending", 0L);
        long remaining = open + (total - expanded);
        Instant eta = rate > 0 && remaining > 0 ? now.plusMillis((long) (remaining / rate * 1000)) : null;
        BigDecimal estimate = BigDecimal.valueOf(c.getOrDefault(CampaignCounters.COST, 0L), 6).stripTrailingZeros();
        List<Progress.Variant> variants = new ArrayList<>();
        List<CampaignInput.Variant> defined = row.definition().variants();
        if (defined != null) {
            defined.forEach(v -> variants.add(Progress.Variant.of(v.name(), byVariant.getOrDefault(v.name(), Map.of()))));
        }
        List<Progress.Step> steps = new ArrayList<>();
        int stepCount = row.definition().steps() == null ? 0 : row.definition().steps().size();
        for (int i = 0; stepCount > 0 && i <= stepCount; i++) {
            steps.add(Progress.Step.of(i, byStep.getOrDefault(i, Map.of())));
        }
        return new Progress(total, expanded, row.expanded(), c.getOrDefault("scheduled", 0L), c.getOrDefault("queued", 0L),
                c.getOrDefault("sending", 0L), c.getOrDefault("sent", 0L), c.getOrDefault("delivered", 0L),
                c.getOrDefault("undelivered", 0L), c.getOrDefault("failed", 0L), c.getOrDefault("unknown", 0L),
                c.getOrDefault("expired", 0L), c.getOrDefault("canceled", 0L), c.getOrDefault("suppressed", 0L),
                c.getOrDefault("opened", 0L), c.getOrDefault("clicked", 0L), c.getOrDefault("replied", 0L),
                c.getOrDefault("optedOut", 0L), rate, eta, estimate,
                row.costActual() == null ? BigDecimal.ZERO : row.costActual().stripTrailingZeros(), row.startedAt(),
                row.completedAt(), variants, steps);
    }
}
