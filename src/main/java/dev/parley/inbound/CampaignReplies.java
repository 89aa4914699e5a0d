package dev.parley.inbound;

import dev.parley.db.TenantHandle;
import dev.parley.delivery.CampaignCounters;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Links an inbound message to the campaign message it answers, for the campaign's {@code replied} and
 * {@code optedOut} counters: the contact's most recent campaign message on the same channel that was sent (or
 * is being sent) and fell due within {@link #WINDOW} before the reply. Due, not sent: the send's time is
 * written when the provider's answer is read, and a quick reply (or the provider's callback) can come first. It is counted once per campaign message (a second reply to it counts
 * nothing) and written as an event in the message's history, in the inbound message's transaction.
 *
 * <p>What a reader could get wrong: only replies from an address that belongs to a contact are linked (the
 * lookup is by contact, through the {@code (campaign_id, contact_id, step)} key, never a scan of the ledger).
 * A STOP counts as {@code optedOut}, not {@code replied}; any other inbound message as {@code replied}.
 */
final class CampaignReplies {
    static final Duration WINDOW = Duration.ofDays(7);

    private CampaignReplies() {}

    static void link(TenantHandle th, String contactId, String channel, Instant at, boolean stop, String inboundId) {
        if (contactId == null) {
            return;
        }
        Optional<String> answered = th.query("""
                SELECT m.id FROM campaign c JOIN message m ON m.campaign_id = c.id AND m.contact_id = :contact
                WHERE c.tenant_id = :tenant AND c.started_at IS NOT NULL AND (c.completed_at IS NULL OR c.completed_at > :since)
                  AND m.channel = :channel AND m.status IN ('sending', 'sent', 'delivered', 'undelivered', 'unknown')
                  AND m.due_at > :since AND m.due_at <= :at
                ORDER BY m.due_at DESC LIMIT 1""")
                .bind("contact", contactId).bind("channel", channel).bind("since", at.minus(WINDOW)).bind("at", at)
                .mapTo(String.class).findOne();
        if (answered.isEmpty()) {
            return;
        }
        String type = stop ? "optedOut" : "replied";
        List<String> prior = stop ? List.of("unsubscribed", "spamReport", "optedOut") : List.of("replied");
        CampaignCounters.engagement(th.raw(), answered.get(), type, prior);
        th.update("""
                INSERT INTO message_event (message_id, tenant_id, at, type, detail)
                VALUES (:id, :tenant, :at, :type, :detail)""")
                .bind("id", answered.get()).bind("at", at).bind("type", type).bind("detail", "inbound " + inboundId).execute();
    }
}
