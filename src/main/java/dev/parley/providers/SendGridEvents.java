package dev.parley.providers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.Failure;
import dev.parley.core.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the body of a verified SendGrid event webhook: a JSON array of event objects, in no particular
 * order (SendGrid batches and may reorder; each event carries its own {@code timestamp}).
 *
 * <p>The one thing to know: {@code sg_message_id} is the {@code X-Message-Id} that the send answered,
 * followed by a dot and SendGrid's own suffix ({@code .filterdrecv…}, {@code .recvd-…}); the id before
 * the first dot is what {@link SendGridProvider#send} returned. Events without it (account events) and
 * event types Parley has no use for are skipped, not errors.
 */
final class SendGridEvents {
    private static final int MAX_DETAIL = 500;

    private SendGridEvents() {}

    static List<ProviderEvent> parse(byte[] body) {
        JsonNode array;
        try {
            array = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw invalid("the body is not JSON");
        }
        if (array == null || !array.isArray()) {
            throw invalid("the body must be a JSON array of events");
        }
        List<ProviderEvent> events = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode event = array.get(i);
            if (!event.isObject() || !event.path("event").isTextual()) {
                throw invalid("event " + i + " must be an object with a string 'event'");
            }
            ProviderEvent mapped = map(event);
            if (mapped != null) {
                events.add(mapped);
            }
        }
        return events;
    }

    private static ProviderEvent map(JsonNode event) {
        String id = providerMessageId(event.path("sg_message_id").asText(""));
        if (id.isEmpty()) {
            return null;
        }
        Instant at = event.path("timestamp").canConvertToLong() ? Instant.ofEpochSecond(event.path("timestamp").asLong()) : null;
        return switch (event.path("event").asText()) {
            case "delivered" -> new ProviderEvent.Receipt(id, true, detail(event.path("response").asText(null)), at);
            case "bounce" -> new ProviderEvent.Receipt(id, false,
                    detail(join(event.path("type").asText("bounce"), event.path("status").asText(null), event.path("reason").asText(null))), at);
            case "dropped" -> new ProviderEvent.Receipt(id, false, detail(join("dropped", event.path("reason").asText(null))), at);
            case "processed" -> new ProviderEvent.Engagement(id, "progress", "processed", at);
            case "deferred" -> new ProviderEvent.Engagement(id, "progress",
                    detail(join("deferred", event.path("response").asText(null))), at);
            case "open" -> new ProviderEvent.Engagement(id, "opened",
                    event.path("sg_machine_open").asBoolean(false) ? "machine open" : null, at);
            case "click" -> new ProviderEvent.Engagement(id, "clicked", detail(event.path("url").asText(null)), at);
            case "unsubscribe" -> new ProviderEvent.Engagement(id, "unsubscribed", null, at);
            case "group_unsubscribe" -> new ProviderEvent.Engagement(id, "unsubscribed",
                    detail(join("group", event.path("asm_group_id").asText(null))), at);
            case "spamreport" -> new ProviderEvent.Engagement(id, "spamReport", null, at);
            default -> null;
        };
    }

    /** The {@code X-Message-Id} part of an {@code sg_message_id}: everything before the first dot. */
    static String providerMessageId(String sgMessageId) {
        int dot = sgMessageId.indexOf('.');
        return (dot < 0 ? sgMessageId : sgMessageId.substring(0, dot)).strip();
    }

    private static String join(String... parts) {
        StringBuilder text = new StringBuilder();
        for (String part : parts) {
            if (part != null && !part.isBlank()) {
                text.append(text.isEmpty() ? "" : ": ").append(part.strip());
            }
        }
        return text.isEmpty() ? null : text.toString();
    }

    private static String detail(String text) {
        if (text == null) {
            return null;
        }
        String clean = text.replaceAll("\\p{Cntrl}+", " ").strip();
        return clean.length() <= MAX_DETAIL ? clean : clean.substring(0, MAX_DETAIL - 1) + "…";
    }

    private static Failure.Invalid invalid(String message) {
        return new Failure.Invalid("body", "invalid", "SendGrid event webhook: " + message);
    }
}
