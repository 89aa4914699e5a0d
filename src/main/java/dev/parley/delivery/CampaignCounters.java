package dev.parley.delivery;

import dev.parley.db.Dialect;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.jdbi.v3.core.Handle;

/**
 * A campaign's progress counters ({@code campaign_counter}): every status change of a campaign's message
 * adds −1 to the state it left and +1 to the state it entered, in the transaction of the change, so the
 * sum per state always equals a count of the rows. Engagements add to their own counters once per message.
 *
 * <p>What a reader could get wrong: a counter row is not a total. Each transaction adds its deltas to one
 * of {@link #SHARDS} rows chosen at random (concurrent settles rarely wait on one row), in key order (so
 * two of them never lock the same rows in opposite orders); the total is the sum over the shards.
 */
public final class CampaignCounters {
    public static final int SHARDS = 16;
    /** The counter that holds the estimated cost of the expanded rows, in millionths of the price's currency. */
    public static final String COST = "$cost";
    static final long PACE_BUCKET_SECONDS = 10;

    private CampaignCounters() {}

    /** Adds {@code deltas} (campaign id → status → delta) to the counters, in the caller's transaction. */
    public static void add(Handle h, Dialect dialect, Map<String, Map<String, Long>> deltas) {
        List<String> campaigns = new ArrayList<>();
        List<String> statuses = new ArrayList<>();
        List<Long> amounts = new ArrayList<>();
        new TreeMap<>(deltas).forEach((campaign, byStatus) -> new TreeMap<>(byStatus).forEach((status, n) -> {
            if (n != 0) {
                campaigns.add(campaign);
                statuses.add(status);
                amounts.add(n);
            }
        }));
        if (campaigns.isEmpty()) {
            return;
        }
        String select = "SELECT cid, '-', 0, CAST(:shard AS SMALLINT), st, dn FROM "
                + dialect.arrayTable("v", "cid:varchar", "st:varchar", "dn:bigint");
        h.createUpdate(dialect.insertOrAdd("campaign_counter", List.of("campaign_id", "variant", "step", "shard", "status"),
                        "n", select))
                .bind("shard", ThreadLocalRandom.current().nextInt(SHARDS))
                .bindArray("cid", String.class, campaigns.toArray())
                .bindArray("st", String.class, statuses.toArray())
                .bindArray("dn", Long.class, amounts.toArray())
                .execute();
    }

    /** Adds {@code n} messages accepted by providers at {@code at} to the campaign's pace (its last minute's rate). */
    static void pace(Handle h, Dialect dialect, Map<String, Long> acceptedByCampaign, Instant at) {
        if (acceptedByCampaign.isEmpty()) {
            return;
        }
        Instant bucket = Instant.ofEpochSecond(at.getEpochSecond() / PACE_BUCKET_SECONDS * PACE_BUCKET_SECONDS);
        Map<String, Long> sorted = new TreeMap<>(acceptedByCampaign);
        String select = "SELECT cid, CAST(:bucket AS TIMESTAMP WITH TIME ZONE), dn FROM "
                + dialect.arrayTable("v", "cid:varchar", "dn:bigint");
        h.createUpdate(dialect.insertOrAdd("campaign_pace", List.of("campaign_id", "bucket"), "n", select))
                .bind("bucket", bucket)
                .bindArray("cid", String.class, sorted.keySet().toArray())
                .bindArray("dn", Long.class, sorted.values().toArray())
                .execute();
    }

    /** The counter deltas of a batch of events: each campaign row's change leaves one state and enters another. */
    static void record(Handle h, Dialect dialect, List<EventRow> rows) {
        Map<String, Map<String, Long>> deltas = new TreeMap<>();
        Map<String, Long> accepted = new TreeMap<>();
        Instant at = null;
        for (EventRow e : rows) {
            if (e.campaignId() == null || e.toStatus() == null || e.toStatus().equals(e.fromStatus())) {
                continue;
            }
            Map<String, Long> c = deltas.computeIfAbsent(e.campaignId(), k -> new TreeMap<>());
            if (e.fromStatus() != null) {
                c.merge(e.fromStatus(), -1L, Long::sum);
            }
            c.merge(e.toStatus(), 1L, Long::sum);
            if (e.toStatus().equals("sent")) {
                accepted.merge(e.campaignId(), 1L, Long::sum);
                at = e.at();
            }
        }
        add(h, dialect, deltas);
        if (at != null) {
            pace(h, dialect, accepted, at);
        }
    }
}
