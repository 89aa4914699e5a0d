package dev.parley.inbound;

import dev.parley.contacts.Consents;
import dev.parley.contacts.Suppressions;
import dev.parley.core.Ids;
import dev.parley.core.Principal;
import dev.parley.core.Tokens;
import dev.parley.db.TenantHandle;
import dev.parley.delivery.CampaignCounters;
import dev.parley.delivery.UnsubscribeLinks;
import dev.parley.http.Access;
import dev.parley.http.Api;
import dev.parley.tenancy.Masking;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/**
 * Email unsubscribe links, {@code /u/{token}} (SPEC §3). The token is the message id and an HMAC of it
 * under a key derived from {@code PARLEY_SECRET}, so it cannot be guessed or moved to another message.
 * {@code GET} shows a confirmation page and changes nothing (mail scanners follow links); {@code POST}
 * unsubscribes: the one-click request of RFC 8058 that mailbox providers send for
 * {@code List-Unsubscribe-Post}, and the page's button. Unsubscribing suppresses the address on the email
 * channel for the message's tenant, records the opt-out on the contact and in the message's history; a
 * repeat changes nothing.
 */
public final class Unsubscribe implements UnsubscribeLinks {
    private final Jdbi jdbi;
    private final Clock clock;
    private final byte[] key;
    private final Supplier<String> baseUrl;
    private final OptOuts optOuts;

    public Unsubscribe(Jdbi jdbi, Clock clock, byte[] key, Supplier<String> baseUrl, Suppressions suppressions, Consents consents) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.key = key;
        this.baseUrl = baseUrl;
        this.optOuts = new OptOuts(suppressions, consents);
    }

    public void register(Api api) {
        api.get("/u/{token}", Access.open(), this::page);
        api.post("/u/{token}", Access.open(), this::unsubscribe);
    }

    @Override
    public String urlFor(String messageId) {
        return baseUrl.get().replaceAll("/+$", "") + "/u/" + token(messageId);
    }

    String token(String messageId) {
        return messageId + "." + Tokens.hmacBase64(key, "unsubscribe:" + messageId).substring(0, 22);
    }

    private Optional<String> messageId(String token) {
        int dot = token.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String id = token.substring(0, dot);
        return Ids.looksLike("msg", id) && Tokens.constantTimeEquals(token, token(id)) ? Optional.of(id) : Optional.empty();
    }

    private record Target(String tenantId, String tenantName, String channel, String to, String contactId) {}

    private Optional<Target> target(String messageId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT m.tenant_id, t.name, m.channel, m.to_address, m.contact_id
                        FROM message m JOIN tenant t ON t.id = m.tenant_id WHERE m.id = :id""")
                .bind("id", messageId)
                .map((rs, c) -> new Target(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                .findOne())
                .filter(t -> t.channel().equals("email") && !t.to().startsWith("["));
    }

    private void page(Context ctx, Principal nobody) {
        Optional<Target> target = messageId(ctx.pathParam("token")).flatMap(this::target);
        if (target.isEmpty()) {
            html(ctx, 404, "Link not valid", "<p>This unsubscribe link is not valid or has expired.</p>");
            return;
        }
        Target t = target.get();
        html(ctx, 200, "Unsubscribe", "<p>Stop emails from <strong>" + escape(t.tenantName()) + "</strong> to <strong>"
                + escape(Masking.email(t.to())) + "</strong>?</p>"
                + "<form method=\"post\"><button type=\"submit\">Unsubscribe</button></form>");
    }

    private void unsubscribe(Context ctx, Principal nobody) {
        Optional<String> id = messageId(ctx.pathParam("token"));
        Optional<Target> target = id.flatMap(this::target);
        if (target.isEmpty()) {
            html(ctx, 404, "Link not valid", "<p>This unsubscribe link is not valid or has expired.</p>");
            return;
        }
        Target t = target.get();
        Instant now = clock.instant();
        jdbi.useTransaction(h -> {
            TenantHandle th = new TenantHandle(h, t.tenantId());
            boolean created = optOuts.optOut(th, "email", t.to(), t.contactId(), "unsubscribe link", "unsubscribe",
                    "unsubscribe link");
            if (created) {
                CampaignCounters.engagement(h, id.get(), "optedOut", List.of("unsubscribed", "spamReport", "optedOut"));
                th.update("""
                        INSERT INTO message_event (message_id, tenant_id, at, type, detail)
                        VALUES (:id, :tenant, :now, 'optedOut', 'unsubscribe link')""")
                        .bind("id", id.get()).bind("now", now).execute();
            }
        });
        html(ctx, 200, "Unsubscribed", "<p>You are unsubscribed. <strong>" + escape(t.tenantName())
                + "</strong> will send no more emails to " + escape(Masking.email(t.to())) + ".</p>");
    }

    private static void html(Context ctx, int status, String title, String body) {
        ctx.status(status).contentType("text/html; charset=utf-8").header("Cache-Control", "no-store")
                .result("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                        + "content=\"width=device-width, initial-scale=1\"><title>" + title + "</title></head>"
                        + "<body style=\"font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem\">"
                        + "<h1>" + title + "</h1>" + body + "</body></html>");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
