package dev.parley.providers;

import dev.parley.core.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The generic {@code http} provider: POSTs each message as JSON to one configured URL, with an optional
 * credential header, and reads the answer as {@link HttpAnswers} describes (docs/providers.md).
 *
 * <p>One {@link HttpExchange} per account bounds each exchange. The JDK never retries a POST on its own
 * after the request was written, so at-most-once holds; it does retry a refused connect, which is safe.
 */
public final class HttpProvider implements Provider {
    static final List<ConfigField> FIELDS = List.of(
            ConfigField.url("url", 2000),
            ConfigField.headerName("authHeader", "Authorization"),
            ConfigField.secret("authValue", 4096),
            ConfigField.integer("timeoutMs", 10_000, 1, 120_000),
            ConfigField.integer("connectTimeoutMs", 2_000, 1, 60_000),
            ConfigField.integer("maxConnections", HttpExchange.DEFAULT_CONNECTIONS, 1, 10_000));

    /** The JSON body every endpoint receives. */
    record Payload(String id, String tenantId, String channel, String to, String from, String subject,
                   String text, String html, int attempt, Map<String, String> metadata) {}

    private final String providerId;
    private final URI url;
    private final String authHeader;
    private final String authValue;
    private final HttpExchange exchange;

    HttpProvider(String providerId, ProviderConfig config, Clock clock) {
        this.providerId = providerId;
        this.url = URI.create(config.text("url"));
        this.authHeader = config.text("authHeader");
        this.authValue = config.text("authValue");
        this.exchange = new HttpExchange(config, clock);
    }

    @Override
    public SendResult send(SendRequest request) throws InterruptedException {
        return exchange.send(toHttp(request), response -> exchange.answers()
                .classify(response.statusCode(), response.headers(), response.body(), request.messageId()));
    }

    private HttpRequest toHttp(SendRequest r) {
        Payload payload = new Payload(r.messageId(), r.tenantId(), r.channel(), r.to(), r.from(), r.subject(),
                r.text(), r.html(), r.attempt(), r.metadata() == null ? Map.of() : r.metadata());
        HttpRequest.Builder builder = HttpRequest.newBuilder(url)
                .timeout(exchange.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("Idempotency-Key", r.messageId())
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(payload)));
        if (authValue != null) {
            builder.setHeader(authHeader, authValue);
        }
        return builder.build();
    }

    @Override
    public void close() {
        exchange.close();
    }

    @Override
    public String toString() {
        return "HttpProvider[" + providerId + " → " + url + "]";
    }
}
