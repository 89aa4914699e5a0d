package dev.parley.simulator;

import dev.parley.providers.TwilioForm;
import dev.parley.providers.TwilioSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Twilio dialect tells the client after accepting a message: signed status callbacks to the
 * request's {@code StatusCallback} ({@code sent}, then {@code delivered} or {@code undelivered} per
 * {@code --delivered-rate}) and, per {@code --reply-rate}, a signed inbound reply from the recipient.
 *
 * <p>{@link #schedule} never blocks: jobs wait in a bounded queue drained by a few virtual threads, and a
 * job that finds the queue full is dropped and counted. One job's callbacks are posted in order, one at a
 * time; different messages' callbacks interleave, and any of them may arrive before the client has read
 * the send's answer, as with Twilio. Each callback is posted once; failures are logged, not retried.
 */
final class TwilioCallbacks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TwilioCallbacks.class);
    private static final int CAPACITY = 10_000;
    private static final int WORKERS = 16;
    /** Twilio's "unknown destination handset" error, given with every undelivered status. */
    static final String UNDELIVERED_ERROR = "30003";

    /** One accepted message and what was drawn for it. */
    record Job(String messageSid, String accountSid, String authToken, String to, String from, String statusCallback,
               boolean delivered, String replyTo) {}

    private final BlockingQueue<Job> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Random draws;
    private final double deliveredRate;
    private final double replyRate;
    private final String replyText;
    private final String callbacksTo;
    private final AtomicLong inboundSequence = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client;

    TwilioCallbacks(SimulatorOptions options) {
        this.draws = new Random(options.seed() ^ 0x7711_0CA1_1BAC_C5L);
        this.deliveredRate = options.deliveredRate();
        this.replyRate = options.replyRate();
        this.replyText = options.replyText();
        this.callbacksTo = options.callbacksTo();
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).executor(workers).build();
        for (int i = 0; i < WORKERS; i++) {
            workers.submit(this::drain);
        }
    }

    /**
     * Draws the message's fate (two draws from a generator seeded with {@code --seed}, in arrival order)
     * and queues its callbacks; false when the queue is full and they were dropped.
     */
    boolean schedule(String messageSid, String accountSid, String authToken, String to, String from, String statusCallback) {
        boolean delivered = draws.nextDouble() < deliveredRate;
        boolean reply = draws.nextDouble() < replyRate;
        String replyTo = reply ? inboundUrl(statusCallback) : null;
        if (statusCallback == null && replyTo == null) {
            return true;
        }
        boolean queued = queue.offer(new Job(messageSid, accountSid, authToken, to, from, statusCallback, delivered, replyTo));
        if (!queued && dropped.incrementAndGet() == 1) {
            log.warn("Twilio callback queue full ({} jobs): callbacks are being dropped", CAPACITY);
        }
        return queued;
    }

    /** {@code --callbacks-to}, else the status callback URL with its trailing {@code /status} made {@code /inbound}. */
    private String inboundUrl(String statusCallback) {
        if (callbacksTo != null) {
            return callbacksTo;
        }
        return statusCallback != null && statusCallback.endsWith("/status")
                ? statusCallback.substring(0, statusCallback.length() - "/status".length()) + "/inbound" : null;
    }

    long dropped() {
        return dropped.get();
    }

    private void drain() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Job job = queue.take();
                if (job.statusCallback() != null) {
                    post(job, job.statusCallback(), status(job, "sent"));
                    post(job, job.statusCallback(), status(job, job.delivered() ? "delivered" : "undelivered"));
                }
                if (job.replyTo() != null) {
                    post(job, job.replyTo(), reply(job));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Map<String, List<String>> status(Job job, String state) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        params.put("SmsSid", List.of(job.messageSid()));
        params.put("SmsStatus", List.of(state));
        params.put("MessageStatus", List.of(state));
        params.put("To", List.of(job.to()));
        params.put("MessageSid", List.of(job.messageSid()));
        params.put("AccountSid", List.of(job.accountSid()));
        params.put("From", List.of(job.from()));
        params.put("ApiVersion", List.of("2010-04-01"));
        if (state.equals("undelivered")) {
            params.put("ErrorCode", List.of(UNDELIVERED_ERROR));
        }
        return params;
    }

    private Map<String, List<String>> reply(Job job) {
        String sid = "SM" + "%032x".formatted(Long.MAX_VALUE - inboundSequence.incrementAndGet());
        Map<String, List<String>> params = new LinkedHashMap<>();
        params.put("ToCountry", List.of("US"));
        params.put("SmsMessageSid", List.of(sid));
        params.put("NumMedia", List.of("0"));
        params.put("SmsSid", List.of(sid));
        params.put("SmsStatus", List.of("received"));
        params.put("Body", List.of(replyText));
        params.put("To", List.of(job.from()));
        params.put("NumSegments", List.of("1"));
        params.put("MessageSid", List.of(sid));
        params.put("AccountSid", List.of(job.accountSid()));
        params.put("From", List.of(job.to()));
        params.put("ApiVersion", List.of("2010-04-01"));
        return params;
    }

    private void post(Job job, String url, Map<String, List<String>> params) throws InterruptedException {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                    .header("User-Agent", "TwilioProxy/1.1")
                    .header(TwilioSignature.HEADER, TwilioSignature.sign(job.authToken(), url, params))
                    .POST(HttpRequest.BodyPublishers.ofString(TwilioForm.encode(params)))
                    .build();
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status >= 300) {
                log.warn("Twilio callback for {} to {} answered {}", job.messageSid(), url, status);
            }
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            log.warn("Twilio callback for {} to {} failed: {}", job.messageSid(), url, e.toString());
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
        client.shutdownNow();
    }
}
