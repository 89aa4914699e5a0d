package dev.parley.inbound;

import dev.parley.db.TenantHandle;
import dev.parley.tenancy.PersonalData;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Inbound messages in GDPR export and erasure: found by contact or by the sender's address. Erasure blanks
 * the sender and the text and unlinks the contact, keeping the row (channel, keyword, time) so counts of
 * replies and opt-outs stay true.
 */
public final class InboundPersonalData implements PersonalData {
    @Override
    public String section() {
        return "inbound";
    }

    @Override
    public Object export(TenantHandle th, Subject s) {
        return th.query("""
                SELECT id, channel, from_address, to_address, body_text, keyword, received_at FROM inbound_message
                WHERE tenant_id = :tenant AND (contact_id = :contact OR from_address = :phone OR from_address = :email)
                ORDER BY id""")
                .bind("contact", s.contactId()).bind("phone", s.phone()).bind("email", s.email())
                .map((rs, c) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", rs.getString("id"));
                    m.put("channel", rs.getString("channel"));
                    m.put("from", rs.getString("from_address"));
                    m.put("to", rs.getString("to_address"));
                    m.put("text", rs.getString("body_text"));
                    m.put("keyword", rs.getString("keyword"));
                    m.put("receivedAt", rs.getTimestamp("received_at").toInstant());
                    return m;
                }).list();
    }

    @Override
    public int erase(TenantHandle th, Subject s) {
        return th.update("""
                UPDATE inbound_message SET from_address = '[erased]', body_text = NULL, contact_id = NULL
                WHERE tenant_id = :tenant AND (contact_id = :contact OR from_address = :phone OR from_address = :email)""")
                .bind("contact", s.contactId()).bind("phone", s.phone()).bind("email", s.email()).execute();
    }

    /** The tenant's {@code inboundDays} retention: older inbound messages are deleted. */
    public static dev.parley.tenancy.Expiry expiry() {
        return (th, retention, now) -> retention.inboundDays() == null ? 0
                : th.update("DELETE FROM inbound_message WHERE tenant_id = :tenant AND received_at < :cutoff")
                        .bind("cutoff", now.minus(java.time.Duration.ofDays(retention.inboundDays()))).execute();
    }
}
