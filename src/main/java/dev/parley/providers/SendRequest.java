package dev.parley.providers;

import java.util.Map;

/**
 * One attempt to hand a message to a provider. {@code messageId} is stable across attempts, so a
 * provider that de-duplicates on it can make at-least-once delivery effectively exactly-once.
 *
 * @param channel {@code sms} or {@code email}
 * @param attempt 1 for the first attempt
 */
public record SendRequest(String messageId, String tenantId, String channel, String to, String from, String subject,
                          String text, String html, int attempt, Map<String, String> metadata) {}
