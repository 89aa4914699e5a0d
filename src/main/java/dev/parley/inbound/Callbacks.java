package dev.parley.inbound;

import dev.parley.contacts.Consents;
import dev.parley.contacts.Suppressions;
import dev.parley.core.Failure;
import dev.parley.db.TenantHandle;
import dev.parley.delivery.MessageStatus;
import dev.parley.delivery.Receipts;
import dev.parley.providers.ProviderEvent;
import dev.parley.providers.ProviderEvents;
import dev.parley.providers.ProviderStore;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every provider event lands, whether it came through a verified webhook or an adapter's own
 * connection: receipts move messages forward ({@link Receipts}), engagement events join the message's
 * history (an unsubscribe or spam report also suppresses the address), inbound messages go to the
 * {@link Inbox}. Each event is committed before {@link #publish} returns, so a provider is acknowledged
 * only for what is stored; a repeat of any event changes nothing.
 */
public final class Callbacks implements ProviderEvents {
    private static final Logger log = LoggerFactory.getLogger(Callbacks.class);
    private static final Set<String> OPT_OUTS = Set.of("unsubscribed", "spamReport");

    private final ProviderStore providers;
    private final Receipts receipts;
    private final Inbox inbox;
    private final OptOuts optOuts;

    public Callbacks(ProviderStore providers, Receipts receipts, Inbox inbox, Suppressions suppressions,
                     Consents consents) {
        this.providers = providers;
        this.receipts = receipts;
        this.inbox = inbox;
        this.optOuts = new OptOuts(suppressions, consents);
        receipts.onEngagement((h, target, kind) -> optOutIfAsked(new TenantHandle(h, target.tenantId()), target, kind));
    }

    @Override
    public void publish(String providerId, List<ProviderEvent> events) {
        ProviderStore.Row provider = providers.load(providerId).orElseThrow(() -> new Failure.NotFound("provider"));
        for (ProviderEvent event : events) {
            switch (event) {
                case ProviderEvent.Receipt r -> receipts.apply(providerId, r.providerMessageId(),
                        r.delivered() ? MessageStatus.DELIVERED : MessageStatus.UNDELIVERED, r.detail());
                case ProviderEvent.Engagement e -> engagement(providerId, e);
                case ProviderEvent.Inbound in -> inbox.receive(provider, in);
            }
        }
    }

    private void engagement(String providerId, ProviderEvent.Engagement e) {
        // An unsubscribe or spam report opts out in the event's own transaction (the follow-up set in the constructor).
        if (receipts.engagement(providerId, e.providerMessageId(), e.kind(), e.detail()).isEmpty()) {
            log.debug("Kept {} event for message {} of provider {} until that message is known", e.kind(), e.providerMessageId(),
                    providerId);
        }
    }

    /** An unsubscribe or spam report suppresses the message's address on its channel and records the contact's opt-out. */
    private void optOutIfAsked(TenantHandle th, Receipts.Target t, String kind) {
        if (OPT_OUTS.contains(kind) && !t.to().startsWith("[")) {
            optOuts.optOut(th, t.channel(), t.to(), t.contactId(), kind.equals("spamReport") ? "marked as spam" : "unsubscribed",
                    "provider", "provider:" + kind);
        }
    }
}
