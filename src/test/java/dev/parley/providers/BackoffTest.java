package dev.parley.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static Backoff fixed(double factor) {
        return new Backoff(new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public double nextDouble(double origin, double bound) {
                return factor;
            }
        });
    }

    @Test
    void theDelayDoublesFromFiveSecondsUpToTenMinutes() {
        Backoff middle = fixed(1.0);
        assertThat(IntStream.rangeClosed(1, 9).mapToObj(n -> middle.delay(n, null).toSeconds()))
                .containsExactly(5L, 10L, 20L, 40L, 80L, 160L, 320L, 600L, 600L);
        assertThat(middle.delay(1_000, null)).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void everyDelayStaysWithinHalfAndOneAndAHalfTimesItsStep() {
        Backoff backoff = new Backoff(new SplittableRandom(7));
        for (int attempt = 1; attempt <= 10; attempt++) {
            long step = Math.min(600_000, 5_000L << (attempt - 1));
            long min = Long.MAX_VALUE;
            long max = 0;
            for (int i = 0; i < 10_000; i++) {
                long ms = backoff.delay(attempt, null).toMillis();
                assertThat(ms).isBetween(step / 2, step * 3 / 2);
                min = Math.min(min, ms);
                max = Math.max(max, ms);
            }
            assertThat(min).as("jitter reaches low").isLessThan(step * 55 / 100);
            assertThat(max).as("jitter reaches high").isGreaterThan(step * 145 / 100);
        }
    }

    @Test
    void aLongerRetryAfterWinsAndAShorterOneDoesNot() {
        Backoff middle = fixed(1.0);
        assertThat(middle.delay(1, Duration.ofSeconds(90))).isEqualTo(Duration.ofSeconds(90));
        assertThat(middle.delay(3, Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(20));
        assertThat(middle.delay(2, Duration.ZERO)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void theStandardBackoffIsSafeFromManyThreads() {
        Backoff standard = Backoff.standard();
        assertThat(IntStream.range(0, 100_000).parallel().mapToLong(i -> standard.delay(1, null).toMillis()))
                .allMatch(ms -> ms >= 2_500 && ms <= 7_500);
        assertThat(Backoff.DEFAULT_MAX_ATTEMPTS).isEqualTo(6);
    }
}
