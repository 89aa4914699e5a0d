package dev.parley.providers;

import dev.parley.core.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The generic {@code http} provider: POSTs each message as JSON to one configured URL, with an optional
 * credential header, and reads the answer as {@link HttpAnswers} describes (docs/providers.md).
 *
 * <p>One {@link HttpClient} per account (HTTP/1.1, pooled keep-alive connections, redirects not
 * followed). {@code timeoutMs} bounds the whole exchange, body included; the JDK's own request timeout
 * only covers the wait for the status line. The JDK never retries a POST on its own after the request
 * was written, so at-most-once holds; it does retry a refused connect, which is safe.
 */
public final class HttpProvider implements Provider {
    static final List<ConfigField> FIELDS = List.of(
            ConfigField.url("url", 2000),
            ConfigField.headerName("authHeader", "Authorization"),
            ConfigField.secret("authValue", 4096),
            ConfigField.integer("timeoutMs", 10_000, 1, 120_000),
            ConfigField.integer("connectTimeoutMs", 2_000, 1, 60_000));

    static final int MAX_ANSWER_BYTES = 64 * 1024;
    /** Lets the JDK's request timeout, which names the phase, fire before the overall bound. */
    private static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** The JSON body every endpoint receives. */
    record Payload(String id, String tenantId, String channel, String to, String from, String subject,
                   String text, String html, int attempt, Map<String, String> metadata) {}

    private final String providerId;
    private final URI url;
    private final String authHeader;
    private final String authValue;
    private final Duration timeout;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client;
    private final HttpAnswers answers;

    HttpProvider(String providerId, ProviderConfig config, Clock clock) {
        this.providerId = providerId;
        this.url = URI.create(config.text("url"));
        this.authHeader = config.text("authHeader");
        this.authValue = config.text("authValue");
        this.timeout = Duration.ofMillis(config.integer("timeoutMs"));
        this.answers = new HttpAnswers(clock);
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(config.integer("connectTimeoutMs")))
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
    }

    @Override
    public SendResult send(SendRequest request) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos() + GRACE_NANOS;
        CompletableFuture<HttpResponse<BoundedBody.Body>> exchange =
                client.sendAsync(toHttp(request), info -> new BoundedBody(MAX_ANSWER_BYTES));
        try {
            HttpResponse<BoundedBody.Body> response = exchange.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            return answers.classify(response.statusCode(), response.headers(), response.body(), request.messageId());
        } catch (ExecutionException e) {
            return answers.failure(unwrap(e), timeout);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return new SendResult.Ambiguous("no complete answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        }
    }

    private HttpRequest toHttp(SendRequest r) {
        Payload payload = new Payload(r.messageId(), r.tenantId(), r.channel(), r.to(), r.from(), r.subject(),
                r.text(), r.html(), r.attempt(), r.metadata() == null ? Map.of() : r.metadata());
        HttpRequest.Builder builder = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("Idempotency-Key", r.messageId())
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(payload)));
        if (authValue != null) {
            builder.setHeader(authHeader, authValue);
        }
        return builder.build();
    }

    static Throwable unwrap(ExecutionException e) {
        Throwable cause = e.getCause();
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause == null ? e : cause;
    }

    @Override
    public void close() {
        client.shutdownNow();
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "HttpProvider[" + providerId + " → " + url + "]";
    }
}
