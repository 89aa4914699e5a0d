package dev.parley.inbound;

import dev.parley.core.Principal;
import dev.parley.core.Role;
import dev.parley.db.TenantHandle;
import dev.parley.http.Access;
import dev.parley.http.Api;
import dev.parley.http.Pages;
import dev.parley.http.Queries;
import dev.parley.http.Replies;
import dev.parley.tenancy.Masking;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/** {@code GET /v1/inbound}: messages people sent to the tenant, newest first, linked to their contact. */
public final class InboundRoutes {
    private final Jdbi jdbi;
    private final Pages pages;

    public InboundRoutes(Jdbi jdbi, Pages pages) {
        this.jdbi = jdbi;
        this.pages = pages;
    }

    /** One inbound message as the API shows it; {@code keyword} is STOP, START or HELP when it was one. */
    public record InboundMessage(String id, String channel, String providerId, String contactId, String from, String to,
                                 String text, String keyword, Instant receivedAt) {}

    public void register(Api api) {
        api.get("/v1/inbound", Access.role(Role.AGENT), this::list);
    }

    private void list(Context ctx, Principal who) {
        Pages.Request page = pages.request(ctx);
        String contactId = Queries.id(ctx, "contactId", "ctc");
        String channel = Queries.oneOf(ctx, "channel", Set.of("sms", "email").contains(String.valueOf(ctx.queryParam("channel"))));
        List<InboundMessage> rows = jdbi.withHandle(h -> new TenantHandle(h, who.tenantId()).query("""
                        SELECT id, channel, provider_id, contact_id, from_address, to_address, body_text, keyword, received_at
                        FROM inbound_message
                        WHERE tenant_id = :tenant AND (CAST(:before AS VARCHAR) IS NULL OR id < :before)
                          AND (CAST(:contact AS VARCHAR) IS NULL OR contact_id = :contact)
                          AND (CAST(:channel AS VARCHAR) IS NULL OR channel = :channel)
                        ORDER BY id DESC LIMIT :limit""")
                .bind("before", page.before()).bind("contact", contactId).bind("channel", channel)
                .bind("limit", page.limit() + 1)
                .map((rs, c) -> new InboundMessage(rs.getString("id"), rs.getString("channel"), rs.getString("provider_id"),
                        rs.getString("contact_id"), rs.getString("from_address"), rs.getString("to_address"),
                        rs.getString("body_text"), rs.getString("keyword"), rs.getTimestamp("received_at").toInstant()))
                .list());
        List<InboundMessage> shown = who.role() == Role.AGENT ? rows.stream().map(InboundRoutes::masked).toList() : rows;
        Replies.json(ctx, 200, pages.page(shown, page, InboundMessage::id));
    }

    private static InboundMessage masked(InboundMessage m) {
        String from = m.channel().equals("sms") ? Masking.phone(m.from()) : Masking.email(m.from());
        return new InboundMessage(m.id(), m.channel(), m.providerId(), m.contactId(), from, m.to(), m.text(), m.keyword(),
                m.receivedAt());
    }
}
