package dev.parley.providers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.Failure.FieldError;
import dev.parley.core.Json;
import dev.parley.providers.SendResult.ErrorClass;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code twilio} SMS adapter: creates each message with Twilio's Messages API (form POST, HTTP Basic
 * auth with the account SID and auth token) and receives Twilio's signed status and inbound callbacks
 * (docs/providers.md, "twilio").
 *
 * <p>Twilio's error codes decide a rejection's class where they say more than the HTTP status (an
 * unusable {@code From} is the account's problem, not the recipient's); otherwise the status decides,
 * exactly as for the {@code http} adapter. As there, only an answer with a status line or a failure
 * before the request was written proves that Twilio did not take the message; anything else is
 * {@link SendResult.Ambiguous}, because Twilio has no idempotency key for message creation.
 */
public final class TwilioProvider implements Provider, WebhookReceiver {
    static final List<ConfigField> FIELDS = List.of(
            new ConfigField("accountSid", ConfigField.Kind.TEXT, true, null, 1, 64, false),
            new ConfigField("authToken", ConfigField.Kind.TEXT, true, null, 1, 256, true),
            new ConfigField("from", ConfigField.Kind.TEXT, false, null, 1, 64, false),
            new ConfigField("messagingServiceSid", ConfigField.Kind.TEXT, false, null, 1, 64, false),
            new ConfigField("baseUrl", ConfigField.Kind.URL, false, "https://api.twilio.com", 1, 2000, false),
            ConfigField.integer("timeoutMs", 10_000, 1, 120_000),
            ConfigField.integer("connectTimeoutMs", 2_000, 1, 60_000));

    private static final Pattern ACCOUNT_SID = Pattern.compile("AC[0-9a-fA-F]{32}");
    private static final Pattern SERVICE_SID = Pattern.compile("MG[0-9a-fA-F]{32}");

    /** Twilio error codes whose class differs from what their HTTP status alone would say. */
    private static final Map<Integer, ErrorClass> CLASS_BY_CODE = Map.ofEntries(
            Map.entry(20003, ErrorClass.PROVIDER),   // authentication failed
            Map.entry(20005, ErrorClass.PROVIDER),   // account not active (suspended, e.g. out of funds)
            Map.entry(20404, ErrorClass.PROVIDER),   // no such account or resource: the account SID is wrong
            Map.entry(21212, ErrorClass.PROVIDER),   // invalid From number
            Map.entry(21603, ErrorClass.PROVIDER),   // From is required: neither From nor a messaging service
            Map.entry(21606, ErrorClass.PROVIDER),   // From is not an SMS-capable number of this account
            Map.entry(20429, ErrorClass.TRANSIENT),  // too many requests
            Map.entry(21211, ErrorClass.PERMANENT),  // invalid To number
            Map.entry(21408, ErrorClass.PERMANENT),  // sending to this region is not enabled
            Map.entry(21602, ErrorClass.PERMANENT),  // message body is required
            Map.entry(21610, ErrorClass.PERMANENT),  // the recipient replied STOP to this sender
            Map.entry(21612, ErrorClass.PERMANENT),  // To is not reachable from this From
            Map.entry(21614, ErrorClass.PERMANENT),  // To is not a mobile number
            Map.entry(21617, ErrorClass.PERMANENT)); // body longer than 1,600 characters

    private final String providerId;
    private final URI messagesUrl;
    private final String authToken;
    private final String authorization;
    private final String from;
    private final String messagingServiceSid;
    private final String statusCallback;
    private final HttpExchange exchange;

    TwilioProvider(ProviderContext context, ProviderConfig config) {
        this.providerId = context.providerId();
        String accountSid = config.text("accountSid");
        this.authToken = config.text("authToken");
        String base = config.text("baseUrl").replaceAll("/+$", "");
        this.messagesUrl = URI.create(base + "/2010-04-01/Accounts/" + accountSid + "/Messages.json");
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((accountSid + ":" + authToken).getBytes(StandardCharsets.UTF_8));
        this.from = config.text("from");
        this.messagingServiceSid = config.text("messagingServiceSid");
        this.statusCallback = context.hookBase() + "/status";
        this.exchange = new HttpExchange(config, context.clock());
    }

    /** The SIDs must have Twilio's shape (they go into the URL), and a sender must be configured. */
    static List<FieldError> crossCheck(ProviderConfig config) {
        List<FieldError> errors = new ArrayList<>();
        if (!ACCOUNT_SID.matcher(config.text("accountSid")).matches()) {
            errors.add(new FieldError("config.accountSid", "invalid", "config.accountSid must be AC followed by 32 hex digits"));
        }
        String service = config.text("messagingServiceSid");
        if (service != null && !SERVICE_SID.matcher(service).matches()) {
            errors.add(new FieldError("config.messagingServiceSid", "invalid",
                    "config.messagingServiceSid must be MG followed by 32 hex digits"));
        }
        if (config.text("from") == null && service == null) {
            errors.add(new FieldError("config.from", "required", "config.from or config.messagingServiceSid is required"));
        }
        return errors;
    }

    @Override
    public SendResult send(SendRequest request) throws InterruptedException {
        return exchange.send(toHttp(request), response -> classify(response, request.messageId()));
    }

    private HttpRequest toHttp(SendRequest r) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        form.put("To", single(r.to()));
        form.put("From", single(r.from() != null ? r.from() : from));
        form.put("MessagingServiceSid", single(messagingServiceSid));
        form.put("Body", single(r.text()));
        form.put("StatusCallback", single(statusCallback));
        return HttpRequest.newBuilder(messagesUrl)
                .timeout(exchange.timeout())
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(TwilioForm.encode(form)))
                .build();
    }

    private static List<String> single(String value) {
        return value == null ? List.of() : List.of(value);
    }

    /**
     * A 2xx is Twilio's message resource: accepted under its {@code sid}. Without a sid it is still
     * accepted (Twilio said yes; resending would duplicate) under Parley's id, and receipts will not match.
     */
    private SendResult classify(HttpResponse<BoundedBody.Body> response, String messageId) {
        int status = response.statusCode();
        BoundedBody.Body body = response.body();
        JsonNode json = json(body.bytes());
        if (status >= 200 && status < 300) {
            if (!body.complete()) {
                return new SendResult.Ambiguous("connection lost while reading Twilio's HTTP " + status + " answer");
            }
            String sid = json.path("sid").asText("");
            return new SendResult.Accepted(sid.isBlank() ? messageId : sid);
        }
        SendResult.Rejected byStatus = (SendResult.Rejected) exchange.answers().classify(status, response.headers(), body, messageId);
        JsonNode code = json.path("code");
        if (!code.isIntegralNumber()) {
            return byStatus;
        }
        String message = json.path("message").asText("");
        String reason = truncate("Twilio " + code.asInt() + (message.isBlank() ? "" : ": " + message));
        ErrorClass errorClass = CLASS_BY_CODE.getOrDefault(code.asInt(), byStatus.errorClass());
        return new SendResult.Rejected(errorClass, "twilio-" + code.asInt(), reason, byStatus.retryAfter());
    }

    private static JsonNode json(byte[] bytes) {
        try {
            JsonNode tree = bytes.length == 0 ? null : Json.mapper().readTree(bytes);
            return tree == null ? Json.mapper().createObjectNode() : tree;
        } catch (IOException e) {
            return Json.mapper().createObjectNode();
        }
    }

    private static String truncate(String s) {
        return s.length() <= HttpAnswers.MAX_REASON ? s : s.substring(0, HttpAnswers.MAX_REASON - 1) + "…";
    }

    @Override
    public HookReply receive(HookRequest request) {
        return TwilioHooks.read(request, authToken);
    }

    @Override
    public void close() {
        exchange.close();
    }

    @Override
    public String toString() {
        return "TwilioProvider[" + providerId + " → " + messagesUrl + "]";
    }
}
