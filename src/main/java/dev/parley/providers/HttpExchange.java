package dev.parley.providers;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP provider account's client and the bounded exchange its sends make (the {@code http} and
 * {@code twilio} adapters): HTTP/1.1, pooled keep-alive connections, redirects not followed, tasks on
 * virtual threads. {@code timeoutMs} bounds the whole exchange, body included; the JDK's own request
 * timeout only covers the wait for the status line. Failures without a status line are classified by
 * {@link HttpAnswers#failure}; an answer is classified by the adapter.
 */
final class HttpExchange implements AutoCloseable {
    static final int MAX_ANSWER_BYTES = 64 * 1024;
    /**
     * Requests in flight per account, for adapters without a {@code maxConnections} setting. Each concurrent
     * request is a connection of its own, and a burst of hundreds at once overflows a server's accept queue
     * (refused connections, then an open circuit); beyond this many a send waits for a free one.
     */
    static final int DEFAULT_CONNECTIONS = 64;
    /** Lets the JDK's request timeout, which names the phase, fire before the overall bound. */
    private static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** What an answer with a status line means to the adapter. */
    @FunctionalInterface
    interface Reading {
        SendResult read(HttpResponse<BoundedBody.Body> response);
    }

    private final Duration timeout;
    private final HttpAnswers answers;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client;
    private final java.util.concurrent.Semaphore connections;

    /** Reads {@code timeoutMs} and {@code connectTimeoutMs} from the account's config. */
    HttpExchange(ProviderConfig config, Clock clock) {
        this.timeout = Duration.ofMillis(config.integer("timeoutMs"));
        this.answers = new HttpAnswers(clock);
        this.connections = new java.util.concurrent.Semaphore((int) config.integer("maxConnections", DEFAULT_CONNECTIONS), true);
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(config.integer("connectTimeoutMs")))
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
    }

    Duration timeout() {
        return timeout;
    }

    HttpAnswers answers() {
        return answers;
    }

    /** Sends {@code request} (built with {@link #timeout()}) and reads the answer, or classifies the failure. */
    SendResult send(HttpRequest request, Reading reading) throws InterruptedException {
        if (!connections.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return new SendResult.Rejected(SendResult.ErrorClass.TRANSIENT, "busy",
                    "every connection to the provider stayed busy for " + timeout.toMillis() + " ms; not sent", null);
        }
        try {
            return exchange(request, reading);
        } finally {
            connections.release();
        }
    }

    private SendResult exchange(HttpRequest request, Reading reading) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos() + GRACE_NANOS;
        CompletableFuture<HttpResponse<BoundedBody.Body>> exchange =
                client.sendAsync(request, info -> new BoundedBody(MAX_ANSWER_BYTES));
        try {
            return reading.read(exchange.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS));
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

    private static Throwable unwrap(ExecutionException e) {
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
}
