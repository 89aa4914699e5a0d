package dev.parley.delivery;

import dev.parley.db.Dialect;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /** Whose counters: a campaign's, for one A/B variant ({@code null}: none) and one step (0 the first message). */
    public record Key(String campaignId, String variant, int step) implements Comparable<Key> {
        private static final java.util.Comparator<Key> ORDER = java.util.Comparator.comparing(Key::campaignId)
                .thenComparing(k -> k.variant() == null ? NO_VARIANT : k.variant()).thenComparingInt(Key::step);

        @Override
        public int compareTo(Key other) {
            return ORDER.compare(this, other);
        }
    }

    /** The variant column of counters of messages without an A/B variant. */
    public static final String NO_VARIANT = "-";

    /** Adds {@code deltas} (campaign id → status → delta) to the counters of step 0 without variant, in the caller's transaction. */
    public static void add(Handle h, Dialect dialect, Map<String, Map<String, Long>> deltas) {
        Map<Key, Map<String, Long>> keyed = new TreeMap<>();
        deltas.forEach((campaign, byStatus) -> keyed.put(new Key(campaign, null, 0), byStatus));
        addFor(h, dialect, keyed);
    }

    /** Adds {@code deltas} (key → status → delta) to the counters, in the caller's transaction. */
    public static void addFor(Handle h, Dialect dialect, Map<Key, Map<String, Long>> deltas) {
        List<String> campaigns = new ArrayList<>();
        List<String> variants = new ArrayList<>();
        List<Integer> steps = new ArrayList<>();
        List<String> statuses = new ArrayList<>();
        List<Long> amounts = new ArrayList<>();
        new TreeMap<>(deltas).forEach((key, byStatus) -> new TreeMap<>(byStatus).forEach((status, n) -> {
            if (n != 0) {
                campaigns.add(key.campaignId());
                variants.add(key.variant() == null ? NO_VARIANT : key.variant());
                steps.add(key.step());
                statuses.add(status);
                amounts.add(n);
            }
        }));
        if (campaigns.isEmpty()) {
            return;
        }
        String select = "SELECT cid, var, stp, CAST(:shard AS SMALLINT), st, dn FROM "
                + dialect.arrayTable("v", "cid:varchar", "var:varchar", "stp:int", "st:varchar", "dn:bigint");
        h.createUpdate(dialect.insertOrAdd("campaign_counter", List.of("campaign_id", "variant", "step", "shard", "status"),
                        "n", select))
                .bind("shard", ThreadLocalRandom.current().nextInt(SHARDS))
                .bindArray("cid", String.class, campaigns.toArray())
                .bindArray("var", String.class, variants.toArray())
                .bindArray("stp", Integer.class, steps.toArray())
                .bindArray("st", String.class, statuses.toArray())
                .bindArray("dn", Long.class, amounts.toArray())
                .execute();
    }

    /** As {@link #engagement(Handle, Dialect, String, String, List)}, the dialect read from the handle's connection. */
    public static void engagement(Handle h, String messageId, String counter, List<String> priorTypes) {
        String url;
        try {
            url = h.getConnection().getMetaData().getURL();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("could not read the database URL to count an engagement of " + messageId, e);
        }
        engagement(h, Dialect.fromJdbcUrl(url), messageId, counter, priorTypes);
    }

    /**
     * Counts an engagement ({@code opened}, {@code clicked}, {@code replied}, {@code optedOut}) of a campaign's
     * message with its campaign, variant and step, once per message and counter: {@code priorTypes} are the
     * event types that mean it was counted already. Runs before the caller writes its event; does nothing for
     * a message of no campaign.
     */
    public static void engagement(Handle h, Dialect dialect, String messageId, String counter, List<String> priorTypes) {
        Optional<Key> key = h.createQuery("SELECT campaign_id, variant, step FROM message WHERE id = :id AND campaign_id IS NOT NULL")
                .bind("id", messageId).map((rs, c) -> new Key(rs.getString(1), rs.getString(2), rs.getInt(3))).findOne();
        if (key.isEmpty()) {
            return;
        }
        boolean first = h.createQuery("SELECT COUNT(*) FROM message_event WHERE message_id = :id AND type IN (<kinds>)")
                .bind("id", messageId).bindList("kinds", priorTypes).mapTo(Integer.class).one() == 0;
        if (first) {
            addFor(h, dialect, Map.of(key.get(), Map.of(counter, 1L)));
        }
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

    /**
     * The counter deltas of a batch of events: each campaign row's change leaves one state and enters another.
     * The variant and step come from the message rows themselves (a key lookup each, in the same statement),
     * so no path that changes a status needs to carry them.
     */
    static void record(Handle h, Dialect dialect, List<EventRow> rows) {
        List<String> ids = new ArrayList<>();
        List<String> statuses = new ArrayList<>();
        List<Long> amounts = new ArrayList<>();
        Map<String, Long> accepted = new TreeMap<>();
        Instant at = null;
        for (EventRow e : rows) {
            if (e.campaignId() == null || e.toStatus() == null || e.toStatus().equals(e.fromStatus())) {
                continue;
            }
            if (e.fromStatus() != null) {
                ids.add(e.messageId());
                statuses.add(e.fromStatus());
                amounts.add(-1L);
            }
            ids.add(e.messageId());
            statuses.add(e.toStatus());
            amounts.add(1L);
            if (e.toStatus().equals("sent")) {
                accepted.merge(e.campaignId(), 1L, Long::sum);
                at = e.at();
            }
        }
        if (!ids.isEmpty()) {
            String select = "SELECT m.campaign_id, COALESCE(m.variant, '" + NO_VARIANT + "'), COALESCE(m.step, 0),"
                    + " CAST(:shard AS SMALLINT), v.st, SUM(v.dn) FROM "
                    + dialect.arrayTable("v", "mid:varchar", "st:varchar", "dn:bigint") + " JOIN message m ON m.id = v.mid"
                    + " GROUP BY m.campaign_id, COALESCE(m.variant, '" + NO_VARIANT + "'), COALESCE(m.step, 0), v.st"
                    + " HAVING SUM(v.dn) <> 0 ORDER BY 1, 2, 3, 5";
            h.createUpdate(dialect.insertOrAdd("campaign_counter", List.of("campaign_id", "variant", "step", "shard", "status"),
                            "n", select))
                    .bind("shard", ThreadLocalRandom.current().nextInt(SHARDS))
                    .bindArray("mid", String.class, ids.toArray())
                    .bindArray("st", String.class, statuses.toArray())
                    .bindArray("dn", Long.class, amounts.toArray())
                    .execute();
        }
        if (at != null) {
            pace(h, dialect, accepted, at);
        }
    }
}
