package dev.parley.contacts;

import dev.parley.core.Ids;
import dev.parley.db.TenantHandle;
import dev.parley.http.Pages;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Consent per contact per channel: the contact row holds the current state, {@code consent_event} every
 * change (who, what, source, when) so the history answers "when did this person opt in, and how?".
 * A change to the state it already has is not recorded again.
 */
public final class Consents {
    public static final Set<String> CHANNELS = Set.of("sms", "email");
    public static final Set<String> STATUSES = Set.of("optedIn", "unknown", "optedOut");

    private final Clock clock;

    public Consents(Clock clock) {
        this.clock = clock;
    }

    /** One recorded change. */
    public record Event(String id, String channel, String status, String source, String actorId, Instant at) {}

    /** Sets {@code channel}'s consent; returns true when it changed. */
    public boolean record(TenantHandle th, String contactId, String channel, String status, String source, String actorId) {
        if (!CHANNELS.contains(channel) || !STATUSES.contains(status)) {
            throw new IllegalArgumentException("channel " + channel + " / status " + status);
        }
        Instant now = clock.instant();
        String column = channel.equals("sms") ? "sms_consent" : "email_consent";
        int changed = th.update("UPDATE contact SET " + column + " = :status, " + column + "_source = :source, "
                        + column + "_at = :now, updated_at = :now WHERE tenant_id = :tenant AND id = :id AND " + column + " <> :status")
                .bind("status", status).bind("source", source).bind("now", now).bind("id", contactId).execute();
        if (changed == 1) {
            insertEvent(th, contactId, channel, status, source, actorId, now);
        }
        return changed == 1;
    }

    void insertEvent(TenantHandle th, String contactId, String channel, String status, String source, String actorId, Instant at) {
        th.update("""
                INSERT INTO consent_event (id, tenant_id, contact_id, channel, status, source, actor_id, at)
                VALUES (:id, :tenant, :contact, :channel, :status, :source, :actor, :at)""")
                .bind("id", Ids.next("cev", clock)).bind("contact", contactId).bind("channel", channel).bind("status", status)
                .bind("source", source).bind("actor", actorId).bind("at", at).execute();
    }

    /** The contact's consent changes, newest first. */
    public List<Event> history(TenantHandle th, String contactId, Pages.Request page) {
        return th.query("""
                SELECT id, channel, status, source, actor_id, at FROM consent_event
                WHERE tenant_id = :tenant AND contact_id = :contact AND (CAST(:before AS VARCHAR) IS NULL OR id < :before)
                ORDER BY id DESC LIMIT :limit""")
                .bind("contact", contactId).bind("before", page.before()).bind("limit", page.limit() + 1)
                .map((rs, ctx) -> new Event(rs.getString("id"), rs.getString("channel"), rs.getString("status"),
                        rs.getString("source"), rs.getString("actor_id"), rs.getTimestamp("at").toInstant()))
                .list();
    }
}
