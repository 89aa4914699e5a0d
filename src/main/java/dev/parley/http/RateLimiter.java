package dev.parley.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets per credential, in this node's memory: {@code rate} requests per second with bursts of
 * twice that. With several API nodes each enforces the limit on its own share of the traffic.
 */
public final class RateLimiter {
    private final double ratePerSecond;
    private final double capacity;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(double ratePerSecond, LongSupplier nanoTime) {
        this.ratePerSecond = ratePerSecond;
        this.capacity = ratePerSecond * 2;
        this.nanoTime = nanoTime;
    }

    /** Takes one token for {@code key}; returns how long to wait when none is left, else {@link Duration#ZERO}. */
    public Duration take(String key) {
        long now = nanoTime.getAsLong();
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(capacity, now));
        synchronized (bucket) {
            double elapsed = (now - bucket.updatedNanos) / 1e9;
            bucket.tokens = Math.min(capacity, bucket.tokens + elapsed * ratePerSecond);
            bucket.updatedNanos = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return Duration.ZERO;
            }
            double missing = 1 - bucket.tokens;
            return Duration.ofNanos((long) Math.ceil(missing / ratePerSecond * 1e9));
        }
    }

    /** Forgets buckets that have refilled completely; they behave exactly like new ones. */
    public void evictIdle() {
        long now = nanoTime.getAsLong();
        buckets.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                return e.getValue().tokens + (now - e.getValue().updatedNanos) / 1e9 * ratePerSecond >= capacity;
            }
        });
    }

    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long updatedNanos) {
            this.tokens = tokens;
            this.updatedNanos = updatedNanos;
        }
    }
}
