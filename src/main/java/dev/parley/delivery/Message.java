package dev.parley.delivery;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A ledger row as the API shows it; {@code cost} is the route's price for it (null without a price list). */
public record Message(String id, String campaignId, String contactId, String channel, String to, String from,
                      String subject, String text, String html, String status, String guarantee, int priority,
                      Instant dueAt, Instant validUntil, int attempt, int maxAttempts, String providerId,
                      String providerMessageId, String lastError, List<String> tags, Map<String, Object> metadata,
                      Instant createdAt, Instant updatedAt, Instant sentAt, java.math.BigDecimal cost, List<Event> events) {

    /** One entry of the message's history. */
    public record Event(Instant at, String type, String fromStatus, String toStatus, Integer attempt, String providerId,
                        String detail) {}

    public Message withEvents(List<Event> events) {
        return new Message(id, campaignId, contactId, channel, to, from, subject, text, html, status, guarantee, priority,
                dueAt, validUntil, attempt, maxAttempts, providerId, providerMessageId, lastError, tags, metadata,
                createdAt, updatedAt, sentAt, cost, events);
    }
}
