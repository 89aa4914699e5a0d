package dev.parley.providers;

import dev.parley.core.Failure;
import dev.parley.core.Failure.FieldError;
import dev.parley.core.Json;
import dev.parley.providers.SendResult.ErrorClass;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The {@code sendgrid} provider: SendGrid's v3 Mail Send ({@code POST /v3/mail/send}, Bearer API key)
 * for sending, and the Signed Event Webhook ({@code /hooks/sendgrid/{providerId}/events}) for receipts
 * and engagement. Answers are read as {@link HttpAnswers} reads any HTTP provider's, with SendGrid's
 * own rate-limit header and wrong-URL statuses added; transport failures exactly as the {@code http}
 * provider's (docs/providers.md).
 *
 * <p>What a reader could get wrong: the id returned on acceptance is SendGrid's {@code X-Message-Id},
 * and webhook events name the message by {@code sg_message_id}, which is that id plus a suffix
 * ({@link SendGridEvents}). Parley's own message and tenant ids travel in {@code custom_args}.
 * SendGrid does not de-duplicate, so an ambiguous send retried at least once may arrive twice.
 */
public final class SendGridProvider implements Provider, WebhookReceiver {
    static final List<ConfigField> FIELDS = List.of(
            new ConfigField("baseUrl", ConfigField.Kind.URL, false, "https://api.sendgrid.com", 1, 2000, false),
            new ConfigField("apiKey", ConfigField.Kind.TEXT, true, null, 1, 1024, true),
            new ConfigField("from", ConfigField.Kind.TEXT, false, null, 1, 998, false),
            new ConfigField("webhookPublicKey", ConfigField.Kind.TEXT, false, null, 1, 2048, false),
            ConfigField.integer("timeoutMs", 10_000, 1, 120_000),
            ConfigField.integer("connectTimeoutMs", 2_000, 1, 60_000));

    private static final Pattern SECONDS = Pattern.compile("\\d{1,12}");

    private final String providerId;
    private final URI sendUrl;
    private final String apiKey;
    private final String defaultFrom;
    private final Clock clock;
    private final HttpAnswers answers;
    private final SendGridSignature signature;
    private final HttpExchange exchange;

    SendGridProvider(String providerId, ProviderConfig config, Clock clock) {
        this.providerId = providerId;
        String base = config.text("baseUrl");
        this.sendUrl = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v3/mail/send");
        this.apiKey = config.text("apiKey");
        this.defaultFrom = config.text("from");
        this.clock = clock;
        this.exchange = new HttpExchange(config, clock);
        this.answers = exchange.answers();
        this.signature = new SendGridSignature(config.text("webhookPublicKey"));
    }

    /** The sender must be an address and the verification key a P-256 public key. */
    static List<FieldError> crossCheck(ProviderConfig config) {
        List<FieldError> errors = new ArrayList<>();
        Senders.checkDefault(config, errors);
        if (config.text("webhookPublicKey") != null) {
            try {
                SendGridSignature.parseKey(config.text("webhookPublicKey"));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("config.webhookPublicKey", "invalid",
                        "config.webhookPublicKey " + e.getMessage() + " (paste SendGrid's verification key)"));
            }
        }
        return errors;
    }

    @Override
    public SendResult send(SendRequest request) throws InterruptedException {
        String from = Senders.of(request, defaultFrom);
        if (from == null) {
            return Senders.NONE;
        }
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(mail(request, from));
        } catch (AddressException e) {
            return new SendResult.Rejected(ErrorClass.PERMANENT, "invalid-address", "not an email address: " + e.getRef(), null);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a mail of strings always serialises", e);
        }
        HttpRequest http = HttpRequest.newBuilder(sendUrl)
                .timeout(exchange.timeout())
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return exchange.send(http, response ->
                classify(response.statusCode(), response.headers(), response.body(), request.messageId()));
    }

    /**
     * SendGrid's answer: any 2xx is acceptance (202, or 200 in sandbox mode), with {@code X-Message-Id};
     * a 429 waits for {@code Retry-After} or else until {@code X-RateLimit-Reset} (Unix seconds); 404, 405
     * and redirects mean {@code baseUrl} is wrong. Everything else as {@link HttpAnswers#classify}.
     */
    SendResult classify(int status, HttpHeaders headers, BoundedBody.Body body, String messageId) {
        if (status >= 200 && status < 300) {
            String id = headers.firstValue("X-Message-Id").map(String::strip).filter(s -> !s.isEmpty()).orElse(messageId);
            return new SendResult.Accepted(id);
        }
        SendResult result = answers.classify(status, headers, body, messageId);
        if (status == 429 && result instanceof SendResult.Rejected r && r.retryAfter() == null) {
            return new SendResult.Rejected(r.errorClass(), r.code(), r.reason(), untilReset(headers.firstValue("X-RateLimit-Reset").orElse(null)));
        }
        if ((status == 404 || status == 405) && result instanceof SendResult.Rejected r) {
            return new SendResult.Rejected(ErrorClass.PROVIDER, r.code(), "is config.baseUrl right? " + r.reason(), null);
        }
        return result;
    }

    private Duration untilReset(String reset) {
        if (reset == null || !SECONDS.matcher(reset.strip()).matches()) {
            return null;
        }
        Duration wait = Duration.between(clock.instant(), Instant.ofEpochSecond(Long.parseLong(reset.strip())));
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    /** The v3 Mail Send body for one message to one recipient. */
    private static Map<String, Object> mail(SendRequest r, String from) throws AddressException {
        Map<String, Object> mail = new LinkedHashMap<>();
        mail.put("personalizations", List.of(Map.of("to", List.of(address(r.to())))));
        mail.put("from", address(from));
        if (r.subject() != null) {
            mail.put("subject", r.subject());
        }
        List<Map<String, String>> content = new ArrayList<>();
        if (r.text() != null || r.html() == null) {
            content.add(Map.of("type", "text/plain", "value", r.text() == null ? "" : r.text()));
        }
        if (r.html() != null) {
            content.add(Map.of("type", "text/html", "value", r.html()));
        }
        mail.put("content", content);
        Map<String, String> customArgs = new LinkedHashMap<>();
        customArgs.put("parley_message_id", r.messageId());
        if (r.tenantId() != null) {
            customArgs.put("parley_tenant_id", r.tenantId());
        }
        mail.put("custom_args", customArgs);
        if (r.unsubscribeUrl() != null) {
            mail.put("headers", Map.of("List-Unsubscribe", "<" + r.unsubscribeUrl() + ">",
                    "List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
        }
        return mail;
    }

    private static Map<String, String> address(String text) throws AddressException {
        InternetAddress address = new InternetAddress(text, true);
        Map<String, String> json = new LinkedHashMap<>();
        json.put("email", address.getAddress());
        if (address.getPersonal() != null && !address.getPersonal().isBlank()) {
            json.put("name", address.getPersonal());
        }
        return json;
    }

    /** Verifies and reads one Signed Event Webhook post ({@code kind} {@code events}; nothing else exists). */
    @Override
    public HookReply receive(HookRequest request) {
        if (!"events".equals(request.kind())) {
            throw new Failure.NotFound("SendGrid callback '" + request.kind() + "'");
        }
        signature.verify(request, clock.instant());
        return HookReply.of(SendGridEvents.parse(request.body()));
    }

    @Override
    public void close() {
        exchange.close();
    }

    @Override
    public String toString() {
        return "SendGridProvider[" + providerId + " → " + sendUrl + "]";
    }
}
