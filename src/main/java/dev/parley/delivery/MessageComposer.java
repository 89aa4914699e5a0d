package dev.parley.delivery;

import dev.parley.db.TenantHandle;
import java.util.Map;

/**
 * Turns a send request's recipient and content ({@code to} or {@code contactId}; {@code templateId} or
 * inline content; {@code data}) into the message the ledger stores: the address, the rendered text and
 * the SMS segment count. The delivery package defines it and the templates package implements it, so the
 * ledger knows nothing of templates or contacts.
 */
public interface MessageComposer {
    /** What the caller asked for; exactly one of {@code to}/{@code contactId} and of {@code templateId}/content is set. */
    record Request(String channel, String to, String contactId, String templateId, String subject, String text, String html,
                   Map<String, Object> data) {}

    /** @param segments SMS segments of the rendered text (for the cost), 1 for email */
    record Composed(String to, String contactId, String subject, String text, String html, int segments) {}

    /** @throws dev.parley.core.Failure.Invalid naming the field at fault (unknown contact, template of another channel, syntax) */
    Composed compose(TenantHandle th, Request request);
}
