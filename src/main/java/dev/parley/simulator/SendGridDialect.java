package dev.parley.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.Json;
import dev.parley.core.Tokens;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The simulator speaking SendGrid: {@code POST /v3/mail/send} answered like SendGrid (Bearer key or 401,
 * 202 with {@code X-Message-Id}), recorded in the same ledger under Parley's message id from
 * {@code custom_args.parley_message_id} (so duplicates show), with the same fates and rate limit as
 * {@code /send} ({@link Sends#admit}); then signed event webhooks, {@code processed} followed by
 * {@code delivered} or {@code bounce} (per {@code --delivered-rate}) and sometimes {@code open} and
 * {@code click}, posted by {@link SendGridCallbacks}.
 *
 * <p>The one thing to know: like SendGrid, the webhook URL is account-wide, set with
 * {@code PATCH /v3/user/webhooks/event/settings {enabled, url}}; until then {@code --callbacks-to}, when
 * given, is used as is. With neither, no events are posted. The verification key is at
 * {@code GET /v3/user/webhooks/event/settings/signed}.
 */
final class SendGridDialect implements AutoCloseable {
    static final double OPEN_RATE = 0.1;
    static final double CLICK_RATE = 0.5;

    private record Mail(String id, String to, Map<String, String> customArgs) {}

    private static final class BadMail extends Exception {
        final String field;

        BadMail(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }
    }

    private final String requiredAuth;
    private final Sends sends;
    private final Ledger ledger;
    private final double deliveredRate;
    private final long seed;
    private final SendGridCallbacks callbacks;
    private volatile String webhookUrl;
    private volatile boolean webhookEnabled;

    SendGridDialect(SimulatorOptions options, Sends sends, Ledger ledger) {
        this.requiredAuth = options.requireAuth();
        this.sends = sends;
        this.ledger = ledger;
        this.deliveredRate = options.deliveredRate();
        this.seed = options.seed();
        this.callbacks = new SendGridCallbacks(options.seed());
        this.webhookUrl = options.callbacksTo();
        this.webhookEnabled = options.callbacksTo() != null;
    }

    /** Adds the SendGrid routes and stops the callbacks with the server. */
    void register(JavalinConfig cfg) {
        cfg.routes.post("/v3/mail/send", this::send);
        cfg.routes.get("/v3/user/webhooks/event/settings", ctx -> authorised(ctx, () -> settings(ctx)));
        cfg.routes.patch("/v3/user/webhooks/event/settings", ctx -> authorised(ctx, () -> updateSettings(ctx)));
        cfg.routes.get("/v3/user/webhooks/event/settings/signed",
                ctx -> authorised(ctx, () -> json(ctx, 200, Map.of("public_key", callbacks.publicKey()))));
        cfg.events.serverStopped(this::close);
    }

    private void send(Context ctx) throws InterruptedException {
        if (!authorisedHeader(ctx.header("Authorization"))) {
            ledger.refuse(Refusal.UNAUTHORISED);
            errors(ctx, 401, null, "The provided authorization grant is invalid, expired, or revoked");
            return;
        }
        Mail mail;
        try {
            mail = parse(ctx.bodyAsBytes());
        } catch (BadMail e) {
            ledger.refuse(Refusal.INVALID);
            errors(ctx, 400, e.field, e.getMessage());
            return;
        }
        Sends.Admission admission = sends.admit(mail.id(), "email", mail.to());
        if (admission.refusal() == Refusal.FAILED) {
            pause(admission.delayMillis());
            errors(ctx, 503, null, "simulated failure");
            return;
        }
        if (admission.refusal() == Refusal.RATE_LIMITED) {
            pause(admission.delayMillis());
            ctx.header("X-RateLimit-Remaining", "0");
            ctx.header("X-RateLimit-Reset", String.valueOf(System.currentTimeMillis() / 1000 + 1));
            errors(ctx, 429, null, "too many requests");
            return;
        }
        String messageId = admission.entry().providerMessageId();
        String url = webhookUrl;
        if (webhookEnabled && url != null) {
            callbacks.offer(url, Json.write(events(messageId, mail)));
        }
        pause(admission.delayMillis());
        ctx.status(202).header("X-Message-Id", messageId);
    }

    /** The events SendGrid would report for one accepted message, as the webhook's JSON array. */
    private List<Map<String, Object>> events(String messageId, Mail mail) {
        SplittableRandom draw = new SplittableRandom(seed ^ messageId.hashCode() * 0x9E3779B97F4A7C15L);
        long now = System.currentTimeMillis() / 1000;
        List<Map<String, Object>> events = new ArrayList<>();
        events.add(event("processed", messageId, mail, now, Map.of()));
        if (draw.nextDouble() < deliveredRate) {
            events.add(event("delivered", messageId, mail, now, Map.of("response", "250 2.0.0 OK (simulated)")));
            if (draw.nextDouble() < OPEN_RATE) {
                events.add(event("open", messageId, mail, now, Map.of("sg_machine_open", false)));
                if (draw.nextDouble() < CLICK_RATE) {
                    events.add(event("click", messageId, mail, now, Map.of("url", "https://example.com/simulated")));
                }
            }
        } else {
            events.add(event("bounce", messageId, mail, now, Map.of("type", "bounce", "status", "5.1.1",
                    "reason", "550 5.1.1 simulated: the email account does not exist")));
        }
        return events;
    }

    private static Map<String, Object> event(String name, String messageId, Mail mail, long timestamp, Map<String, Object> extra) {
        Map<String, Object> event = new LinkedHashMap<>(mail.customArgs());
        event.put("email", mail.to());
        event.put("timestamp", timestamp);
        event.put("smtp-id", "<" + messageId + "@simulator>");
        event.put("event", name);
        event.put("sg_event_id", messageId + "-" + name);
        event.put("sg_message_id", messageId + ".filterdrecv-simulator-1-0");
        event.putAll(extra);
        return event;
    }

    private static Mail parse(byte[] body) throws BadMail {
        JsonNode json;
        try {
            json = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new BadMail(null, "Bad Request: the body is not JSON");
        }
        if (json == null || !json.isObject()) {
            throw new BadMail(null, "Bad Request: the body must be a JSON object");
        }
        JsonNode to = json.at("/personalizations/0/to/0/email");
        if (!to.isTextual() || to.asText().isBlank()) {
            throw new BadMail("personalizations.0.to", "The to array is required for all personalization objects, and must have at least one email object with a valid email address.");
        }
        if (!json.at("/from/email").isTextual()) {
            throw new BadMail("from.email", "The from object must be provided for every email send.");
        }
        Map<String, String> customArgs = new LinkedHashMap<>();
        for (JsonNode args : List.of(json.path("custom_args"), json.at("/personalizations/0/custom_args"))) {
            args.properties().forEach(e -> customArgs.put(e.getKey(), e.getValue().asText()));
        }
        String id = customArgs.getOrDefault("parley_message_id", "sendgrid-" + UUID.randomUUID());
        return new Mail(id, to.asText(), customArgs);
    }

    private void settings(Context ctx) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("enabled", webhookEnabled);
        settings.put("url", webhookUrl == null ? "" : webhookUrl);
        json(ctx, 200, settings);
    }

    private void updateSettings(Context ctx) {
        JsonNode json;
        try {
            json = Json.mapper().readTree(ctx.bodyAsBytes());
        } catch (IOException e) {
            errors(ctx, 400, null, "the body is not JSON");
            return;
        }
        if (json == null || !json.isObject()) {
            errors(ctx, 400, null, "the body must be a JSON object");
            return;
        }
        JsonNode url = json.path("url");
        if (!url.isMissingNode() && !(url.isTextual() && SimulatorOptions.isHttpUrl(url.asText()))) {
            errors(ctx, 400, "url", "url must be an http or https URL");
            return;
        }
        JsonNode enabled = json.path("enabled");
        if (!enabled.isMissingNode() && !enabled.isBoolean()) {
            errors(ctx, 400, "enabled", "enabled must be true or false");
            return;
        }
        if (url.isTextual()) {
            webhookUrl = url.asText();
        }
        if (enabled.isBoolean()) {
            webhookEnabled = enabled.asBoolean();
        }
        settings(ctx);
    }

    private void authorised(Context ctx, Runnable then) {
        if (authorisedHeader(ctx.header("Authorization"))) {
            then.run();
        } else {
            errors(ctx, 401, null, "authorization required");
        }
    }

    /** {@code --require-auth}'s exact value when set; otherwise any {@code Bearer} key, as SendGrid needs one. */
    private boolean authorisedHeader(String header) {
        if (requiredAuth != null) {
            return Tokens.constantTimeEquals(header, requiredAuth);
        }
        return header != null && header.startsWith("Bearer ") && !header.substring(7).isBlank();
    }

    private static void errors(Context ctx, int status, String field, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("field", field);
        json(ctx, status, Map.of("errors", List.of(error)));
    }

    private static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    private static void pause(long millis) throws InterruptedException {
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    @Override
    public void close() {
        callbacks.close();
    }
}
