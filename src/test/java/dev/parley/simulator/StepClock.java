package dev.parley.simulator;

import java.util.concurrent.atomic.AtomicLong;

/** A simulator clock that stands still until the test moves it. */
final class StepClock implements SimClock {
    private final AtomicLong nanos;

    StepClock(long epochNanos) {
        this.nanos = new AtomicLong(epochNanos);
    }

    void advanceMillis(long millis) {
        nanos.addAndGet(millis * 1_000_000L);
    }

    @Override
    public long nanos() {
        return nanos.get();
    }

    @Override
    public long wallMillis() {
        return nanos.get() / 1_000_000L;
    }
}
