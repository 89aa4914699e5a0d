package dev.parley.delivery;

import dev.parley.db.Dialect;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Delivery receipts. They only move a message forward ({@code sent → delivered | undelivered}); a late or
 * repeated receipt is recorded as an event and changes nothing; one that arrives before its send result
 * is settled is kept in {@code pending_receipt} and applied when the settle lands.
 */
public final class Receipts {
    /**
     * How long a receipt or engagement event that arrived before its message was known is looked at by the sweep: a
     * send settles within seconds of the provider's answer, and a provider account shared with other systems also
     * reports on messages Parley never sent, which must not make every sweep read days of them.
     */
    private static final java.time.Duration EARLY_EVENT_WINDOW = java.time.Duration.ofHours(1);

    private final Jdbi jdbi;
    private final Dialect dialect;
    private final Clock clock;

    public Receipts(Jdbi jdbi, Dialect dialect, Clock clock) {
        this.jdbi = jdbi;
        this.dialect = dialect;
        this.clock = clock;
    }

    /** What a receipt did. */
    public enum Effect { APPLIED, IGNORED, PENDING }

    /** Applies a provider's receipt for its message id; {@code status} is delivered or undelivered. */
    public Effect apply(String providerId, String providerMessageId, MessageStatus status, String detail) {
        if (status != MessageStatus.DELIVERED && status != MessageStatus.UNDELIVERED) {
            throw new IllegalArgumentException("a receipt reports delivered or undelivered, not " + status);
        }
        Instant now = clock.instant();
        return jdbi.inTransaction(h -> {
            Optional<String[]> row = h.createQuery("""
                    SELECT id, tenant_id, status, campaign_id FROM message
                    WHERE provider_id = :p AND provider_message_id = :pm FOR UPDATE""")
                    .bind("p", providerId).bind("pm", providerMessageId)
                    .map((rs, c) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)}).findOne();
            if (row.isEmpty()) {
                h.createUpdate("""
                        INSERT INTO pending_receipt (provider_id, provider_message_id, status, detail, received_at)
                        VALUES (:p, :pm, :s, :d, :now) ON CONFLICT DO NOTHING""")
                        .bind("p", providerId).bind("pm", providerMessageId).bind("s", status.wire()).bind("d", detail)
                        .bind("now", now).execute();
                return Effect.PENDING;
            }
            String id = row.get()[0];
            String tenant = row.get()[1];
            String current = row.get()[2];
            if (current.equals("sent")) {
                h.createUpdate("UPDATE message SET status = :s, updated_at = :now WHERE id = :id AND status = 'sent'")
                        .bind("s", status.wire()).bind("now", now).bind("id", id).execute();
                Events.insert(h, dialect, List.of(new EventRow(id, tenant, now, "receipt", "sent", status.wire(), null,
                        providerId, detail, row.get()[3])));
                return Effect.APPLIED;
            }
            Events.insert(h, dialect, List.of(new EventRow(id, tenant, now, "receipt_ignored", current, current, null,
                    providerId, status.wire() + (detail == null ? "" : ": " + detail))));
            return Effect.IGNORED;
        });
    }

    /** The message an engagement event was about. */
    public record Target(String messageId, String tenantId, String channel, String to, String contactId) {}

    /** What else an engagement event does when it is recorded, in the same transaction (an opt-out, say). */
    @FunctionalInterface
    public interface EngagementFollowUp {
        void apply(Handle h, Target target, String kind);
    }

    private volatile EngagementFollowUp followUp = (h, target, kind) -> { };

    /** Sets what recording an engagement event also does, whether it came in time or waited for its message. */
    public void onEngagement(EngagementFollowUp followUp) {
        this.followUp = followUp;
    }

    /**
     * Records an engagement event ({@code opened}, {@code clicked}, {@code unsubscribed}, {@code progress}, ...)
     * in the history of the message the provider knows by {@code providerMessageId}; it never changes a
     * status; its {@link #onEngagement follow-up} runs in the same transaction. Empty when no such message exists yet:
     * the event then waits in {@code pending_engagement}, and {@link #applyStranded} records it once the message is known.
     */
    public Optional<Target> engagement(String providerId, String providerMessageId, String kind, String detail) {
        Instant now = clock.instant();
        return jdbi.inTransaction(h -> {
            Optional<String[]> row = message(h, providerId, providerMessageId);
            if (row.isEmpty()) {
                h.createUpdate("""
                        INSERT INTO pending_engagement (id, provider_id, provider_message_id, kind, detail, received_at)
                        VALUES (:id, :p, :pm, :k, :d, :now)""")
                        .bind("id", dev.parley.core.Ids.next("pen", clock)).bind("p", providerId).bind("pm", providerMessageId)
                        .bind("k", kind).bind("d", detail == null || detail.length() <= 2000 ? detail : detail.substring(0, 2000))
                        .bind("now", now).execute();
                return Optional.empty();
            }
            return Optional.of(record(h, row.get(), providerId, kind, detail, now));
        });
    }

    /** {id, tenant, status, channel, to, contact, campaign} of the message a provider knows by its id. */
    private static Optional<String[]> message(Handle h, String providerId, String providerMessageId) {
        return h.createQuery("""
                SELECT id, tenant_id, status, channel, to_address, contact_id, campaign_id FROM message
                WHERE provider_id = :p AND provider_message_id = :pm""")
                .bind("p", providerId).bind("pm", providerMessageId)
                .map((rs, c) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7)}).findOne();
    }

    /** Counts and records an engagement event for the message {@code m} ({@link #message}'s columns), with its follow-up. */
    private Target record(Handle h, String[] m, String providerId, String kind, String detail, Instant now) {
        countEngagement(h, m[0], m[6], kind);
        Events.insert(h, dialect, List.of(new EventRow(m[0], m[1], now, kind, m[2], m[2], null, providerId, detail)));
        Target target = new Target(m[0], m[1], m[3], m[4], m[5]);
        followUp.apply(h, target, kind);
        return target;
    }

    /**
     * Counts an engagement with its campaign's progress, once per message and kind ({@code opened},
     * {@code clicked}; an unsubscribe or spam report counts as {@code optedOut}). Runs before the event is written.
     */
    private void countEngagement(Handle h, String messageId, String campaignId, String kind) {
        String counter = switch (kind) {
            case "opened", "clicked", "replied", "optedOut" -> kind;
            case "unsubscribed", "spamReport" -> "optedOut";
            default -> null;
        };
        if (campaignId == null || counter == null) {
            return;
        }
        List<String> kinds = counter.equals("optedOut") ? List.of("unsubscribed", "spamReport", "optedOut") : List.of(counter);
        CampaignCounters.engagement(h, dialect, messageId, counter, kinds);
    }

    /** Applies receipts that were waiting for these just-settled sends; runs inside the settle transaction. */
    void applyPending(Handle h, List<Settlement> sent, Instant now) {
        Map<String, Settlement> byPmid = sent.stream().filter(s -> s.providerMessageId() != null)
                .collect(Collectors.toMap(s -> s.providerId() + "\u0000" + s.providerMessageId(), s -> s, (a, b) -> a));
        if (byPmid.isEmpty()) {
            return;
        }
        List<String> pmids = sent.stream().map(Settlement::providerMessageId).filter(p -> p != null).distinct().toList();
        List<String[]> pending = h.createQuery("""
                SELECT provider_id, provider_message_id, status, detail FROM pending_receipt
                WHERE provider_message_id IN (<pmids>) ORDER BY received_at""")
                .bindList("pmids", pmids)
                .map((rs, c) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)}).list();
        List<EventRow> events = new ArrayList<>();
        for (String[] p : pending) {
            Settlement s = byPmid.get(p[0] + "\u0000" + p[1]);
            if (s != null) {
                events.add(applyWaiting(h, s.id(), s.tenantId(), s.campaignId(), p, now));
            }
        }
        Events.insert(h, dialect, events);
    }

    /**
     * Applies receipts stranded in {@code pending_receipt} although their message is now known: a receipt
     * and its send's settle that ran at the same moment each missed the other's uncommitted row. Run
     * every few seconds by each node; also drops receipts that never found their message in a week.
     * Returns how many it applied.
     */
    public int applyStranded(int limit) {
        Instant now = clock.instant();
        return jdbi.inTransaction(h -> {
            List<String[]> stranded = h.createQuery("""
                    SELECT p.provider_id, p.provider_message_id, p.status, p.detail, m.id, m.tenant_id, m.campaign_id
                    FROM pending_receipt p
                    JOIN message m ON m.provider_id = p.provider_id AND m.provider_message_id = p.provider_message_id
                    WHERE p.received_at > :since
                    ORDER BY p.received_at LIMIT :n""")
                    .bind("since", now.minus(EARLY_EVENT_WINDOW)).bind("n", limit)
                    .map((rs, c) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7)}).list();
            List<EventRow> events = new ArrayList<>();
            for (String[] p : stranded) {
                events.add(applyWaiting(h, p[4], p[5], p[6], p, now));
            }
            Events.insert(h, dialect, events);
            h.createUpdate("DELETE FROM pending_receipt WHERE received_at < :cutoff")
                    .bind("cutoff", now.minus(java.time.Duration.ofDays(7))).execute();
            return stranded.size() + applyEarlyEngagements(h, limit, now);
        });
    }


    /**
     * Applies engagement events of the last {@link #EARLY_EVENT_WINDOW} that arrived before their message was
     * known, in the order received, each with its follow-up, and drops those older than 7 days. Returns how many it
     * applied.
     */
    private int applyEarlyEngagements(Handle h, int limit, Instant now) {
        List<String[]> early = h.createQuery("""
                SELECT p.id, p.provider_id, p.kind, p.detail, m.id, m.tenant_id, m.status, m.channel, m.to_address,
                       m.contact_id, m.campaign_id
                FROM pending_engagement p
                JOIN message m ON m.provider_id = p.provider_id AND m.provider_message_id = p.provider_message_id
                WHERE p.received_at > :since
                ORDER BY p.received_at, p.id LIMIT :n""")
                .bind("since", now.minus(EARLY_EVENT_WINDOW)).bind("n", limit)
                .map((rs, c) -> {
                    String[] r = new String[11];
                    for (int i = 0; i < r.length; i++) {
                        r[i] = rs.getString(i + 1);
                    }
                    return r;
                }).list();
        int applied = 0;
        for (String[] e : early) {
            // Taken by deleting it: another node's sweep that read the same event waits for this transaction, then
            // deletes nothing and leaves it alone.
            if (h.createUpdate("DELETE FROM pending_engagement WHERE id = :id").bind("id", e[0]).execute() != 1) {
                continue;
            }
            String[] m = java.util.Arrays.copyOfRange(e, 4, 11);
            String detail = "applied after the send settled" + (e[3] == null ? "" : ": " + e[3]);
            record(h, m, e[1], e[2], detail, now);
            applied++;
        }
        h.createUpdate("DELETE FROM pending_engagement WHERE received_at < :cutoff")
                .bind("cutoff", now.minus(java.time.Duration.ofDays(7))).execute();
        return applied;
    }

    /** One waiting receipt {provider, pmid, status, detail} for message {@code id}: applied if still sent, then dropped. */
    private EventRow applyWaiting(Handle h, String id, String tenantId, String campaignId, String[] p, Instant now) {
        int n = h.createUpdate("UPDATE message SET status = :s, updated_at = :now WHERE id = :id AND status = 'sent'")
                .bind("s", p[2]).bind("now", now).bind("id", id).execute();
        h.createUpdate("DELETE FROM pending_receipt WHERE provider_id = :p AND provider_message_id = :pm AND status = :s")
                .bind("p", p[0]).bind("pm", p[1]).bind("s", p[2]).execute();
        return new EventRow(id, tenantId, now, n == 1 ? "receipt" : "receipt_ignored", "sent", n == 1 ? p[2] : "sent", null,
                p[0], "applied after the send settled" + (p[3] == null ? "" : ": " + p[3]), campaignId);
    }
}
