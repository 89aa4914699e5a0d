package dev.parley.simulator;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code --rate-limit N}: at most N acceptances per wall-clock second (a fixed window aligned to the
 * second, as many providers count). Two adjacent seconds may therefore together admit 2N within one
 * sliding second: pacing is the client's job, and the ledger summary's {@code maxInAnySlidingSecond}
 * shows whether it did it.
 */
final class SecondLimiter {
    private record Window(long second, AtomicInteger taken) {}

    private final int limit;
    private final AtomicReference<Window> current = new AtomicReference<>(new Window(Long.MIN_VALUE, new AtomicInteger()));

    SecondLimiter(int limit) {
        this.limit = limit;
    }

    /** Takes one slot in the second that {@code epochNanos} falls in; false when that second is full. */
    boolean tryTake(long epochNanos) {
        long second = Math.floorDiv(epochNanos, 1_000_000_000L);
        Window window = current.get();
        while (window.second() < second) {
            current.compareAndSet(window, new Window(second, new AtomicInteger()));
            window = current.get();
        }
        return window.taken().incrementAndGet() <= limit;
    }
}
