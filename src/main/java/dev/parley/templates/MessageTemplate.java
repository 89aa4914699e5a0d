package dev.parley.templates;

import java.time.Instant;

/**
 * A stored template as the API shows it. {@code channel} is {@code sms} (text only) or {@code email}
 * (a subject, and text, HTML or both). The fields hold template source, already known to parse.
 */
public record MessageTemplate(String id, String name, String channel, String subject, String text, String html,
                              Instant createdAt, Instant updatedAt) {

    public Content content() {
        return new Content(subject, text, html);
    }
}
