package dev.parley.campaigns;

import dev.parley.db.Dialect;
import dev.parley.db.TenantHandle;
import dev.parley.delivery.CampaignCounters;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Sequences: a campaign's follow-up steps. Step {@code n} falls due for a contact when the contact's message
 * of step {@code n-1} has settled and the step's {@code after} has passed since it was sent; the runner then
 * decides, set-based and in chunks, what happens: {@code created} (the step's message is written through
 * {@link Expansion#write}), {@code skipped} (the condition does not hold, the previous message was suppressed
 * or canceled, or there is no address on the step's channel) or {@code stopped} (a reply and
 * {@code stopOnReply}). The decision is a {@code campaign_step_state} row whose key, like the message's
 * {@code (campaign_id, contact_id, step)}, makes it once per contact and step; a chunk is one transaction
 * holding the campaign row's lock, so two nodes never decide the same chunk.
 *
 * <p>What a reader could get wrong: conditions are read from the previous step's message when the step falls
 * due, not later: a message delivered after that moment was "not delivered" for the step. {@code sent} (a
 * provider accepted it, no receipt says otherwise) counts as delivered; {@code notDelivered} means
 * {@code undelivered}, {@code failed}, {@code expired} or {@code unknown}. A reply is an inbound message from
 * the contact received after the previous step's message fell due (for {@code stopOnReply}: after the
 * campaign's first message fell due); due, not sent, because a quick reply can arrive before the send's
 * answer is read and its time written.
 */
final class Sequence {
    static final int MAX_STEPS = 10;
    static final Duration MAX_WAIT = Duration.ofDays(90);
    static final List<String> CONDITIONS = List.of("always", "notReplied", "notDelivered", "clicked", "notClicked");
    static final int CHUNK = 5_000;
    private static final String SETTLED = "('sent', 'delivered', 'undelivered', 'failed', 'unknown', 'expired')";
    private static final String NEVER_SENT = "('suppressed', 'canceled')";

    private final Jdbi jdbi;
    private final Dialect dialect;
    private final Clock clock;
    private final Expansion expansion;

    Sequence(Jdbi jdbi, Dialect dialect, Clock clock, Expansion expansion) {
        this.jdbi = jdbi;
        this.dialect = dialect;
        this.clock = clock;
        this.expansion = expansion;
    }

    /**
     * Per campaign, the earliest time a step can next fall due, learnt when a pass found nothing due: a message
     * still open settles later, so its follow-up is due no earlier than that pass plus the step's wait. Saves a
     * look at the campaign's rows every few seconds while a big campaign waits days for its next step.
     */
    private final Map<String, Instant> quietUntil = new java.util.concurrent.ConcurrentHashMap<>();

    /** Decides every due (contact, step) of the campaign, chunk by chunk; returns how many were decided. */
    int advance(String campaignId) {
        Instant quiet = quietUntil.get(campaignId);
        if (quiet != null && clock.instant().isBefore(quiet)) {
            return 0;
        }
        int decided = 0;
        int n;
        do {
            n = advanceChunk(campaignId);
            decided += n;
        } while (n > 0);
        if (decided == 0) {
            nextDue(campaignId).ifPresentOrElse(at -> quietUntil.put(campaignId, at), () -> quietUntil.remove(campaignId));
        } else {
            quietUntil.remove(campaignId);
        }
        return decided;
    }

    /** Forgets campaigns no longer active (the runner's list). */
    void retain(java.util.Collection<String> active) {
        quietUntil.keySet().retainAll(active);
    }

    /** The earliest time any step of the campaign can fall due, over its settled undecided messages and its open ones. */
    private java.util.Optional<Instant> nextDue(String campaignId) {
        return jdbi.withHandle(h -> {
            CampaignStore.Row row = h.createQuery("SELECT " + CampaignStore.COLUMNS + " FROM campaign WHERE id = :id")
                    .bind("id", campaignId).map((rs, c) -> CampaignStore.map(rs)).findOne().orElse(null);
            if (row == null || row.definition().steps() == null) {
                return java.util.Optional.<Instant>empty();
            }
            Instant now = clock.instant();
            Instant earliest = null;
            List<CampaignInput.Step> steps = row.definition().steps();
            for (int n = 1; n <= steps.size(); n++) {
                Duration after = Duration.parse(steps.get(n - 1).after());
                java.sql.Timestamp settled = h.createQuery("SELECT MIN(COALESCE(p.sent_at, p.updated_at)) FROM message p"
                                + " WHERE p.campaign_id = :campaign AND p.step = :previous AND p.status IN " + SETTLED
                                + " AND NOT EXISTS (SELECT 1 FROM campaign_step_state s WHERE s.campaign_id = p.campaign_id"
                                + " AND s.contact_id = p.contact_id AND s.step = :step)")
                        .bind("campaign", campaignId).bind("previous", n - 1).bind("step", n)
                        .mapTo(java.sql.Timestamp.class).findOne().orElse(null);
                Instant due = settled == null ? now.plus(after) : settled.toInstant().plus(after);
                due = due.isAfter(now.plus(after)) ? now.plus(after) : due;
                earliest = earliest == null || due.isBefore(earliest) ? due : earliest;
            }
            return java.util.Optional.ofNullable(earliest);
        });
    }

    private int advanceChunk(String campaignId) {
        return jdbi.inTransaction(h -> {
            CampaignStore.Row row = h.createQuery("SELECT " + CampaignStore.COLUMNS + " FROM campaign WHERE id = :id FOR UPDATE")
                    .bind("id", campaignId).map((rs, c) -> CampaignStore.map(rs)).findOne().orElse(null);
            if (row == null || row.status() != CampaignStatus.RUNNING || row.definition().steps() == null) {
                return 0;
            }
            TenantHandle th = new TenantHandle(h, row.tenantId());
            List<CampaignInput.Step> steps = row.definition().steps();
            for (int n = 1; n <= steps.size(); n++) {
                int decided = decide(th, row, n, steps.get(n - 1));
                if (decided > 0) {
                    return decided;
                }
            }
            return 0;
        });
    }

    private record Due(Expansion.Member member, String decision) {}

    /** Decides one chunk of contacts for whom step {@code n} is due; returns how many. */
    private int decide(TenantHandle th, CampaignStore.Row row, int n, CampaignInput.Step step) {
        Instant now = clock.instant();
        String sentAt = "COALESCE(p.sent_at, p.updated_at)";
        String replied = "EXISTS (SELECT 1 FROM inbound_message i WHERE i.tenant_id = :tenant AND i.contact_id = p.contact_id"
                + " AND i.received_at > %s)";
        String firstDueAt = "(SELECT f.due_at FROM message f WHERE f.campaign_id = p.campaign_id"
                + " AND f.contact_id = p.contact_id AND f.step = 0)";
        String clicked = "EXISTS (SELECT 1 FROM message_event e WHERE e.message_id = p.id AND e.type = 'clicked')";
        String condition = switch (step.when()) {
            case "notReplied" -> "NOT " + replied.formatted("p.due_at");
            case "notDelivered" -> "p.status IN ('undelivered', 'failed', 'expired', 'unknown')";
            case "clicked" -> clicked;
            case "notClicked" -> "NOT " + clicked;
            default -> "TRUE";
        };
        String stop = Boolean.TRUE.equals(step.stopOnReply()) ? replied.formatted(firstDueAt) : "FALSE";
        String decision = "CASE WHEN p.status IN " + NEVER_SENT + " THEN 'skipped' WHEN " + stop + " THEN 'stopped'"
                + " WHEN " + condition + " THEN 'created' ELSE 'skipped' END";
        var q = th.query("SELECT p.contact_id, " + Audience.verdict(dialect, step.channel(), "FALSE") + ", "
                        + Expansion.MEMBER_COLUMNS + ", " + decision + " AS decision"
                        + " FROM message p LEFT JOIN contact c ON c.id = p.contact_id AND c.tenant_id = :tenant"
                        + " WHERE p.tenant_id = :tenant AND p.campaign_id = :campaign AND p.step = :previous"
                        + " AND (p.status IN " + NEVER_SENT + " OR (p.status IN " + SETTLED + " AND " + sentAt + " <= :cutoff))"
                        + " AND NOT EXISTS (SELECT 1 FROM campaign_step_state s WHERE s.campaign_id = p.campaign_id"
                        + " AND s.contact_id = p.contact_id AND s.step = :step)"
                        + " ORDER BY p.contact_id LIMIT :n")
                .bind("campaign", row.id()).bind("previous", n - 1).bind("step", n)
                .bind("cutoff", now.minus(Duration.parse(step.after()))).bind("n", CHUNK);
        Audience.bind(q, step.channel(), Boolean.TRUE.equals(row.definition().requireOptIn()));
        List<Due> due = q.map((rs, c) -> new Due(Expansion.member(rs), rs.getString("decision"))).list();
        if (due.isEmpty()) {
            return 0;
        }
        List<Expansion.Member> send = new ArrayList<>();
        List<String> contacts = new ArrayList<>();
        List<String> states = new ArrayList<>();
        Map<String, Long> tally = new TreeMap<>();
        for (Due d : due) {
            String state = d.decision();
            if (state.equals("created") && Audience.skipped(d.member().verdict())) {
                state = "skipped";
            }
            if (state.equals("created")) {
                send.add(d.member());
            } else {
                tally.merge(state, 1L, Long::sum);
            }
            contacts.add(d.member().contactId());
            states.add(state);
        }
        expansion.write(th, row, send, Expansion.Part.step(n, step));
        th.raw().createUpdate("INSERT INTO campaign_step_state (campaign_id, contact_id, step, state, decided_at)"
                        + " SELECT CAST(:campaign AS VARCHAR), ctc, CAST(:step AS INTEGER), st, CAST(:now AS TIMESTAMP WITH TIME ZONE) FROM "
                        + dialect.arrayTable("v", "ctc:varchar", "st:varchar"))
                .bind("campaign", row.id()).bind("step", n).bind("now", now)
                .bindArray("ctc", String.class, contacts.toArray()).bindArray("st", String.class, states.toArray())
                .execute();
        CampaignCounters.addFor(th.raw(), dialect, Map.of(new CampaignCounters.Key(row.id(), null, n), tally));
        return due.size();
    }

    /**
     * True while some contact's next step is still to be decided: a message of a step that has a follow-up,
     * without that follow-up's decision. A scan of the campaign's rows, run only when nothing is open.
     */
    static boolean pending(org.jdbi.v3.core.Handle h, String campaignId, int steps) {
        return h.createQuery("""
                SELECT COUNT(*) FROM message p WHERE p.campaign_id = :campaign AND p.step < :steps
                  AND NOT EXISTS (SELECT 1 FROM campaign_step_state s WHERE s.campaign_id = p.campaign_id
                                  AND s.contact_id = p.contact_id AND s.step = p.step + 1)""")
                .bind("campaign", campaignId).bind("steps", steps).mapTo(Long.class).one() > 0;
    }
}
