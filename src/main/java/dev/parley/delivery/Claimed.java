package dev.parley.delivery;

import java.time.Instant;

/**
 * A message this node holds under a lease, with what its send needs. {@code attempt} is this attempt's number;
 * {@code fallbacks} the providers it may still fail over to, in order, comma-separated, or null.
 */
public record Claimed(String id, String tenantId, String campaignId, String channel, String to, String from,
                      String subject, String text, String html, int attempt, int maxAttempts, Guarantee guarantee,
                      String providerId, Instant dueAt, Instant validUntil, String metadataJson, String fallbacks,
                      boolean compliance) {

    static final String COLUMNS = "t.id, t.tenant_id, t.campaign_id, t.channel, t.to_address, t.from_address, t.subject, "
            + "t.body_text, t.body_html, t.attempt, t.max_attempts, t.guarantee, t.provider_id, t.due_at, t.valid_until, "
            + "t.metadata_json, t.fallbacks, t.compliance";

    static Claimed map(java.sql.ResultSet rs) throws java.sql.SQLException {
        java.sql.Timestamp valid = rs.getTimestamp("valid_until");
        return new Claimed(rs.getString("id"), rs.getString("tenant_id"), rs.getString("campaign_id"), rs.getString("channel"),
                rs.getString("to_address"), rs.getString("from_address"), rs.getString("subject"), rs.getString("body_text"),
                rs.getString("body_html"), rs.getInt("attempt"), rs.getInt("max_attempts"),
                Guarantee.parse(rs.getString("guarantee")).orElseThrow(), rs.getString("provider_id"),
                rs.getTimestamp("due_at").toInstant(), valid == null ? null : valid.toInstant(), rs.getString("metadata_json"),
                rs.getString("fallbacks"), rs.getBoolean("compliance"));
    }
}
