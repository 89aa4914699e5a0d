package dev.parley.providers;

import java.util.Map;

/**
 * One attempt to hand a message to a provider. {@code messageId} is stable across attempts, so a
 * provider that de-duplicates on it can make at-least-once delivery effectively exactly-once.
 *
 * @param channel        {@code sms} or {@code email}
 * @param attempt        1 for the first attempt
 * @param unsubscribeUrl for campaign email: the recipient's signed one-click unsubscribe URL
 *                       ({@code List-Unsubscribe} / RFC 8058), else null
 */
public record SendRequest(String messageId, String tenantId, String channel, String to, String from, String subject,
                          String text, String html, int attempt, Map<String, String> metadata, String unsubscribeUrl) {
    public SendRequest(String messageId, String tenantId, String channel, String to, String from, String subject,
                       String text, String html, int attempt, Map<String, String> metadata) {
        this(messageId, tenantId, channel, to, from, subject, text, html, attempt, metadata, null);
    }
}
