package dev.parley.inbound;

import dev.parley.contacts.Consents;
import dev.parley.contacts.Contacts;
import dev.parley.contacts.Suppressions;
import dev.parley.core.Ids;
import dev.parley.db.TenantHandle;
import dev.parley.delivery.Guarantee;
import dev.parley.delivery.Ledger;
import dev.parley.providers.ProviderEvent;
import dev.parley.providers.ProviderStore;
import dev.parley.tenancy.TenantSettings;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Inbound messages: each is stored once (a provider's repeat of the same message id changes nothing),
 * linked to the tenant's contact with that address, and acted on when it is a keyword: STOP suppresses
 * the sender on the channel, records the opt-out and sends the tenant's confirmation (once: a repeated STOP
 * from an address already suppressed is not answered, so two systems can never loop); START lifts the
 * suppression; HELP answers the tenant's help text. The answer is a compliance message through the
 * provider it came in on, from the number it was sent to, committed in the same transaction as the
 * inbound row, so a crash cannot leave an opt-out unconfirmed or a confirmation without its opt-out.
 */
public final class Inbox {
    static final String DEFAULT_STOP = "You are unsubscribed and will get no more messages from us. Reply START to resubscribe.";
    static final String DEFAULT_HELP = "Reply STOP to unsubscribe.";

    private final Jdbi jdbi;
    private final Clock clock;
    private final Ledger ledger;
    private final Contacts contacts;
    private final OptOuts optOuts;
    private final TenantSettings settings;
    private final Runnable nudge;

    public Inbox(Jdbi jdbi, Clock clock, Ledger ledger, Contacts contacts, Consents consents, Suppressions suppressions,
                 TenantSettings settings, Runnable nudge) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.ledger = ledger;
        this.contacts = contacts;
        this.optOuts = new OptOuts(suppressions, consents);
        this.settings = settings;
        this.nudge = nudge;
    }

    /** What became of one inbound message. */
    public record Received(String id, boolean duplicate, String keyword, String replyId) {}

    public Received receive(ProviderStore.Row provider, ProviderEvent.Inbound in) {
        String from = normalise(in.channel(), in.from());
        Received received = jdbi.inTransaction(h -> {
            TenantHandle th = new TenantHandle(h, provider.tenantId());
            if (in.providerMessageId() != null) {
                Optional<String> seen = h.createQuery("""
                        SELECT id FROM inbound_message WHERE provider_id = :p AND provider_message_id = :pm""")
                        .bind("p", provider.id()).bind("pm", in.providerMessageId()).mapTo(String.class).findOne();
                if (seen.isPresent()) {
                    return new Received(seen.get(), true, null, null);
                }
            }
            String contactId = contacts.idByAddress(th, in.channel(), from).orElse(null);
            Optional<Keyword> keyword = in.channel().equals("sms") ? Keyword.of(in.text()) : Optional.empty();
            String id = Ids.next("inb", clock);
            Instant at = in.at() != null ? in.at() : clock.instant();
            th.update("""
                    INSERT INTO inbound_message (id, tenant_id, channel, provider_id, provider_message_id, contact_id,
                                                 from_address, to_address, body_text, keyword, received_at)
                    VALUES (:id, :tenant, :channel, :provider, :pm, :contact, :from, :to, :text, :keyword, :at)""")
                    .bind("id", id).bind("channel", in.channel()).bind("provider", provider.id())
                    .bind("pm", in.providerMessageId()).bind("contact", contactId).bind("from", from)
                    .bind("to", in.to()).bind("text", clip(in.text(), 10_000))
                    .bind("keyword", keyword.map(Enum::name).orElse(null)).bind("at", at).execute();
            CampaignReplies.link(th, contactId, in.channel(), at, keyword.filter(k -> k == Keyword.STOP).isPresent(), id);
            String reply = keyword.map(k -> act(th, k, provider, in, from, contactId)).orElse(null);
            return new Received(id, false, keyword.map(Enum::name).orElse(null), reply);
        });
        if (received.replyId() != null) {
            nudge.run();
        }
        return received;
    }

    private String act(TenantHandle th, Keyword keyword, ProviderStore.Row provider, ProviderEvent.Inbound in, String from,
                       String contactId) {
        TenantSettings.Settings s = settings.get(th);
        return switch (keyword) {
            case STOP -> {
                boolean fresh = optOuts.optOut(th, in.channel(), from, contactId, "replied " + in.text().strip(), "inbound",
                        "inbound:" + in.text().strip());
                // Confirm once: a second STOP from an address already suppressed gets no answer.
                yield fresh ? answer(th, provider, in, from, contactId, blankToNull(s.stopConfirmation()), DEFAULT_STOP) : null;
            }
            case START -> {
                optOuts.optIn(th, in.channel(), from, contactId, "inbound:" + in.text().strip());
                yield null;
            }
            case HELP -> answer(th, provider, in, from, contactId, blankToNull(s.helpText()), DEFAULT_HELP);
        };
    }

    private String answer(TenantHandle th, ProviderStore.Row provider, ProviderEvent.Inbound in, String to, String contactId,
                          String text, String fallback) {
        if (!provider.enabled()) {
            return null;
        }
        return ledger.enqueue(th, new Ledger.NewMessage(in.channel(), to, in.to(), null, text != null ? text : fallback, null,
                null, null, Guarantee.AT_MOST_ONCE, 0, provider.id(), null, contactId, List.of("compliance"), null,
                List.of(), true, null)).id();
    }

    private static String normalise(String channel, String address) {
        String a = address == null ? "" : address.strip();
        if (channel.equals("email")) {
            return a.toLowerCase(java.util.Locale.ROOT);
        }
        if (!a.startsWith("+") && a.matches("[0-9]{8,15}")) {
            return "+" + a;
        }
        return a;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
