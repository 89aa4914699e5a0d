package dev.parley.delivery;

import java.time.Instant;

/** One row of {@code message_event}, written in the same batch as the change it records. */
record EventRow(String messageId, String tenantId, Instant at, String type, String fromStatus, String toStatus,
                Integer attempt, String providerId, String detail) {}
