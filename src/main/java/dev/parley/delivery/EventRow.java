package dev.parley.delivery;

import java.time.Instant;

/**
 * One row of {@code message_event}, written in the same batch as the change it records. {@code campaignId}
 * (null for a transactional message) is not stored with the event: it tells {@link Events#insert} which
 * campaign's counters the change moves.
 */
record EventRow(String messageId, String tenantId, Instant at, String type, String fromStatus, String toStatus,
                Integer attempt, String providerId, String detail, String campaignId) {

    EventRow(String messageId, String tenantId, Instant at, String type, String fromStatus, String toStatus,
             Integer attempt, String providerId, String detail) {
        this(messageId, tenantId, at, type, fromStatus, toStatus, attempt, providerId, detail, null);
    }
}
