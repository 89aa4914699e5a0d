package dev.parley.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls an observable value until a condition holds, failing with the last value seen after a deadline. */
public final class Eventually {
    private Eventually() {}

    public static <T> T until(Supplier<T> read, Predicate<T> done) {
        return until(read, done, Duration.ofSeconds(20));
    }

    public static <T> T until(Supplier<T> read, Predicate<T> done, Duration within) {
        Instant deadline = Instant.now().plus(within);
        T value;
        do {
            value = read.get();
            if (done.test(value)) {
                return value;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(25_000_000L);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("not reached within " + within + ": " + value);
    }
}
