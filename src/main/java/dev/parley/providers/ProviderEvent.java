package dev.parley.providers;

import java.time.Instant;

/**
 * Something a provider tells Parley after a send, or unprompted: a delivery receipt, an inbound message,
 * or an engagement event (opened, clicked, ...). Adapters produce these from verified webhooks
 * ({@link WebhookReceiver}) or from their own connection ({@link ProviderEvents}, e.g. SMPP
 * {@code deliver_sm}); Parley stores each before acting on it.
 */
public sealed interface ProviderEvent {
    /**
     * The provider's final word on one message: it reached the person ({@code delivered = true}) or did not.
     * Intermediate states a provider reports (queued, sent, processed, deferred) are {@link Engagement}s
     * of kind {@code progress}, kept as events, never statuses.
     *
     * @param at when the provider says it happened, or null
     */
    record Receipt(String providerMessageId, boolean delivered, String detail, Instant at) implements ProviderEvent {}

    /**
     * A message from a person to one of the tenant's numbers or addresses.
     *
     * @param providerMessageId the provider's id for the inbound message (for de-duplication), or null
     */
    record Inbound(String channel, String providerMessageId, String from, String to, String text, Instant at)
            implements ProviderEvent {}

    /**
     * Anything else about a sent message: {@code opened}, {@code clicked}, {@code unsubscribed},
     * {@code spamReport}, {@code progress} (an intermediate provider state such as queued or deferred).
     *
     * @param detail free text for the message's event history (the URL clicked, the provider's state name)
     */
    record Engagement(String providerMessageId, String kind, String detail, Instant at) implements ProviderEvent {}
}
