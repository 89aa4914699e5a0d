package dev.parley.providers;

import java.time.Duration;
import java.util.random.RandomGenerator;

/** Placeholder until the real policy lands. */
public final class Backoff {
    public static final int DEFAULT_MAX_ATTEMPTS = 6;
    private final RandomGenerator random;

    public Backoff(RandomGenerator random) {
        this.random = random;
    }

    public Duration delay(int attempt, Duration retryAfter) {
        long base = Math.min(600_000L, 5_000L << Math.min(20, attempt - 1));
        long ms = (long) (base * (0.5 + random.nextDouble()));
        if (retryAfter != null && retryAfter.toMillis() > ms) {
            return retryAfter;
        }
        return Duration.ofMillis(ms);
    }
}
