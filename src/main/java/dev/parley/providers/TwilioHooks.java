package dev.parley.providers;

import dev.parley.core.Failure;
import dev.parley.providers.WebhookReceiver.HookReply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads Twilio's callbacks to {@code /hooks/twilio/{providerId}/status} (a message's status changed) and
 * {@code /inbound} (someone texted the account's number): verifies {@code X-Twilio-Signature} against the
 * account's auth token, then turns the form parameters into {@link ProviderEvent}s.
 *
 * <p>Reading is a pure function of the request: the same callback twice gives the same events, and
 * statuses arriving out of order (delivered before sent) are read as they are. De-duplication and
 * "receipts only move forward" are applied where the events are stored, not here. Nothing here carries a
 * time: Twilio's callbacks do not say when a status changed, so events have {@code at = null}.
 */
final class TwilioHooks {
    static final String EMPTY_TWIML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";

    private TwilioHooks() {}

    static HookReply read(HookRequest request, String authToken) {
        String kind = request.kind();
        if (!"status".equals(kind) && !"inbound".equals(kind)) {
            throw new Failure.NotFound("Twilio callback kind '" + kind + "'");
        }
        String signature = request.header(TwilioSignature.HEADER);
        if (signature == null || signature.isBlank()) {
            throw new Failure.Unauthenticated("the callback has no " + TwilioSignature.HEADER + " header");
        }
        boolean post = "POST".equalsIgnoreCase(request.method());
        Map<String, List<String>> signed = post ? form(new String(request.body(), StandardCharsets.UTF_8)) : Map.of();
        if (!TwilioSignature.matches(authToken, request.url(), signed, signature)) {
            throw new Failure.Unauthenticated(TwilioSignature.HEADER + " does not match this account and URL");
        }
        Map<String, List<String>> params = post ? signed : form(query(request.url()));
        return kind.equals("status")
                ? HookReply.of(List.of(status(params)))
                : new HookReply(List.of(inbound(params)), "text/xml", EMPTY_TWIML);
    }

    /**
     * Twilio's message statuses: delivered, undelivered and failed are final; canceled (a scheduled
     * message withdrawn) never reached the person; read is an engagement; anything else, including
     * statuses Twilio may add, is progress.
     */
    private static ProviderEvent status(Map<String, List<String>> params) {
        String sid = required(params, "MessageSid");
        String status = required(params, "MessageStatus").toLowerCase(Locale.ROOT);
        String errorCode = TwilioForm.first(params, "ErrorCode");
        String detail = errorCode == null || errorCode.isBlank() ? status : status + " (Twilio error " + errorCode + ")";
        return switch (status) {
            case "delivered" -> new ProviderEvent.Receipt(sid, true, detail, null);
            case "undelivered", "failed", "canceled" -> new ProviderEvent.Receipt(sid, false, detail, null);
            case "read" -> new ProviderEvent.Engagement(sid, "opened", detail, null);
            default -> new ProviderEvent.Engagement(sid, "progress", detail, null);
        };
    }

    private static ProviderEvent inbound(Map<String, List<String>> params) {
        String body = TwilioForm.first(params, "Body");
        return new ProviderEvent.Inbound("sms", required(params, "MessageSid"), required(params, "From"),
                required(params, "To"), body == null ? "" : body, null);
    }

    private static String required(Map<String, List<String>> params, String name) {
        String value = TwilioForm.first(params, name);
        if (value == null || value.isBlank()) {
            throw new Failure.Invalid(name, "required", "a Twilio callback must carry " + name);
        }
        return value;
    }

    private static Map<String, List<String>> form(String text) {
        try {
            return TwilioForm.decode(text);
        } catch (IllegalArgumentException e) {
            throw new Failure.Invalid("body", "invalid", "the callback's body is not form-encoded: " + e.getMessage());
        }
    }

    private static String query(String url) {
        int q = url.indexOf('?');
        int hash = url.indexOf('#');
        return q < 0 ? "" : url.substring(q + 1, hash > q ? hash : url.length());
    }
}
