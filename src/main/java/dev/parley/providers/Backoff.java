package dev.parley.providers;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * How long a message waits before its next attempt (SPEC §4): {@code min(10 min, 5 s × 2^(attempt−1))}
 * times a random factor in [0.5, 1.5), so a burst of failures does not come back as a burst; a
 * provider's {@code Retry-After} wins when it is longer. It is honoured as given, uncapped: the message's
 * {@code validUntil} is what bounds a long wait.
 */
public final class Backoff {
    /** Attempts a message gets unless its campaign or request says otherwise. */
    public static final int DEFAULT_MAX_ATTEMPTS = 6;
    static final Duration BASE = Duration.ofSeconds(5);
    static final Duration CAP = Duration.ofMinutes(10);

    private final RandomGenerator random;

    /** {@code random} must be safe for the threads that call {@link #delay}. */
    public Backoff(RandomGenerator random) {
        this.random = random;
    }

    /** Draws from each calling thread's own {@link ThreadLocalRandom}. */
    public static Backoff standard() {
        return new Backoff(() -> ThreadLocalRandom.current().nextLong());
    }

    /**
     * The wait after failed attempt {@code attempt} (1 for the first).
     *
     * @param retryAfter the provider's hint, or null
     */
    public Duration delay(int attempt, Duration retryAfter) {
        int doublings = Math.clamp(attempt - 1, 0, 20);
        long ceilingMillis = Math.min(CAP.toMillis(), BASE.toMillis() << doublings);
        Duration jittered = Duration.ofMillis(Math.round(ceilingMillis * random.nextDouble(0.5, 1.5)));
        return retryAfter != null && retryAfter.compareTo(jittered) > 0 ? retryAfter : jittered;
    }
}
