package dev.parley.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    @Test
    void allowsABurstOfTwiceTheRateThenRefillsAtTheRate() {
        AtomicLong now = new AtomicLong();
        RateLimiter limiter = new RateLimiter(10, now::get);
        for (int i = 0; i < 20; i++) {
            assertThat(limiter.take("k")).isEqualTo(Duration.ZERO);
        }
        Duration wait = limiter.take("k");
        assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofMillis(100));
        now.addAndGet(Duration.ofMillis(100).toNanos());
        assertThat(limiter.take("k")).isEqualTo(Duration.ZERO);
        assertThat(limiter.take("other")).isEqualTo(Duration.ZERO);
    }
}
