package dev.parley.delivery;

import dev.parley.db.TenantHandle;
import dev.parley.tenancy.PersonalData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ledger's part in GDPR export and erasure: messages to the person (by contact, or by address when sent
 * without one) and their events. Erasure blanks addresses, bodies, subjects and metadata and the event
 * details, keeping each row, its status and its times, so delivery counts stay true.
 */
public final class MessagesPersonalData implements PersonalData {
    static final String ERASED = "[erased]";

    @Override
    public String section() {
        return "messages";
    }

    @Override
    public Object export(TenantHandle th, Subject s) {
        return th.query("""
                SELECT id, channel, to_address, from_address, subject, body_text, body_html, status, created_at, sent_at
                FROM message WHERE tenant_id = :tenant
                  AND (contact_id = :contact OR to_address = :phone OR to_address = :email)
                ORDER BY id""")
                .bind("contact", s.contactId()).bind("phone", s.phone()).bind("email", s.email())
                .map((rs, c) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", rs.getString("id"));
                    m.put("channel", rs.getString("channel"));
                    m.put("to", rs.getString("to_address"));
                    m.put("from", rs.getString("from_address"));
                    m.put("subject", rs.getString("subject"));
                    m.put("text", rs.getString("body_text"));
                    m.put("html", rs.getString("body_html"));
                    m.put("status", rs.getString("status"));
                    m.put("createdAt", rs.getTimestamp("created_at").toInstant());
                    java.sql.Timestamp sent = rs.getTimestamp("sent_at");
                    m.put("sentAt", sent == null ? null : sent.toInstant());
                    return m;
                }).list();
    }

    @Override
    public int erase(TenantHandle th, Subject s) {
        List<String> ids = th.query("""
                SELECT id FROM message WHERE tenant_id = :tenant
                  AND (contact_id = :contact OR to_address = :phone OR to_address = :email)""")
                .bind("contact", s.contactId()).bind("phone", s.phone()).bind("email", s.email())
                .mapTo(String.class).list();
        if (ids.isEmpty()) {
            return 0;
        }
        int n = 0;
        for (int from = 0; from < ids.size(); from += 1000) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 1000));
            n += th.update("""
                    UPDATE message SET to_address = :erased, from_address = NULL, subject = NULL, body_text = NULL,
                           body_html = NULL, metadata_json = NULL, tags_json = NULL, contact_id = NULL
                    WHERE tenant_id = :tenant AND id IN (<ids>)""")
                    .bind("erased", ERASED).bindList("ids", chunk).execute();
            th.update("UPDATE message_event SET detail = NULL WHERE tenant_id = :tenant AND message_id IN (<ids>)")
                    .bindList("ids", chunk).execute();
        }
        return n;
    }

    /**
     * The tenant's {@code messagesDays} retention: messages settled longer ago than that keep their status,
     * channel, provider and times, and lose addresses, bodies, metadata and event details.
     */
    public static dev.parley.tenancy.Expiry expiry() {
        return (th, retention, now) -> {
            if (retention.messagesDays() == null) {
                return 0;
            }
            java.time.Instant cutoff = now.minus(java.time.Duration.ofDays(retention.messagesDays()));
            th.update("""
                    UPDATE message_event SET detail = NULL WHERE tenant_id = :tenant AND detail IS NOT NULL AND message_id IN
                      (SELECT id FROM message WHERE tenant_id = :tenant AND created_at < :cutoff AND to_address <> :erased
                         AND status NOT IN ('scheduled', 'queued', 'sending'))""")
                    .bind("cutoff", cutoff).bind("erased", ERASED).execute();
            return th.update("""
                    UPDATE message SET to_address = :erased, from_address = NULL, subject = NULL, body_text = NULL,
                           body_html = NULL, metadata_json = NULL, tags_json = NULL, contact_id = NULL
                    WHERE tenant_id = :tenant AND created_at < :cutoff AND to_address <> :erased
                      AND status NOT IN ('scheduled', 'queued', 'sending')""")
                    .bind("cutoff", cutoff).bind("erased", ERASED).execute();
        };
    }
}
