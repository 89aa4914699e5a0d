package dev.parley.delivery;

import java.time.Instant;

/**
 * The recorded end of one attempt: the row leaves {@code sending} for {@code to}, but only if it is still
 * this node's and this attempt's (a reaper may have settled it first).
 *
 * @param attemptDelta 0 normally; -1 when the attempt provably never started (released by a stopping node)
 * @param dueAt        the next due time for a retry back-off ({@code scheduled}), else null
 * @param providerId   the provider the row belongs to afterwards (another one after a failover)
 * @param fallbacks    the providers it may still fail over to afterwards, comma-separated, or null
 * @param campaignId   the message's campaign (its counters move with the settle), or null
 */
public record Settlement(String id, String tenantId, int attempt, MessageStatus to, String providerId,
                         String providerMessageId, String error, Instant dueAt, int attemptDelta, String eventType,
                         String detail, String fallbacks, String campaignId) {}
