package dev.parley.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts the simulated SendGrid's event webhooks: JSON arrays signed as SendGrid signs them (ECDSA P-256,
 * SHA-256, DER, base64, over the timestamp followed by the body) from a bounded queue drained by a few
 * virtual threads. {@link #offer} never blocks: when the queue is full the batch is dropped and counted,
 * so a slow receiver can never slow the send answers down.
 *
 * <p>The key pair is derived from {@code --seed} (a SHA1PRNG seeded with it, which the JDK's EC key
 * generator consumes deterministically), so a simulator restarted with the same seed keeps the public
 * key a Parley provider account was configured with. It is a test key and nothing else.
 */
final class SendGridCallbacks implements AutoCloseable {
    static final String SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature";
    static final String TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp";
    private static final Logger log = LoggerFactory.getLogger(SendGridCallbacks.class);
    private static final int CAPACITY = 10_000;
    private static final int POSTERS = 4;
    private static final Duration POST_TIMEOUT = Duration.ofSeconds(10);

    private record Batch(String url, String body) {}

    private final KeyPair keys;
    private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(POST_TIMEOUT)
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    private final List<Thread> posters = new ArrayList<>();
    private final AtomicLong posted = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    SendGridCallbacks(long seed) {
        this.keys = keyPair(seed);
        for (int i = 0; i < POSTERS; i++) {
            posters.add(Thread.ofVirtual().name("sendgrid-callbacks-" + i).start(this::drain));
        }
    }

    /** The verification key as SendGrid shows it: base64 of the DER SubjectPublicKeyInfo. */
    String publicKey() {
        return Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    }

    /** Queues one signed post of {@code body} (a JSON array) to {@code url}; false when it was dropped. */
    boolean offer(String url, String body) {
        if (queue.offer(new Batch(url, body))) {
            return true;
        }
        if (dropped.incrementAndGet() % 1000 == 1) {
            log.warn("SendGrid event queue full: {} batches dropped so far", dropped.get());
        }
        return false;
    }

    private void drain() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                post(queue.take());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void post(Batch batch) throws InterruptedException {
        String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(batch.url()))
                    .timeout(POST_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "SendGrid Event API")
                    .header(SIGNATURE_HEADER, sign(timestamp, batch.body()))
                    .header(TIMESTAMP_HEADER, timestamp)
                    .POST(HttpRequest.BodyPublishers.ofString(batch.body(), StandardCharsets.UTF_8))
                    .build();
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status >= 200 && status < 300) {
                posted.incrementAndGet();
            } else {
                failed.incrementAndGet();
                log.debug("SendGrid event post to {} answered {}", batch.url(), status);
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            failed.incrementAndGet();
            log.debug("SendGrid event post to {} failed: {}", batch.url(), e.toString());
        }
    }

    private String sign(String timestamp, String body) {
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate());
            signer.update(timestamp.getBytes(StandardCharsets.UTF_8));
            signer.update(body.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA P-256 signing is part of every JDK", e);
        }
    }

    private static KeyPair keyPair(long seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(("parley-simulator-sendgrid:" + seed).getBytes(StandardCharsets.UTF_8));
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA P-256 is part of every JDK", e);
        }
    }

    long posted() {
        return posted.get();
    }

    long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        posters.forEach(Thread::interrupt);
        client.shutdownNow();
        if (dropped.get() > 0 || failed.get() > 0) {
            log.info("SendGrid events: {} batches posted, {} failed, {} dropped", posted.get(), failed.get(), dropped.get());
        }
    }
}
